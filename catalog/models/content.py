"""Prose and bookkeeping: glossary, guides, dataset versions, search index."""

from django.core.cache import cache
from django.db import models, transaction
from django.urls import reverse

from catalog.models.base import (
    SlugManager,
)
from catalog.models.products import Product
from catalog.models.vocabulary import Company, Disease, Reference, Target
from catalog.text import LAST_REVIEWED_HELP, render_markdown


class GlossaryTerm(models.Model):
    slug = models.SlugField(unique=True)
    term = models.CharField(max_length=200)
    definition = models.TextField(help_text="Markdown; rendered through a sanitizer.")
    last_reviewed = models.DateField(help_text=LAST_REVIEWED_HELP)
    see_also = models.ManyToManyField("self", symmetrical=False, blank=True)
    references = models.ManyToManyField(
        Reference, blank=True, related_name="glossary_terms"
    )

    objects = SlugManager()

    class Meta:
        ordering = ("term",)

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return f"{reverse('catalog:glossary')}#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def definition_html(self):
        # Each term's notes are listed under it, titled by a paragraph:
        # the page's headings are for the terms.
        return render_markdown(self.definition, notes_id=self.slug, heading="p")


class Guide(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown; rendered through a sanitizer.")
    last_reviewed = models.DateField(help_text=LAST_REVIEWED_HELP)
    references = models.ManyToManyField(Reference, blank=True, related_name="guides")

    objects = SlugManager()

    class Meta:
        ordering = ("title",)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:guide-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def body_html(self):
        return render_markdown(self.body, notes_id=self.slug)


# The live version as the cache remembers it. `seed` sets it when it makes a
# version live, so with a shared cache (Redis) every server sees a re-seed at
# once; the short lifetime bounds how long a server can miss one when the
# cache is not shared (local memory: one second) or `seed` could not reach it.
LIVE_VERSION_KEY = "dataset-version:live"
LIVE_VERSION_SECONDS = 1


class DatasetVersionQuerySet(models.QuerySet):
    def live(self):
        """The version being served: the one `seed` loaded last, or None."""
        return self.order_by("-seeded_at").first()


class DatasetVersion(models.Model):
    """One row per distinct dataset loaded by `seed`; the newest is live.

    Its digest changes exactly when the fixtures do, which makes it the cache
    key for pages and downloads.
    """

    digest = models.CharField(max_length=64, unique=True)
    seeded_at = models.DateTimeField()
    product_count = models.PositiveIntegerField()
    event_count = models.PositiveIntegerField()

    objects = DatasetVersionQuerySet.as_manager()

    class Meta:
        ordering = ("-seeded_at",)
        get_latest_by = "seeded_at"

    def __str__(self):
        return self.digest[:12]

    @classmethod
    def live_cached(cls):
        """`objects.live()`, remembered in the cache for at most
        LIVE_VERSION_SECONDS: the page cache asks on every request, and a hit
        then costs no query."""
        version = cache.get(LIVE_VERSION_KEY)
        if version is None:
            version = cls.objects.live()
            cls.remember_live(version, replace=False)
        return version

    @staticmethod
    def remember_live(version, replace=True):
        """Record `version` as live in the cache. `replace=False` (a reader
        filling a gap) never overwrites what `seed` has just published, so a
        request that read the database before a re-seed committed cannot
        bring the old version back."""
        if version is None:
            return
        if replace:
            cache.set(LIVE_VERSION_KEY, version, LIVE_VERSION_SECONDS)
        else:
            cache.add(LIVE_VERSION_KEY, version, LIVE_VERSION_SECONDS)

    @classmethod
    def publish_live(cls, version):
        """Called by `seed` inside its transaction: forget the old version now
        (readers go back to the database) and announce the new one once it
        is committed, when every server can read it."""
        cache.delete(LIVE_VERSION_KEY)
        transaction.on_commit(lambda: cls.remember_live(version))

    @property
    def short_digest(self):
        return self.digest[:12]


class SearchToken(models.Model):
    """A word of the search vocabulary, for typo correction."""

    token = models.CharField(max_length=100, unique=True)
    frequency = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("token",)

    def __str__(self):
        return self.token


class SearchTerm(models.Model):
    """A name something can be found by, normalised for matching.

    Rebuilt by `seed` from the catalog's names and the curated vocabulary
    (see catalog.search.vocabulary); never edited by hand.
    """

    term = models.CharField(max_length=300)
    display = models.CharField(max_length=300)
    kind = models.CharField(max_length=30)
    is_abbreviation = models.BooleanField(default=False)
    disease = models.ForeignKey(
        Disease, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What a word for a kind of therapy, a place or a qualifier stands for
    # ("car-t", "jp", "line:2"); empty for names of records.
    value = models.CharField(max_length=40, blank=True)
    # Written without spaces (Japanese, Chinese, Korean): matched inside the
    # query's text rather than word by word.
    cjk = models.BooleanField(default=False)
    tokens = models.ManyToManyField(SearchToken, related_name="terms")

    class Meta:
        ordering = ("term",)
        indexes = [
            # Suggestions match typed prefixes against whole terms.
            models.Index(fields=["term"], name="catalog_searchterm_term_idx"),
        ]

    def __str__(self):
        return self.display
