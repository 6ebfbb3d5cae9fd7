from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.functional import cached_property

from catalog.choices import (
    AUTHORISED_STATUSES,
    AUTHORISING_EVENTS,
    STATUS_RANK,
    AliasKind,
    DatePrecision,
    DonorRelation,
    EventType,
    GeneModification,
    Modality,
    SourceKind,
    Status,
    SynonymKind,
    TherapeuticArea,
    Tissue,
)
from catalog.text import render_markdown


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


class ProductQuerySet(SlugQuerySet):
    def with_events(self):
        """Prefetch each product's decisions, oldest first, with their regulator,
        indications (and the regulator's wording) and sources."""
        events = RegulatoryEvent.objects.select_related("agency").prefetch_related(
            Prefetch(
                "indication_links",
                queryset=DecisionIndication.objects.select_related(
                    "indication"
                ).prefetch_related("indication__diseases"),
            ),
            "sources",
        )
        return self.prefetch_related(Prefetch("events", queryset=events))

    def for_listing(self, statuses=None, by_indication=False):
        """What a product card needs: sponsor, source, target and the status
        rows stored at seed time. `statuses` narrows the rows the card shows
        (e.g. to the indications for one disease); `by_indication` adds the
        indications' diseases, for cards that list each indication."""
        if statuses is None:
            statuses = IndicationStatus.objects.all()
        statuses = statuses.select_related("agency", "indication").order_by(
            "agency__region", "agency__short_name"
        )
        if by_indication:
            statuses = statuses.prefetch_related("indication__diseases")
        return self.select_related("sponsor", "cell_source", "target").prefetch_related(
            Prefetch("statuses", queryset=statuses, to_attr="listed_statuses")
        )

    def for_detail(self):
        """Everything the product page shows, in a fixed number of queries."""
        return (
            self.select_related("sponsor__parent", "cell_source", "target", "family")
            .with_events()
            .prefetch_related(
                Prefetch(
                    "aliases", queryset=ProductAlias.objects.order_by("kind", "name")
                ),
                Prefetch("indications", queryset=Indication.objects.with_diseases()),
                Prefetch(
                    "statuses",
                    queryset=IndicationStatus.objects.select_related(
                        "agency", "indication"
                    ).order_by("indication__position", "agency__slug"),
                    to_attr="listed_statuses",
                ),
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
        """Products that some regulator has authorised at some time."""
        return self.filter(first_authorised_on__isnull=False)

    def matching(self, **criteria):
        """Products with a status row meeting every criterion on one indication
        (see IndicationStatusQuerySet.matching)."""
        rows = IndicationStatus.objects.matching(**criteria)
        return self.filter(pk__in=rows.values("product_id"))

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
    # Derived from the decisions when `seed` runs (see catalog.seed.derive),
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
    def agency_summaries(self):
        """Per regulator, the standing that speaks for the product there (see
        catalog.status.best), from the prefetched status rows."""
        by_agency = {}
        for row in self.listed_statuses:
            by_agency.setdefault(row.agency, []).append(row)
        summaries = [AgencySummary(agency, rows) for agency, rows in by_agency.items()]
        return sorted(summaries, key=lambda s: (s.rank, s.since, s.agency.short_name))

    @property
    def rows_by_indication(self):
        """[(indication, [status rows])] from the prefetched rows, indications in
        the product's order: on a disease page, only those for that disease."""
        grouped = {}
        for row in sorted(self.listed_statuses, key=lambda r: r.indication.position):
            grouped.setdefault(row.indication, []).append(row)
        return list(grouped.items())

    @property
    def decision_matrix(self):
        """Indications × regulators: the status row in each cell, or None.

        Returns (agencies, rows), each row an (indication, [status | None])
        pair in the agencies' order; every agency here decided something.
        Both come from the prefetched rows (ProductQuerySet.for_detail).
        """
        cells, first_decided = {}, {}
        for row in self.listed_statuses:
            cells[row.indication_id, row.agency_id] = row
            day = min(row.since, row.first_authorised_on or row.since)
            first_decided[row.agency] = min(day, first_decided.get(row.agency, day))
        # The regulator that decided first comes first, as in the timeline.
        agencies = sorted(first_decided, key=lambda a: (first_decided[a], a.short_name))
        rows = [
            (indication, [cells.get((indication.pk, a.pk)) for a in agencies])
            for indication in self.indications.all()
        ]
        return agencies, rows

    def related(self, limit=6):
        """Other products with the same target, a shared disease or mechanism,
        those sharing the most diseases first."""
        disease_ids = [d.pk for i in self.indications.all() for d in i.diseases.all()]
        mechanism_ids = [link.mechanism_id for link in self.product_mechanisms.all()]
        shared = Q(indications__diseases__in=disease_ids)
        related = Q(mechanisms__in=mechanism_ids) | shared
        if self.target_id:
            related |= Q(target_id=self.target_id)
        candidates = (
            Product.objects.filter(related)
            .exclude(pk=self.pk)
            .annotate(
                shared=models.Count(
                    "indications__diseases", filter=shared, distinct=True
                )
            )
            .order_by("-shared", "brand_name")
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(dict.fromkeys(candidates))
        found = {p.pk: p for p in Product.objects.filter(pk__in=ids).for_listing()}
        return [found[pk] for pk in ids]

    @property
    def has_unverified_facts(self):
        return any(event.unverified for event in self.events.all())


class AgencySummary:
    """Where a product stands with one regulator: the best of its indications'
    rows, with those rows kept for the pages that list them."""

    def __init__(self, agency, rows):
        self.agency = agency
        self.rows = rows
        self.deciding = min(rows, key=lambda row: (row.rank, row.since))

    @property
    def state(self):
        return self.deciding.state

    @property
    def rank(self):
        return self.deciding.rank

    @property
    def since(self):
        return self.deciding.since

    @property
    def display_since(self):
        return self.deciding.display_since

    @property
    def iso_since(self):
        return self.deciding.iso_since


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


class IndicationQuerySet(models.QuerySet):
    def with_diseases(self):
        return self.prefetch_related(
            Prefetch(
                "diseases",
                queryset=Disease.objects.order_by("indicationdisease__position"),
            )
        )


class Indication(models.Model):
    """One clinical use of a product, the same whichever regulator decided on it."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="indications"
    )
    key = models.SlugField()
    diseases = models.ManyToManyField(
        Disease, through="IndicationDisease", related_name="indications"
    )
    population = models.CharField(max_length=300)
    line_of_therapy = models.CharField(max_length=600, blank=True)
    restrictions = models.CharField(max_length=600, blank=True)
    position = models.PositiveSmallIntegerField()

    objects = IndicationQuerySet.as_manager()

    class Meta:
        ordering = ("product", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "key"], name="catalog_indication_key_once"
            ),
        ]

    def __str__(self):
        return f"{self.disease_names} – {self.population}"

    def get_absolute_url(self):
        return f"{self.product.get_absolute_url()}#indication-{self.key}"

    @property
    def disease_names(self):
        return "; ".join(disease.name for disease in self.diseases.all())

    @property
    def wording(self):
        """The indication in one line: population, line of therapy, restrictions."""
        parts = [self.population, self.line_of_therapy, self.restrictions]
        return "; ".join(part for part in parts if part)


class IndicationDisease(models.Model):
    indication = models.ForeignKey(Indication, on_delete=models.CASCADE)
    disease = models.ForeignKey(Disease, on_delete=models.PROTECT)
    # The indication's product, repeated so that search can rank products by
    # disease without joining the indications of a large catalog.
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["indication", "disease"], name="catalog_indicationdisease_once"
            ),
        ]

    def __str__(self):
        return f"{self.indication_id} – {self.disease_id}"


class RegulatoryEventQuerySet(models.QuerySet):
    def authorising(self):
        return self.filter(event_type__in=AUTHORISING_EVENTS)

    def latest_first(self):
        return (
            self.select_related("agency", "product")
            .prefetch_related("sources")
            .order_by("-date", "product__brand_name")
        )


class DatedFact(models.Model):
    """A fact whose date may be known only to the month or the year."""

    date = models.DateField()
    date_precision = models.CharField(max_length=10, choices=DatePrecision)

    class Meta:
        abstract = True

    @property
    def display_date(self):
        return display_date(self.date, self.date_precision)

    @property
    def iso_date(self):
        return iso_date(self.date, self.date_precision)


class RegulatoryEvent(DatedFact):
    """A decision: one regulator's act on one or more of a product's indications."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="events"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(max_length=40, choices=EventType)
    indications = models.ManyToManyField(
        Indication, through="DecisionIndication", related_name="events", blank=True
    )
    pathway = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    unverified = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField()

    objects = RegulatoryEventQuerySet.as_manager()

    class Meta:
        ordering = ("date", "position")
        verbose_name = "decision"
        constraints = [
            _choices_constraint("regulatoryevent", "event_type", EventType),
            _choices_constraint("regulatoryevent", "date_precision", DatePrecision),
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
    def primary_source(self):
        """The best source: the regulator's own record when there is one."""
        return self.sources.all()[0]

    @property
    def source_url(self):
        return self.primary_source.url

    @property
    def covered_indications(self):
        return [link.indication for link in self.indication_links.all()]


class DecisionIndication(models.Model):
    """An indication a decision concerns, in that regulator's own words."""

    event = models.ForeignKey(
        RegulatoryEvent, on_delete=models.CASCADE, related_name="indication_links"
    )
    indication = models.ForeignKey(
        Indication, on_delete=models.CASCADE, related_name="decision_links"
    )
    wording = models.TextField(blank=True)

    class Meta:
        ordering = ("indication__position",)
        constraints = [
            models.UniqueConstraint(
                fields=["event", "indication"], name="catalog_decisionindication_once"
            ),
        ]

    def __str__(self):
        return f"{self.event_id} – {self.indication_id}"


class DecisionSource(models.Model):
    """Where a decision is recorded; position 0 is the best source."""

    event = models.ForeignKey(
        RegulatoryEvent, on_delete=models.CASCADE, related_name="sources"
    )
    url = models.URLField(max_length=500)
    kind = models.CharField(max_length=20, choices=SourceKind)
    title = models.CharField(max_length=400, blank=True)
    read_on = models.DateField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            _choices_constraint("decisionsource", "kind", SourceKind),
            models.CheckConstraint(
                condition=~Q(url=""), name="catalog_decisionsource_has_url"
            ),
            models.UniqueConstraint(
                fields=["event", "url"], name="catalog_decisionsource_once"
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def is_regulator(self):
        return self.kind in (SourceKind.REGULATOR, SourceKind.LABEL)


class IndicationStatusQuerySet(models.QuerySet):
    def matching(
        self,
        diseases=None,
        exact=False,
        areas=None,
        agencies=None,
        countries=None,
        statuses=None,
        approved_from=None,
        approved_to=None,
        products=None,
    ):
        """Rows meeting every given criterion (None: any), all on one row.

        `diseases` are Disease objects or slugs; a row matches when its
        indication covers one of them or, unless `exact`, a narrower disease.
        `statuses` may hold "authorised" for any authorising status.
        `approved_from`/`approved_to` are years of first authorisation.
        """
        rows = self
        if diseases:
            wanted = Disease.objects.filter(
                slug__in=[getattr(d, "slug", d) for d in diseases]
            )
            if not exact:
                wanted = wanted.and_narrower()
            rows = rows.filter(
                indication__in=IndicationDisease.objects.filter(
                    disease__in=wanted
                ).values("indication_id")
            )
        if areas:
            rows = rows.filter(
                indication__in=IndicationDisease.objects.filter(
                    disease__therapeutic_area__in=areas
                ).values("indication_id")
            )
        if agencies:
            rows = rows.filter(agency__slug__in=agencies)
        if countries:
            rows = rows.filter(agency__country__in=countries)
        if statuses:
            rows = rows.filter(status__in=expand_statuses(statuses))
        if approved_from:
            rows = rows.filter(first_authorised_on__year__gte=approved_from)
        if approved_to:
            rows = rows.filter(first_authorised_on__year__lte=approved_to)
        if products:
            rows = rows.filter(product__slug__in=products)
        return rows

    def for_table(self):
        """What a row of the open authorisations table shows."""
        return self.select_related("product", "indication", "agency").prefetch_related(
            Prefetch(
                "indication__diseases",
                queryset=Disease.objects.order_by("indicationdisease__position"),
            )
        )


AUTHORISED = "authorised"


def expand_statuses(statuses):
    """Status values, with "authorised" standing for every authorising one."""
    values = {s for s in statuses if s != AUTHORISED}
    if AUTHORISED in statuses:
        values |= {s.value for s in AUTHORISED_STATUSES}
    return sorted(values)


class IndicationStatus(models.Model):
    """Where one indication stands with one regulator, derived at seed time
    from the decisions by catalog.status; every page reads this table."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="statuses"
    )
    indication = models.ForeignKey(
        Indication, on_delete=models.CASCADE, related_name="statuses"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="statuses"
    )
    status = models.CharField(max_length=20, choices=Status)
    since = models.DateField()
    since_precision = models.CharField(max_length=10, choices=DatePrecision)
    since_event = models.ForeignKey(
        RegulatoryEvent, on_delete=models.CASCADE, related_name="+"
    )
    first_authorised_on = models.DateField(null=True, blank=True)
    first_authorised_precision = models.CharField(
        max_length=10, choices=DatePrecision, blank=True
    )
    under_review_since = models.DateField(null=True, blank=True)
    restricted_on = models.DateField(null=True, blank=True)
    # The regulator's own words for this indication, from its latest decision
    # that gave any, and the best source of the decision behind the status.
    wording = models.TextField(blank=True)
    source_url = models.URLField(max_length=500)

    objects = IndicationStatusQuerySet.as_manager()

    class Meta:
        ordering = ("product", "indication__position", "agency__short_name")
        verbose_name_plural = "indication statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["indication", "agency"], name="catalog_indicationstatus_once"
            ),
            _choices_constraint("indicationstatus", "status", Status),
        ]
        indexes = [
            # The product list filters by regulator and status together.
            models.Index(fields=["agency", "status"], name="catalog_status_agency_idx"),
        ]

    def __str__(self):
        return f"{self.indication} – {self.agency}: {self.get_status_display()}"

    @property
    def state(self):
        return Status(self.status)

    @property
    def rank(self):
        return STATUS_RANK.index(self.state)

    @property
    def is_under_review(self):
        return self.under_review_since is not None

    @property
    def is_restricted(self):
        return self.restricted_on is not None

    @property
    def label(self):
        """'Conditional approval; under review', 'Approved (restricted)'."""
        text = self.state.label
        if self.restricted_on:
            text += " (restricted)"
        if self.under_review_since:
            text += "; under review"
        return text

    @property
    def display_since(self):
        return display_date(self.since, self.since_precision)

    @property
    def iso_since(self):
        return iso_date(self.since, self.since_precision)

    @property
    def display_first_authorised(self):
        if self.first_authorised_on is None:
            return ""
        return display_date(self.first_authorised_on, self.first_authorised_precision)

    @property
    def iso_first_authorised(self):
        if self.first_authorised_on is None:
            return None
        return iso_date(self.first_authorised_on, self.first_authorised_precision)


class HolderChange(DatedFact):
    """A licence moving from one company to another (sale, merger, spin-off)."""

    source_url = models.URLField(max_length=500)
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
