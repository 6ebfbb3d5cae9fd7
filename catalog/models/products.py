"""Products: identity, names, mechanisms, and the querysets pages use."""

from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property

from catalog.choices import (
    AliasKind,
    GeneModification,
    IdentifierScheme,
    Modality,
    SourceKind,
)
from catalog.models.base import (
    SlugQuerySet,
    _choices_constraint,
)
from catalog.models.decisions import (
    DecisionIndication,
    HolderChange,
    RegulatoryEvent,
)
from catalog.models.indications import Indication, IndicationStatus
from catalog.models.vocabulary import (
    CellSource,
    Company,
    Disease,
    Mechanism,
    ProductFamily,
    Target,
)


class ProductQuerySet(SlugQuerySet):
    def with_events(self, diseases=True):
        """Prefetch each product's decisions, oldest first, with their regulator,
        indications (and the regulator's wording) and sources; and the
        indications' diseases unless `diseases` is False (the JSON names an
        indication by its key only)."""
        links = DecisionIndication.objects.select_related("indication")
        if diseases:
            links = links.prefetch_related("indication__diseases")
        events = RegulatoryEvent.objects.select_related("agency").prefetch_related(
            Prefetch("indication_links", queryset=links), "sources"
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

    def for_detail(self, event_diseases=True):
        """Everything the product page shows, in a fixed number of queries."""
        return (
            self.select_related("sponsor__parent", "cell_source", "target", "family")
            # Evidence itself is loaded by prefetch_evidence() when there is any.
            .select_related("evidence", "administration")
            .with_events(diseases=event_diseases)
            .prefetch_related(
                Prefetch(
                    "aliases", queryset=ProductAlias.objects.order_by("kind", "name")
                ),
                "identifiers",
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

    def for_api(self):
        """Everything a product's JSON holds (catalog/api/product_json.py).

        Each relation is prefetched into a plain list, `<relation>_rows`
        (`to_attr`): Django then hands each product its rows instead of
        building a queryset per product and relation, which was most of the
        cost of a page of 50 products. The decisions' diseases, which only the
        product page shows, are left out.
        """
        links = DecisionIndication.objects.select_related("indication")
        events = RegulatoryEvent.objects.select_related("agency").prefetch_related(
            _rows("indication_links", links), _rows("sources")
        )
        diseases = Disease.objects.order_by("indicationdisease__position")
        indications = Indication.objects.prefetch_related(_rows("diseases", diseases))
        return self.select_related(
            "sponsor", "cell_source", "target", "family"
        ).prefetch_related(
            _rows("aliases", ProductAlias.objects.order_by("kind", "name")),
            _rows("identifiers"),
            _rows("indications", indications),
            Prefetch(
                "statuses",
                queryset=IndicationStatus.objects.select_related(
                    "agency", "indication"
                ).order_by("indication__position", "agency__slug"),
                to_attr="listed_statuses",
            ),
            _rows(
                "product_mechanisms",
                ProductMechanism.objects.select_related("mechanism"),
            ),
            _rows(
                "holder_changes",
                HolderChange.objects.select_related("from_company", "to_company"),
            ),
            _rows("events", events),
        )

    def authorised(self):
        """Products that some regulator has authorised at some time."""
        return self.filter(first_authorised_on__isnull=False)

    def matching(self, **criteria):
        """Products with a status row meeting every criterion on one indication
        (see IndicationStatusQuerySet.matching)."""
        rows = IndicationStatus.objects.matching(**criteria)
        return self.filter(pk__in=rows.values("product_id"))


def _rows(relation, queryset=None):
    """Prefetch `relation` into the list `<relation>_rows` (see for_api)."""
    return Prefetch(relation, queryset=queryset, to_attr=f"{relation}_rows")


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
    # Derived from the decisions when `seed` runs (see catalog.seed.derive),
    # so that lists can filter and sort on them in SQL.
    first_authorised_on = models.DateField(null=True, blank=True, editable=False)
    latest_event_on = models.DateField(null=True, blank=True, editable=False)
    authorised_indication_count = models.PositiveSmallIntegerField(
        default=0, editable=False
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        # Case-insensitive, as a reader sorts: Abecma before ARI0002h.
        ordering = (Lower("brand_name"), "slug")
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
        """Per regulator, the row that speaks for the product there: the
        best-ranked status, the longest-held among equals (prefetched rows)."""
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
            .order_by("-shared", Lower("brand_name"))
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(dict.fromkeys(candidates))
        found = {p.pk: p for p in Product.objects.filter(pk__in=ids).for_listing()}
        return [found[pk] for pk in ids]

    def identifier_values(self, scheme):
        """The product's values in one register (prefetched identifiers)."""
        return [i.value for i in self.identifiers.all() if i.scheme == scheme]

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


class ProductIdentifier(models.Model):
    """A product's number in a register, with the page it was read in.

    A blank `url` means no source is recorded yet: `data_audit` counts those.
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(max_length=30, choices=IdentifierScheme)
    value = models.CharField(max_length=60)
    url = models.URLField("source", max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=SourceKind, blank=True)
    read_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["product", "scheme", "value"],
                name="catalog_productidentifier_once",
            ),
            _choices_constraint("productidentifier", "scheme", IdentifierScheme),
            models.CheckConstraint(
                condition=Q(url="", kind="", read_on__isnull=True)
                | (~Q(url="") & ~Q(kind="") & Q(read_on__isnull=False)),
                name="catalog_productidentifier_source_complete",
            ),
        ]

    def __str__(self):
        return f"{self.get_scheme_display()} {self.value}"
