"""The product list's facets: one FilterSet, shared by the pages and the API.

Every facet takes several values (OR within a facet, AND across facets). Values
that are not valid are dropped with a message rather than failing the whole
request: a visitor following an old or mistyped link still gets a useful page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import django_filters
from django.db.models import Count, F, Q
from django.http import QueryDict
from django.utils.text import slugify

from catalog.choices import (
    AUTHORISED_STATUSES,
    DonorRelation,
    GeneModification,
    Modality,
    Status,
    TherapeuticArea,
    Tissue,
)
from catalog.models import (
    Agency,
    Company,
    Disease,
    Indication,
    Mechanism,
    Product,
    ProductStatus,
    Target,
)

AUTHORISED_NOW = "authorised"
STATUS_CHOICES = [(AUTHORISED_NOW, "Authorised now (any pathway)"), *Status.choices]
SORTS = {
    "name": ("Name", ("brand_name", "slug")),
    "first-approval": (
        "First approval, oldest first",
        (F("first_authorised_on").asc(nulls_last=True), "brand_name"),
    ),
    "recent": (
        "Most recent decision first",
        (F("latest_event_on").desc(nulls_last=True), "brand_name"),
    ),
    "indications": (
        "Most approved indications first",
        ("-authorised_indication_count", "brand_name"),
    ),
}
DEFAULT_SORT = "name"
YEAR_RANGE = range(1990, 2101)
MAX_VALUES_PER_FACET = 30
SLUG_FILTERS = ("target", "mechanism", "disease", "agency", "sponsor")
# Parameters that are not filters but belong to the list's state.
NON_FILTER_PARAMS = {"page"}


@dataclass
class Option:
    value: str
    label: str
    count: int = 0
    selected: bool = False

    @property
    def disabled(self):
        return self.count == 0 and not self.selected


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option] = field(default_factory=list)

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


class SlugFilter(django_filters.MultipleChoiceFilter):
    """Several slugs of `model`; valid slugs are looked up once per request."""

    def __init__(self, *args, model, **kwargs):
        self.model = model
        super().__init__(*args, choices=[], **kwargs)


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    modality = django_filters.MultipleChoiceFilter(
        field_name="modality", choices=Modality.choices, label="Kind of therapy"
    )
    donor = django_filters.MultipleChoiceFilter(
        field_name="cell_source__donor_relation",
        choices=DonorRelation.choices,
        label="Donor",
    )
    tissue = django_filters.MultipleChoiceFilter(
        field_name="cell_source__tissue",
        choices=Tissue.choices,
        label="Tissue of origin",
    )
    cell_type = django_filters.MultipleChoiceFilter(
        method="filter_cell_type", choices=[], label="Cell type"
    )
    target = SlugFilter(field_name="target__slug", model=Target, label="Target antigen")
    gene_modification = django_filters.MultipleChoiceFilter(
        field_name="gene_modification",
        choices=GeneModification.choices,
        label="Genetic modification",
    )
    mechanism = SlugFilter(
        field_name="mechanisms__slug", model=Mechanism, label="Mechanism", distinct=True
    )
    disease = SlugFilter(method="filter_disease", model=Disease, label="Disease")
    area = django_filters.MultipleChoiceFilter(
        method="filter_area", choices=TherapeuticArea.choices, label="Therapeutic area"
    )
    agency = SlugFilter(method="filter_agency_status", model=Agency, label="Regulator")
    status = django_filters.MultipleChoiceFilter(
        method="filter_agency_status", choices=STATUS_CHOICES, label="Status"
    )
    approved_from = django_filters.NumberFilter(
        field_name="first_authorised_on__year",
        lookup_expr="gte",
        label="First approved from (year)",
    )
    approved_to = django_filters.NumberFilter(
        field_name="first_authorised_on__year",
        lookup_expr="lte",
        label="First approved to (year)",
    )
    sponsor = SlugFilter(field_name="sponsor__slug", model=Company, label="Sponsor")
    sort = django_filters.ChoiceFilter(
        method="sort_by",
        label="Sort by",
        empty_label=None,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    class Meta:
        model = Product
        fields = []

    def __init__(self, data=None, *args, cache=None, **kwargs):
        self.warnings = []
        # Shared with the FilterSets built for facet counts, so that the
        # lookups of valid values run once per request.
        self.cache = {} if cache is None else cache
        # Always bound, so that an empty query behaves like any other.
        data = self.drop_invalid(data if data is not None else QueryDict())
        super().__init__(data, *args, **kwargs)
        for name, value in data.lists():
            if name in ("cell_type", *SLUG_FILTERS):
                self.filters[name].extra["choices"] = [(v, v) for v in value]

    # --- cleaning ----------------------------------------------------------------

    def cached(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def cell_type_choices(self):
        def compute():
            names = Product.objects.order_by("cell_type").values_list(
                "cell_type", flat=True
            )
            return [(slugify(name), name) for name in dict.fromkeys(names)]

        return self.cached("cell_type_choices", compute)

    def allowed_values(self, name):
        """The values a facet accepts; one query per model-backed facet."""
        base = self.base_filters[name]
        if name == "cell_type":
            return {value for value, _ in self.cell_type_choices()}
        if isinstance(base, SlugFilter):
            return self.cached(
                f"slugs:{name}",
                lambda: set(base.model.objects.values_list("slug", flat=True)),
            )
        return {str(value) for value, _ in base.extra["choices"]}

    def drop_invalid(self, data):
        """A copy of `data` without the values no filter accepts, noting each."""
        cleaned = QueryDict(mutable=True)
        for name in data:
            values = [value for value in data.getlist(name) if value != ""]
            if not values:  # empty form fields mean "not given"
                continue
            if name in NON_FILTER_PARAMS:
                cleaned.setlist(name, values)
            elif name in self.base_filters:
                kept = self.keep_valid(name, values)
                if kept:
                    cleaned.setlist(name, kept)
        return cleaned

    def keep_valid(self, name, values):
        label = self.base_filters[name].label
        if name == "q":
            return values[-1:]
        if name in ("approved_from", "approved_to"):
            value = values[-1]
            if re.fullmatch(r"[0-9]{4}", value) and int(value) in YEAR_RANGE:
                return [value]
            self.warnings.append(f"“{value}” is not a year, so “{label}” was ignored.")
            return []
        if name == "sort":
            value = values[-1]
            if value in SORTS:
                return [value]
            self.warnings.append(
                f"“{value}” is not a way to sort; sorted by name instead."
            )
            return []
        if len(values) > MAX_VALUES_PER_FACET:
            self.warnings.append(f"Too many values for “{label}”; it was ignored.")
            return []
        allowed = self.allowed_values(name)
        for value in values:
            if value not in allowed:
                self.warnings.append(
                    f"“{value}” is not a known {label.lower()}; it was ignored."
                )
        return list(dict.fromkeys(value for value in values if value in allowed))

    # --- filters ---------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_cell_type(self, queryset, name, values):
        names = [label for slug, label in self.cell_type_choices() if slug in values]
        return queryset.filter(cell_type__in=names)

    def disease_ids(self):
        return self.cached(
            "disease_ids", lambda: dict(Disease.objects.values_list("slug", "pk"))
        )

    def descendants(self):
        return self.cached("descendants", Disease.objects.descendants_map)

    def filter_disease(self, queryset, name, slugs):
        below = self.descendants()
        ids = set().union(*(below[self.disease_ids()[slug]] for slug in slugs))
        return queryset.for_diseases(ids)

    def filter_area(self, queryset, name, areas):
        return queryset.filter(
            indications__disease__therapeutic_area__in=areas
        ).distinct()

    def filter_agency_status(self, queryset, name, value):
        """Agency and status filter the same status rows: 'FDA' and 'withdrawn'
        means withdrawn at the FDA, not withdrawn somewhere and FDA-decided."""
        data = self.form.cleaned_data
        if name == "status" and data.get("agency"):
            return queryset  # applied together with the agency
        rows = status_rows(data.get("agency"), data.get("status"))
        return queryset.filter(pk__in=rows.values("product"))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS[DEFAULT_SORT][1])
        return queryset

    # --- state for templates -------------------------------------------------------

    @property
    def query(self):
        """The cleaned parameters, the base for every link the list builds."""
        return self.data

    def facets(self):
        """Each facet's options, with how many products each would give.

        An option is listed when some product in the catalog has it; it is
        disabled when none would remain under the other active filters.
        """
        present = self.present_values()
        return [
            self.field_facet("modality", "modality", Modality.choices, present),
            self.field_facet(
                "donor", "cell_source__donor_relation", DonorRelation.choices, present
            ),
            self.field_facet("tissue", "cell_source__tissue", Tissue.choices, present),
            self.field_facet(
                "cell_type",
                "cell_type",
                self.cell_type_choices(),
                present,
                value_of=slugify,
            ),
            self.field_facet("target", "target__slug", _slug_choices(Target), present),
            self.field_facet(
                "gene_modification",
                "gene_modification",
                GeneModification.choices,
                present,
            ),
            self.field_facet(
                "mechanism", "mechanisms__slug", _slug_choices(Mechanism), present
            ),
            self.disease_facet(),
            self.field_facet(
                "area",
                "indications__disease__therapeutic_area",
                TherapeuticArea.choices,
                present,
            ),
            self.status_facet("agency", _slug_choices(Agency, "short_name"), present),
            self.status_facet("status", STATUS_CHOICES, present),
            self.field_facet(
                "sponsor", "sponsor__slug", _slug_choices(Company), present
            ),
        ]

    @staticmethod
    def present_values():
        """For each facet path, the values that occur in the whole catalog."""
        paths = [
            "modality",
            "cell_source__donor_relation",
            "cell_source__tissue",
            "cell_type",
            "target__slug",
            "gene_modification",
            "sponsor__slug",
        ]
        present = {path: set() for path in paths}
        for row in Product.objects.values_list(*paths):
            for path, value in zip(paths, row, strict=True):
                present[path].add(value)
        present["mechanisms__slug"] = set(
            Mechanism.objects.filter(products__isnull=False).values_list(
                "slug", flat=True
            )
        )
        present["indications__disease__therapeutic_area"] = set(
            Indication.objects.values_list("disease__therapeutic_area", flat=True)
        )
        statuses = ProductStatus.objects.values_list("agency__slug", "status")
        present["agency"] = {agency for agency, _ in statuses}
        present["status"] = {status for _, status in statuses}
        if present["status"] & set(AUTHORISED_STATUSES):
            present["status"].add(AUTHORISED_NOW)
        return present

    def without(self, *names):
        """Products matching every active filter except `names`."""
        data = self.data.copy()
        for name in (*names, "sort", "page"):
            data.pop(name, None)
        other = type(self)(data, queryset=Product.objects.all(), cache=self.cache)
        return other.qs.order_by()

    def selected(self, name):
        return set(self.data.getlist(name))

    def field_facet(self, name, path, choices, present, value_of=str):
        rows = self.without(name).values(path).annotate(n=Count("pk", distinct=True))
        counts = {value_of(row[path]): row["n"] for row in rows.order_by()}
        available = {value_of(value) for value in present[path] if value is not None}
        return self.facet(name, choices, counts, available)

    def facet(self, name, choices, counts, available):
        selected = self.selected(name)
        options = [
            Option(value, label, counts.get(value, 0), value in selected)
            for value, label in choices
            if value in available or value in selected
        ]
        return Facet(name, self.filters[name].label, options)

    def disease_facet(self):
        """Counts roll up the hierarchy: 'lymphoma' counts its subtypes' products."""
        below = self.descendants()
        everywhere = _products_by_disease(Indication.objects.all())
        filtered = _products_by_disease(
            Indication.objects.filter(product__in=self.without("disease"))
        )
        counts, available = {}, set()
        choices = list(Disease.objects.values_list("pk", "slug", "name"))
        for pk, slug, _ in choices:
            if any(everywhere.get(d) for d in below[pk]):
                available.add(slug)
            counts[slug] = len(
                set().union(*(filtered.get(d, set()) for d in below[pk]))
            )
        return self.facet(
            "disease", [(slug, name) for _, slug, name in choices], counts, available
        )

    def status_facet(self, name, choices, present):
        """Agency and status count the same rows, so each respects the other."""
        cleaned = self.form.cleaned_data
        rows = status_rows(
            cleaned.get("agency") if name == "status" else None,
            cleaned.get("status") if name == "agency" else None,
        ).filter(product__in=self.without("agency", "status"))
        path = "agency__slug" if name == "agency" else "status"
        grouped = rows.values(path).annotate(n=Count("product", distinct=True))
        counts = {row[path]: row["n"] for row in grouped.order_by()}
        if name == "status":
            authorised = rows.filter(status__in=AUTHORISED_STATUSES)
            counts[AUTHORISED_NOW] = authorised.values("product").distinct().count()
        return self.facet(name, choices, counts, present[name])

    def chips(self, facets):
        """(label, query without it) for every active filter, for removal links."""
        chips = []
        for facet in facets:
            for option in facet.selected:
                remaining = self.query.copy()
                values = [v for v in remaining.getlist(facet.name) if v != option.value]
                remaining.setlist(facet.name, values)
                chips.append((f"{facet.label}: {option.label}", remaining))
        for name in ("q", "approved_from", "approved_to"):
            if self.query.get(name):
                remaining = self.query.copy()
                del remaining[name]
                label = self.filters[name].label
                chips.append((f"{label}: {self.query[name]}", remaining))
        for chip in chips:
            chip[1].pop("page", None)
        return chips


def status_rows(agencies=None, statuses=None):
    """ProductStatus rows for these agency slugs and statuses (None: any)."""
    rows = ProductStatus.objects.all()
    if agencies:
        rows = rows.filter(agency__slug__in=agencies)
    if statuses:
        wanted = Q(status__in=[s for s in statuses if s != AUTHORISED_NOW])
        if AUTHORISED_NOW in statuses:
            wanted |= Q(status__in=AUTHORISED_STATUSES)
        rows = rows.filter(wanted)
    return rows


def _slug_choices(model, label="name"):
    return list(model.objects.order_by(label).values_list("slug", label))


def _products_by_disease(indications):
    products = {}
    for disease_id, product_id in indications.values_list("disease_id", "product_id"):
        products.setdefault(disease_id, set()).add(product_id)
    return products
