import datetime

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.functional import cached_property

from catalog.choices import (
    AUTHORISING_EVENTS,
    STATUS_RANK,
    AliasKind,
    DatePrecision,
    DonorRelation,
    EventType,
    GeneModification,
    Modality,
    Status,
    SynonymKind,
    TherapeuticArea,
    Tissue,
)
from catalog.text import render_markdown

# Sorts agencies that have never authorised the product after those that have.
_NO_DATE = datetime.date.max


def display_date(date, precision):
    """A date as precisely as it is known: '30 August 2017', 'August 2017', '2017'."""
    if precision == DatePrecision.DAY:
        return f"{date.day} {date:%B %Y}"
    if precision == DatePrecision.MONTH:
        return f"{date:%B %Y}"
    return f"{date:%Y}"


def iso_date(date, precision):
    """A date for <time datetime>: only the parts that are known."""
    length = {DatePrecision.DAY: 10, DatePrecision.MONTH: 7}.get(precision, 4)
    return date.isoformat()[:length]


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def _choices_constraint(model_name, field, choices):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"catalog_{model_name}_{field}_valid",
    )


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
    body = models.TextField(help_text="Markdown; rendered through a sanitizer.")
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
        return render_markdown(self.body)


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

    def descendants_map(self):
        """Every disease id mapped to itself and all the ids below it.

        The whole parent table is read in one query and walked in Python: the
        vocabulary is a few hundred rows, and this keeps the query count fixed
        however deep the tree is.
        """
        children = {}
        for parent_id, child_id in Disease.parents.through.objects.values_list(
            "to_disease_id", "from_disease_id"
        ):
            children.setdefault(parent_id, set()).add(child_id)
        below = {}

        def walk(disease_id):
            if disease_id not in below:
                below[disease_id] = {disease_id}  # guards against cycles
                for child_id in children.get(disease_id, ()):
                    below[disease_id] |= walk(child_id)
            return below[disease_id]

        for disease_id in Disease.objects.values_list("pk", flat=True):
            walk(disease_id)
        return below

    def descendant_ids(self, roots):
        """Ids of `roots` and every disease below them in the hierarchy."""
        below = self.descendants_map()
        return set().union(*(below.get(disease.pk, {disease.pk}) for disease in roots))

    def as_tree(self):
        """Root diseases grouped by therapeutic area, each node carrying its
        narrower diseases (`narrower`) and how many products treat it or
        anything below it (`product_total`). Four queries whatever the size.
        """
        diseases = {disease.pk: disease for disease in self.order_by("name")}
        children, has_parent = {}, set()
        for child_id, parent_id in Disease.parents.through.objects.values_list(
            "from_disease_id", "to_disease_id"
        ):
            children.setdefault(parent_id, []).append(diseases[child_id])
            has_parent.add(child_id)
        direct = {}
        for product_id, disease_id in Indication.objects.values_list(
            "product_id", "disease_id"
        ):
            direct.setdefault(disease_id, set()).add(product_id)

        def products_below(disease):
            if not hasattr(disease, "_products_below"):
                found = set(direct.get(disease.pk, ()))
                for child in children.get(disease.pk, ()):
                    found |= products_below(child)
                disease._products_below = found
            return disease._products_below

        for disease in diseases.values():
            disease.narrower = sorted(
                children.get(disease.pk, []), key=lambda d: d.name
            )
            disease.product_total = len(products_below(disease))
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


class ProductQuerySet(SlugQuerySet):
    def with_events(self, indications=None):
        """Prefetch each product's events, oldest first, with agency and indications.

        Statuses are computed from these in Python, so every page that shows a
        status badge needs them; three queries whatever the number of products.
        """
        if indications is None:
            indications = Indication.objects.only("id", "product_id")
        events = RegulatoryEvent.objects.select_related("agency").prefetch_related(
            Prefetch("indications", queryset=indications)
        )
        return self.prefetch_related(Prefetch("events", queryset=events))

    def for_listing(self):
        """What a product card needs: sponsor, source, target and the statuses
        stored at seed time (cheaper than replaying each product's events)."""
        statuses = ProductStatus.objects.select_related("agency").order_by(
            "since", "agency__short_name"
        )
        return self.select_related("sponsor", "cell_source", "target").prefetch_related(
            Prefetch("statuses", queryset=statuses)
        )

    def for_detail(self):
        """Everything the product page shows, in a fixed number of queries."""
        with_disease = Indication.objects.select_related("disease")
        return (
            self.select_related("sponsor__parent", "cell_source", "target", "family")
            .with_events(indications=with_disease)
            .prefetch_related(
                Prefetch(
                    "aliases", queryset=ProductAlias.objects.order_by("kind", "name")
                ),
                Prefetch("indications", queryset=with_disease),
                Prefetch(
                    "product_mechanisms",
                    queryset=ProductMechanism.objects.select_related("mechanism"),
                ),
                Prefetch(
                    "holder_changes",
                    queryset=HolderChange.objects.select_related(
                        "from_company", "to_company"
                    ),
                ),
            )
        )

    def authorised(self):
        """Products that some agency has authorised at some time."""
        return self.filter(first_authorised_on__isnull=False)

    def refresh_derived(self):
        """Recompute statuses and dates derived from the events.

        `seed` calls this after every load: the data changes only then, so the
        lists can filter and sort on plain columns instead of replaying every
        product's history on each request.
        """
        ProductStatus.objects.filter(product__in=self).delete()
        rows, products = [], list(self.with_events())
        for product in products:
            statuses = product.agency_statuses
            rows += [
                ProductStatus(
                    product=product,
                    agency=s.agency,
                    status=s.status,
                    since=s.since,
                    since_precision=s.since_event.date_precision,
                )
                for s in statuses
            ]
            first = product.first_authorisation
            events = product.events.all()
            product.first_authorised_on = first.date if first else None
            product.latest_event_on = max((e.date for e in events), default=None)
            product.authorised_indication_count = len(
                {
                    pk
                    for s in statuses
                    for pk, event in s.latest_by_indication.items()
                    if event.status.is_authorised
                }
            )
        ProductStatus.objects.bulk_create(rows)
        self.model.objects.bulk_update(
            products,
            ["first_authorised_on", "latest_event_on", "authorised_indication_count"],
        )

    def for_diseases(self, disease_ids):
        return self.filter(indications__disease_id__in=disease_ids).distinct()

    def search(self, query):
        from catalog.search import search_products

        return search_products(self, query)


class Product(models.Model):
    slug = models.SlugField(unique=True)
    brand_name = models.CharField(max_length=200)
    nonproprietary_name = models.CharField(max_length=200, blank=True)
    fda_proper_name = models.CharField(max_length=200, blank=True)
    family = models.ForeignKey(
        ProductFamily,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    sponsor = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="products"
    )
    modality = models.CharField(max_length=30, choices=Modality)
    cell_source = models.ForeignKey(
        CellSource, on_delete=models.PROTECT, related_name="products"
    )
    cell_type = models.CharField(max_length=200)
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    gene_modification = models.CharField(max_length=30, choices=GeneModification)
    vector = models.CharField(max_length=200, blank=True)
    costimulatory_domain = models.CharField(max_length=100, blank=True)
    mechanisms = models.ManyToManyField(
        Mechanism, through="ProductMechanism", related_name="products"
    )
    summary = models.TextField()
    last_verified = models.DateField()
    fda_stn = models.CharField("FDA STN (BLA number)", max_length=20, blank=True)
    ema_product_number = models.CharField(
        "EMA product number", max_length=40, blank=True
    )
    unii = models.CharField("UNII", max_length=20, blank=True)
    ncit_code = models.CharField("NCIt code", max_length=20, blank=True)
    atc_code = models.CharField("ATC code", max_length=20, blank=True)
    chembl_id = models.CharField("ChEMBL ID", max_length=30, blank=True)
    # Derived from the events when `seed` runs (see ProductQuerySet.refresh_derived),
    # so that lists can filter and sort on them in SQL.
    first_authorised_on = models.DateField(null=True, blank=True, editable=False)
    latest_event_on = models.DateField(null=True, blank=True, editable=False)
    authorised_indication_count = models.PositiveSmallIntegerField(
        default=0, editable=False
    )

    objects = ProductQuerySet.as_manager()

    # The identifier crosswalk, as fixtures, the API and downloads name it.
    IDENTIFIERS = (
        "fda_stn",
        "ema_product_number",
        "unii",
        "ncit_code",
        "atc_code",
        "chembl_id",
    )

    class Meta:
        ordering = ("brand_name", "slug")
        constraints = [
            _choices_constraint("product", "modality", Modality),
            _choices_constraint("product", "gene_modification", GeneModification),
        ]

    def __str__(self):
        return self.brand_name

    def get_absolute_url(self):
        return reverse("catalog:product-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self):
        """Brand name, with the nonproprietary name when there is one."""
        if self.nonproprietary_name:
            return f"{self.brand_name} ({self.nonproprietary_name})"
        return self.brand_name

    @cached_property
    def agency_statuses(self):
        """One AgencyStatus per agency that has decided on this product.

        Uses the prefetched events (see ProductQuerySet.with_events), oldest
        first, so the latest decision about each indication wins.
        """
        by_agency = {}
        for event in self.events.all():
            by_agency.setdefault(event.agency, []).append(event)
        statuses = [
            AgencyStatus(agency, events) for agency, events in by_agency.items()
        ]
        return sorted(
            statuses,
            key=lambda status: (status.since or _NO_DATE, status.agency.short_name),
        )

    @property
    def decision_matrix(self):
        """Indications × agencies: the latest decision in each cell, or None.

        Returns (agencies, rows), each row an (indication, [event | None])
        pair in the agencies' order.
        """
        statuses = self.agency_statuses
        rows = [
            (
                indication,
                [status.latest_by_indication.get(indication.pk) for status in statuses],
            )
            for indication in self.indications.all()
        ]
        return [status.agency for status in statuses], rows

    def related(self, limit=6):
        """Other products with the same target, a shared disease or mechanism,
        those sharing the most diseases first."""
        disease_ids = [indication.disease_id for indication in self.indications.all()]
        mechanism_ids = [link.mechanism_id for link in self.product_mechanisms.all()]
        shared = Q(indications__disease_id__in=disease_ids)
        related = Q(mechanisms__in=mechanism_ids) | shared
        if self.target_id:
            related |= Q(target_id=self.target_id)
        candidates = (
            Product.objects.filter(related)
            .exclude(pk=self.pk)
            .annotate(shared=models.Count("indications", filter=shared, distinct=True))
            .order_by("-shared", "brand_name")
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(candidates)
        found = {p.pk: p for p in Product.objects.filter(pk__in=ids).for_listing()}
        return [found[pk] for pk in ids]

    @property
    def first_authorisation(self):
        dates = [event for event in self.events.all() if event.is_authorising]
        return min(dates, key=lambda event: event.date, default=None)

    @property
    def has_unverified_facts(self):
        return any(event.unverified for event in self.events.all())


class AgencyStatus:
    """Where a product stands with one agency, and since when.

    `latest_by_indication` maps each indication id to the agency's latest
    decision about it; the product's status is the best of those.
    """

    def __init__(self, agency, events):
        self.agency = agency
        self.events = events
        self.latest_by_indication = {}
        product_level = None
        for event in events:
            indication_ids = [indication.pk for indication in event.indications.all()]
            if indication_ids:
                self.latest_by_indication.update(dict.fromkeys(indication_ids, event))
            elif event.applies_to_whole_product and self.latest_by_indication:
                self.latest_by_indication = dict.fromkeys(
                    self.latest_by_indication, event
                )
            else:
                product_level = event
        candidates = list(self.latest_by_indication.values()) or [product_level]
        deciding = min(candidates, key=lambda e: STATUS_RANK.index(e.status))
        self.status = deciding.status
        first = self.first_authorisation
        self.since_event = first if self.status.is_authorised and first else deciding
        self.since = self.since_event.date

    @property
    def first_authorisation(self):
        return next((event for event in self.events if event.is_authorising), None)

    # The same face as a stored ProductStatus, so one template shows either.
    @property
    def state(self):
        return self.status

    @property
    def display_since(self):
        return self.since_event.display_date

    @property
    def iso_since(self):
        return self.since_event.iso_date


class ProductStatus(models.Model):
    """Where a product stands with one agency: AgencyStatus, stored at seed time."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="statuses"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="statuses"
    )
    status = models.CharField(max_length=20, choices=Status)
    since = models.DateField()
    since_precision = models.CharField(
        max_length=10, choices=DatePrecision, default=DatePrecision.DAY
    )

    class Meta:
        ordering = ("since",)
        verbose_name_plural = "product statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "agency"], name="catalog_productstatus_once"
            ),
            _choices_constraint("productstatus", "status", Status),
        ]

    def __str__(self):
        return f"{self.product} – {self.agency}: {self.get_status_display()}"

    @property
    def state(self):
        return Status(self.status)

    @property
    def display_since(self):
        return display_date(self.since, self.since_precision)

    @property
    def iso_since(self):
        return iso_date(self.since, self.since_precision)


class ProductAlias(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AliasKind)
    region = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "product aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name"], name="catalog_productalias_once"
            ),
            _choices_constraint("productalias", "kind", AliasKind),
        ]
        indexes = [
            # Search finds products by code and regional brand names.
            models.Index(fields=["name"], name="catalog_alias_name_idx"),
        ]

    def __str__(self):
        return self.name


class ProductMechanism(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="product_mechanisms"
    )
    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.PROTECT, related_name="product_mechanisms"
    )
    is_primary = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["product", "mechanism"], name="catalog_productmechanism_once"
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_primary=True),
                name="catalog_productmechanism_one_primary",
            ),
        ]

    def __str__(self):
        return f"{self.product} – {self.mechanism}"


class Indication(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="indications"
    )
    key = models.SlugField()
    disease = models.ForeignKey(
        Disease, on_delete=models.PROTECT, related_name="indications"
    )
    population = models.CharField(max_length=300)
    line_of_therapy = models.CharField(max_length=600, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("product", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "key"], name="catalog_indication_key_once"
            ),
        ]

    def __str__(self):
        return f"{self.disease} – {self.population}"

    def get_absolute_url(self):
        return f"{self.product.get_absolute_url()}#indication-{self.key}"


class RegulatoryEventQuerySet(models.QuerySet):
    def authorising(self):
        return self.filter(event_type__in=AUTHORISING_EVENTS)

    def latest_first(self):
        return self.select_related("agency", "product").order_by(
            "-date", "product__brand_name"
        )


class DatedFact(models.Model):
    """A sourced fact whose date may be known only to the month or the year."""

    date = models.DateField()
    date_precision = models.CharField(max_length=10, choices=DatePrecision)
    source_url = models.URLField(max_length=500)

    class Meta:
        abstract = True

    @property
    def display_date(self):
        return display_date(self.date, self.date_precision)

    @property
    def iso_date(self):
        return iso_date(self.date, self.date_precision)


class RegulatoryEvent(DatedFact):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="events"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(max_length=40, choices=EventType)
    indications = models.ManyToManyField(Indication, related_name="events", blank=True)
    pathway = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    unverified = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField()

    objects = RegulatoryEventQuerySet.as_manager()

    class Meta:
        ordering = ("date", "position")
        constraints = [
            _choices_constraint("regulatoryevent", "event_type", EventType),
            _choices_constraint("regulatoryevent", "date_precision", DatePrecision),
            models.CheckConstraint(
                condition=~Q(source_url=""), name="catalog_regulatoryevent_has_source"
            ),
        ]
        indexes = [
            # Agency pages and "latest approvals" list events by date.
            models.Index(
                fields=["agency", "date"], name="catalog_event_agency_date_idx"
            ),
            models.Index(fields=["date"], name="catalog_event_date_idx"),
        ]

    def __str__(self):
        return f"{self.product} – {self.agency} {self.get_event_type_display()} {self.date}"

    @property
    def is_authorising(self):
        return self.event_type in AUTHORISING_EVENTS

    @property
    def status(self):
        return EventType(self.event_type).resulting_status

    @property
    def applies_to_whole_product(self):
        return EventType(self.event_type).applies_to_whole_product


class HolderChange(DatedFact):
    """A licence moving from one company to another (sale, merger, spin-off)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="holder_changes"
    )
    from_company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="licences_given_up"
    )
    to_company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="licences_taken_over"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("date", "position")
        constraints = [
            _choices_constraint("holderchange", "date_precision", DatePrecision),
            models.CheckConstraint(
                condition=~Q(source_url=""), name="catalog_holderchange_has_source"
            ),
        ]

    def __str__(self):
        return f"{self.product}: {self.from_company} → {self.to_company}"


class GlossaryTerm(models.Model):
    slug = models.SlugField(unique=True)
    term = models.CharField(max_length=200)
    definition = models.TextField(help_text="Markdown; rendered through a sanitizer.")
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
        return render_markdown(self.definition)


class Guide(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown; rendered through a sanitizer.")
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
        return render_markdown(self.body)


class DatasetVersion(models.Model):
    """One row per distinct dataset loaded by `seed`; the newest is live.

    Its digest changes exactly when the fixtures do, which makes it the cache
    key for pages and downloads.
    """

    digest = models.CharField(max_length=64, unique=True)
    seeded_at = models.DateTimeField()
    product_count = models.PositiveIntegerField()
    event_count = models.PositiveIntegerField()

    class Meta:
        ordering = ("-seeded_at",)
        get_latest_by = "seeded_at"

    def __str__(self):
        return self.digest[:12]

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

    Rebuilt by `seed` from diseases, synonyms, product names and aliases and
    target names (see catalog.search.rebuild_index); never edited by hand.
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
    tokens = models.ManyToManyField(SearchToken, related_name="terms")

    class Meta:
        ordering = ("term",)
        indexes = [
            # Suggestions match typed prefixes against whole terms.
            models.Index(fields=["term"], name="catalog_searchterm_term_idx"),
        ]

    def __str__(self):
        return self.display
