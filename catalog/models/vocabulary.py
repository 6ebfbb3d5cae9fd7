"""The vocabularies products refer to: companies, regulators, cell sources,
targets, mechanisms, diseases and their hierarchy."""

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse

from catalog.choices import (
    DonorRelation,
    SynonymKind,
    TherapeuticArea,
    Tissue,
)
from catalog.models.base import (
    SlugManager,
    SlugQuerySet,
    _choices_constraint,
)
from catalog.text import LAST_REVIEWED_HELP, render_markdown


class Company(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )

    objects = SlugManager()

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "companies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:sponsor-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Agency(models.Model):
    slug = models.SlugField(unique=True)
    short_name = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    region = models.CharField(max_length=100)
    # ISO 3166 alpha-2 in lower case ("jp"), or "eu" for the European Union.
    country = models.CharField(max_length=2)
    website = models.URLField(blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ("short_name",)
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("catalog:agency-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self):
        """The place first, then who decides there: 'Japan · MHLW/PMDA'."""
        return f"{self.region} · {self.short_name}"


class CellSource(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    donor_relation = models.CharField(max_length=20, choices=DonorRelation)
    tissue = models.CharField(max_length=40, choices=Tissue)
    explanation = models.TextField()

    objects = SlugManager()

    class Meta:
        ordering = ("donor_relation", "name")
        constraints = [
            _choices_constraint("cellsource", "donor_relation", DonorRelation),
            _choices_constraint("cellsource", "tissue", Tissue),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:cell-source-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Target(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:target-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Reference(models.Model):
    url = models.URLField(max_length=500, unique=True)
    title = models.CharField(max_length=400)
    publisher = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("title",)

    def __str__(self):
        return self.title


class MechanismQuerySet(SlugQuerySet):
    def with_product_counts(self):
        return self.annotate(product_count=models.Count("products", distinct=True))


class Mechanism(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    in_short = models.TextField(
        help_text="Plain text for patients, 3 to 5 short sentences, read at "
        "US grade 8 or below; shown in a box above the detailed text."
    )
    body = models.TextField(help_text="Markdown; rendered through a sanitizer.")
    last_reviewed = models.DateField(help_text=LAST_REVIEWED_HELP)
    references = models.ManyToManyField(
        Reference, through="MechanismReference", related_name="mechanisms"
    )

    objects = MechanismQuerySet.as_manager()

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:mechanism-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def body_html(self):
        return render_markdown(self.body, notes_id=self.slug)


class MechanismReference(models.Model):
    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE)
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "reference"],
                name="catalog_mechanismreference_once",
            ),
        ]

    def __str__(self):
        return f"{self.mechanism} – {self.reference}"


class DiseaseQuerySet(SlugQuerySet):
    def with_synonyms(self):
        return self.prefetch_related(
            Prefetch("synonyms", queryset=DiseaseSynonym.objects.order_by("term"))
        )

    def descendants_map(self, ancestors=None):
        """Disease ids (all, or those in `ancestors`) mapped to themselves and
        every id below them, read in one query from the lineage table."""
        lineage = DiseaseLineage.objects.all()
        if ancestors is not None:
            lineage = lineage.filter(ancestor_id__in=ancestors)
        below = {}
        for ancestor, descendant in lineage.values_list("ancestor_id", "descendant_id"):
            below.setdefault(ancestor, set()).add(descendant)
        return below

    def and_narrower(self):
        """These diseases and every disease below them in the hierarchy."""
        return Disease.objects.filter(
            lineage_up__ancestor__in=self.values("pk")
        ).distinct()

    def as_tree(self):
        """Root diseases grouped by therapeutic area, each node carrying its
        narrower diseases (`narrower`) and how many products have a decision on
        an indication for it or anything below it (`product_total`, as on the
        disease page). Four queries whatever the size.
        """
        diseases = {disease.pk: disease for disease in self.order_by("name")}
        children, has_parent = {}, set()
        for child_id, parent_id in Disease.parents.through.objects.values_list(
            "from_disease_id", "to_disease_id"
        ):
            children.setdefault(parent_id, []).append(diseases[child_id])
            has_parent.add(child_id)
        totals = dict(
            DiseaseLineage.objects.values_list("ancestor_id")
            .annotate(
                n=models.Count(
                    "descendant__indications__statuses__product", distinct=True
                )
            )
            .order_by()
        )
        for disease in diseases.values():
            disease.narrower = sorted(
                children.get(disease.pk, []), key=lambda d: d.name
            )
            disease.product_total = totals.get(disease.pk, 0)
        areas = []
        for area in TherapeuticArea:
            roots = [
                d
                for pk, d in diseases.items()
                if pk not in has_parent and d.therapeutic_area == area
            ]
            if roots:
                areas.append((area, roots))
        return areas


class Disease(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    therapeutic_area = models.CharField(max_length=40, choices=TherapeuticArea)
    description = models.TextField(blank=True)
    mondo_id = models.CharField("MONDO ID", max_length=20, blank=True)
    mesh_id = models.CharField("MeSH ID", max_length=20, blank=True)
    icd10_code = models.CharField("ICD-10 code(s)", max_length=100, blank=True)
    parents = models.ManyToManyField(
        "self", symmetrical=False, related_name="children", blank=True
    )

    objects = DiseaseQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        constraints = [
            _choices_constraint("disease", "therapeutic_area", TherapeuticArea)
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:disease-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class DiseaseSynonym(models.Model):
    disease = models.ForeignKey(
        Disease, on_delete=models.CASCADE, related_name="synonyms"
    )
    term = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SynonymKind)

    class Meta:
        ordering = ("term",)
        constraints = [
            models.UniqueConstraint(
                fields=["disease", "term"], name="catalog_diseasesynonym_once"
            ),
            _choices_constraint("diseasesynonym", "kind", SynonymKind),
        ]
        indexes = [
            # Disease search matches typed terms against synonyms.
            models.Index(fields=["term"], name="catalog_synonym_term_idx"),
        ]

    def __str__(self):
        return self.term


class DiseaseLineage(models.Model):
    """One row per disease and each disease at or above it (depth 0 is itself).

    `seed` fills it from the parents table, so that "this disease and every
    narrower one" is a join rather than a walk through the tree.
    """

    ancestor = models.ForeignKey(
        Disease, on_delete=models.CASCADE, related_name="lineage_down"
    )
    descendant = models.ForeignKey(
        Disease, on_delete=models.CASCADE, related_name="lineage_up"
    )
    depth = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("ancestor", "depth")
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "descendant"], name="catalog_diseaselineage_once"
            ),
        ]

    def __str__(self):
        return f"{self.ancestor_id} ⊇ {self.descendant_id}"

    @classmethod
    def rebuild(cls):
        """Replace the table with the closure of the current parents table."""
        parents = {}
        for child, parent in Disease.parents.through.objects.values_list(
            "from_disease_id", "to_disease_id"
        ):
            parents.setdefault(child, set()).add(parent)
        rows = {}
        for disease_id in Disease.objects.values_list("pk", flat=True):
            level, depth = {disease_id}, 0
            while level:
                for ancestor in level:
                    rows.setdefault((ancestor, disease_id), depth)
                level = {p for d in level for p in parents.get(d, ())}
                level -= {a for a, d in rows if d == disease_id}
                depth += 1
        cls.objects.all().delete()
        cls.objects.bulk_create(
            cls(ancestor_id=a, descendant_id=d, depth=depth)
            for (a, d), depth in rows.items()
        )


class ProductFamily(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()

    objects = SlugManager()

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "product families"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
