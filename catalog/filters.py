"""The product list's facets: one FilterSet, shared by the pages and the API.

Every facet takes several values (OR within a facet, AND across facets). The
disease, area, regulator, country, status and date facets all apply to the
same status row, so "follicular lymphoma" and "TGA" mean a TGA decision on a
follicular lymphoma indication. Values that are not valid are dropped and noted
as problems (structured data): the page shows them as messages, the API and the
CSV export answer 400 with them.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field

import django_filters
from django.db.models import Count, F
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils.text import slugify

from catalog.choices import (
    DonorRelation,
    GeneModification,
    Modality,
    Status,
    TherapeuticArea,
    Tissue,
    TrialDesign,
)
from catalog.models import (
    AUTHORISED,
    Agency,
    Company,
    Disease,
    DiseaseLineage,
    IndicationDisease,
    IndicationStatus,
    Mechanism,
    PivotalTrial,
    Product,
    Target,
)
from catalog.search import relevance, search, search_products

STATUS_CHOICES = [(AUTHORISED, "Authorised now (any pathway)"), *Status.choices]
EXACT_CHOICES = [("0", "Also narrower diseases"), ("1", "This disease only")]
# Names sort as a reader sorts them, whatever their case: Abecma before
# ARI0002h (issue #11); the slug settles ties.
BY_NAME = (Lower("brand_name"), "slug")
SORTS = {
    # With a search, the best matches first (the default then); the order
    # comes from the search itself, see ProductFilter.sort_by.
    "relevance": ("Best match", BY_NAME),
    "name": ("Name", BY_NAME),
    "first-approval": (
        "First approval, oldest first",
        (F("first_authorised_on").asc(nulls_last=True), *BY_NAME),
    ),
    "recent": (
        "Most recent decision first",
        (F("latest_event_on").desc(nulls_last=True), *BY_NAME),
    ),
    "indications": (
        "Most approved indications first",
        ("-authorised_indication_count", *BY_NAME),
    ),
}
DEFAULT_SORT = "name"
YEAR_RANGE = range(1990, 2101)
MAX_VALUES_PER_FACET = 30
SLUG_FILTERS = ("target", "mechanism", "disease", "agency", "sponsor")
# Facets that select status rows; together they apply to one row.
ROW_FILTERS = (
    "disease",
    "area",
    "agency",
    "country",
    "status",
    "approved_from",
    "approved_to",
)
# Where present_values() puts each product field's counts over the catalog.
CATALOG_TOTALS = "catalog totals"
# Parameters that are not filters but belong to the list's state.
NON_FILTER_PARAMS = {"page"}


@dataclass(frozen=True)
class FilterProblem:
    """A query-string value no filter could use."""

    parameter: str
    value: str
    reason: str  # what is wrong, as a sentence without the consequence
    ignored: str = "it was ignored"

    @property
    def message(self):
        """For an API client, whose request is refused."""
        return f"{self.reason}."

    @property
    def page_message(self):
        """For a visitor, whose page goes on without the value."""
        return f"{self.reason}; {self.ignored}."


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


class _CleanedForm:
    """What FilterSet.qs reads of a bound, valid form: its cleaned values."""

    errors = {}

    def __init__(self, cleaned_data):
        self.cleaned_data = cleaned_data

    def is_valid(self):
        return True


class SlugFilter(django_filters.MultipleChoiceFilter):
    """Several slugs of `model`; valid slugs are looked up once per request."""

    def __init__(self, *args, model, **kwargs):
        self.model = model
        super().__init__(*args, choices=[], **kwargs)


class RowFilters(django_filters.FilterSet):
    """The filters that select status rows, shared by the product list and the
    open authorisations table; each subclass applies them together."""

    exact = django_filters.ChoiceFilter(
        method="filter_rows",
        choices=EXACT_CHOICES,
        label="This disease only, not narrower ones",
    )
    area = django_filters.MultipleChoiceFilter(
        method="filter_rows", choices=TherapeuticArea.choices, label="Therapeutic area"
    )
    country = django_filters.MultipleChoiceFilter(
        method="filter_rows", choices=[], label="Country or region"
    )
    status = django_filters.MultipleChoiceFilter(
        method="filter_rows", choices=STATUS_CHOICES, label="Status"
    )
    approved_from = django_filters.NumberFilter(
        method="filter_rows", label="First authorised from (year)"
    )
    approved_to = django_filters.NumberFilter(
        method="filter_rows", label="First authorised to (year)"
    )

    def filter_rows(self, queryset, name, value):
        """Row filters do nothing one by one: filter_queryset applies them
        together, so that they select the same row."""
        return queryset


class ProductFilter(RowFilters):
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
    disease = SlugFilter(method="filter_rows", model=Disease, label="Disease")
    agency = SlugFilter(method="filter_rows", model=Agency, label="Regulator")
    sponsor = SlugFilter(field_name="sponsor__slug", model=Company, label="Sponsor")
    # Any of the product's pivotal trials (fixtures/evidence/).
    pivotal_design = django_filters.MultipleChoiceFilter(
        field_name="trials__design",
        choices=TrialDesign.choices,
        label="Pivotal trial",
        distinct=True,
    )
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
        self.problems = []
        # Shared with the FilterSets built for facet counts, so that the
        # lookups of valid values run once per request.
        self.cache = {} if cache is None else cache
        # Always bound, so that an empty query behaves like any other.
        data = self.drop_invalid(data if data is not None else QueryDict())
        super().__init__(data, *args, **kwargs)
        for name, value in data.lists():
            if name in ("cell_type", "country", *SLUG_FILTERS):
                self.filters[name].extra["choices"] = [(v, v) for v in value]

    # --- cleaning ----------------------------------------------------------------

    def cached(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def country_choices(self):
        """Countries (or the EU) whose regulators the catalog records."""

        def compute():
            pairs = Agency.objects.order_by("region").values_list("country", "region")
            return list(dict.fromkeys(pairs))

        return self.cached("country_choices", compute)

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
        if name == "country":
            return {value for value, _ in self.country_choices()}
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
            self.note(
                name, value, f"“{value}” is not a year", f"so “{label}” was ignored"
            )
            return []
        if name == "exact":
            value = values[-1]
            if value in ("0", "1"):
                return [value]
            self.note(name, value, f"“{value}” is not 0 or 1 for “{label}”")
            return []
        if name == "sort":
            value = values[-1]
            if value in SORTS:
                return [value]
            self.note(
                name, value, f"“{value}” is not a way to sort", "sorted by name instead"
            )
            return []
        if len(values) > MAX_VALUES_PER_FACET:
            self.note(name, "", f"Too many values for “{label}”")
            return []
        allowed = self.allowed_values(name)
        for value in values:
            if value not in allowed:
                self.note(name, value, f"“{value}” is not a known {label.lower()}")
        return list(dict.fromkeys(value for value in values if value in allowed))

    def note(self, name, value, reason, ignored="it was ignored"):
        self.problems.append(FilterProblem(name, value, reason, ignored))

    # --- filters ---------------------------------------------------------------

    def filter_search(self, queryset, name, value):
        return search_products(queryset, value, ids=self.search_ids(value))

    def search_ids(self, value):
        """The products `q` finds, best first: one search per request, shared
        with the FilterSets that count the facets."""
        return self.search_result(value).ids

    def search_result(self, value):
        """What `q` was understood to name, for the page to say so."""
        return self.cached(
            ("search", value), lambda: search(value, with_products=False)
        )

    def filter_cell_type(self, queryset, name, values):
        names = [label for slug, label in self.cell_type_choices() if slug in values]
        return queryset.filter(cell_type__in=names)

    def row_criteria(self, skip=()):
        """The active row facets as arguments of IndicationStatus.matching."""
        data = self.form.cleaned_data
        return {
            "diseases": None if "disease" in skip else data.get("disease"),
            "exact": data.get("exact") == "1",
            "areas": None if "area" in skip else data.get("area"),
            "agencies": None if "agency" in skip else data.get("agency"),
            "countries": None if "country" in skip else data.get("country"),
            "statuses": None if "status" in skip else data.get("status"),
            "approved_from": None
            if "approved_from" in skip
            else data.get("approved_from"),
            "approved_to": None if "approved_to" in skip else data.get("approved_to"),
        }

    def has_row_filters(self):
        data = self.form.cleaned_data
        return any(data.get(name) not in (None, "", []) for name in ROW_FILTERS)

    def matching_rows(self):
        """The status rows the active row facets select (all rows when none)."""
        return IndicationStatus.objects.matching(**self.row_criteria())

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.has_row_filters():
            queryset = queryset.filter(pk__in=self.matching_rows().values("product_id"))
        return queryset

    def sort_by(self, queryset, name, value):
        query = self.form.cleaned_data.get("q")
        if value == "relevance" and query:
            return queryset.order_by(*relevance(self.search_ids(query)))
        return queryset.order_by(*SORTS[value][1])

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            query = self.form.cleaned_data.get("q")
            default = "relevance" if query else DEFAULT_SORT
            queryset = self.sort_by(queryset, "sort", default)
        return queryset

    @property
    def current_sort(self):
        default = "relevance" if self.form.cleaned_data.get("q") else DEFAULT_SORT
        return self.form.cleaned_data.get("sort") or default

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
            self.row_facet(
                "area",
                "indication__diseases__therapeutic_area",
                TherapeuticArea.choices,
                present,
            ),
            self.row_facet("agency", "agency__slug", self.agency_choices(), present),
            self.row_facet(
                "country", "agency__country", self.country_choices(), present
            ),
            self.row_facet("status", "status", STATUS_CHOICES, present),
            self.field_facet(
                "sponsor", "sponsor__slug", _slug_choices(Company), present
            ),
            self.field_facet(
                "pivotal_design", "trials__design", TrialDesign.choices, present
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
        # Every query here is unordered: the models' default orderings would
        # sort (and make DISTINCT compare) whole tables for nothing. The
        # products are counted per combination of values, which also gives
        # each value's count over the whole catalog (see field_facet).
        present = {path: set() for path in paths}
        totals = {path: Counter() for path in paths}
        combinations = (
            Product.objects.values_list(*paths).annotate(n=Count("pk")).order_by()
        )
        for *values, count in combinations:
            for path, value in zip(paths, values, strict=True):
                present[path].add(value)
                totals[path][value] += count
        present[CATALOG_TOTALS] = totals
        present["mechanisms__slug"] = set(
            Mechanism.objects.filter(products__isnull=False)
            .values_list("slug", flat=True)
            .order_by()
            .distinct()
        )
        rows = (
            IndicationStatus.objects.values_list(
                "agency__slug", "agency__country", "status"
            )
            .order_by()
            .distinct()
        )
        present["agency__slug"] = {agency for agency, _, _ in rows}
        present["agency__country"] = {country for _, country, _ in rows}
        present["status"] = {status for _, _, status in rows}
        if present["status"] & {s.value for s in Status if s.is_authorised}:
            present["status"].add(AUTHORISED)
        present["trials__design"] = set(
            PivotalTrial.objects.values_list("design", flat=True).distinct()
        )
        present["indication__diseases__therapeutic_area"] = set(
            Disease.objects.filter(indications__isnull=False)
            .values_list("therapeutic_area", flat=True)
            .order_by()
            .distinct()
        )
        return present

    def without(self, *names):
        """Products matching every active filter except `names`.

        It reuses this FilterSet's cleaned values instead of building and
        validating a second form for each facet: a form deep-copies every
        field, and the facets need a dozen of them per page.
        """
        other = copy.copy(self)
        skipped = {*names, "sort"}
        other._form = _CleanedForm(
            {k: v for k, v in self.form.cleaned_data.items() if k not in skipped}
        )
        other.__dict__.pop("_qs", None)
        other.queryset = Product.objects.all()
        return other.qs.order_by()

    def selected(self, name):
        return set(self.data.getlist(name))

    def field_facet(self, name, path, choices, present, value_of=str):
        totals = present[CATALOG_TOTALS].get(path)
        if totals is not None and not self.active_filters(besides=name):
            # Without its own filter this facet counts the whole catalog,
            # which present_values() has already counted.
            raw = totals.items()
        else:
            rows = self.without(name).values_list(path)
            raw = rows.annotate(n=Count("pk", distinct=True)).order_by()
        counts = {value_of(value): n for value, n in raw}
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

    def agency_choices(self):
        """Regulators named with their place: 'Japan · MHLW/PMDA'."""
        agencies = Agency.objects.order_by("region", "short_name")
        return [(agency.slug, agency.display_name) for agency in agencies]

    def rows_for_facet(self, name):
        """Status rows meeting every active filter except facet `name`."""
        criteria = self.row_criteria(skip={name})
        rows = IndicationStatus.objects.matching(**criteria)
        if not self.narrows_products():
            # Every product qualifies: "product in (all products)" would only
            # make the database hash the whole catalog for each facet.
            return rows
        return rows.filter(product__in=self.without(*ROW_FILTERS))

    def narrows_products(self):
        """Whether a filter on the products themselves (not their status
        rows, not the sort) is active."""
        return bool(self.active_filters(besides=ROW_FILTERS))

    def active_filters(self, besides=()):
        """Names of the filters with a value, other than `besides` and the sort."""
        skipped = {"sort", *([besides] if isinstance(besides, str) else besides)}
        return [
            name
            for name, value in self.form.cleaned_data.items()
            if name not in skipped and value not in (None, "", [])
        ]

    def row_facet(self, name, path, choices, present):
        """Counts of products whose matching rows have each value of `name`."""
        rows = self.rows_for_facet(name)
        if name == "area":
            # Through IndicationDisease, which repeats the indication's
            # product, rather than joining every row to its diseases.
            links = IndicationDisease.objects.filter(
                indication__in=rows.order_by().values("indication")
            )
            grouped = links.values_list("disease__therapeutic_area").annotate(
                n=Count("product", distinct=True)
            )
        else:
            grouped = rows.values_list(path).annotate(n=Count("product", distinct=True))
        counts = dict(grouped.order_by())
        if name == "status":
            authorised = self.rows_for_facet(name).filter(
                status__in=[s.value for s in Status if s.is_authorised]
            )
            counts[AUTHORISED] = authorised.values("product").distinct().count()
        return self.facet(name, choices, counts, present[path])

    def disease_facet(self):
        """Counts roll up the hierarchy: 'lymphoma' counts its subtypes' products.

        A product counts under a disease when one of its matching rows is for
        an indication covering that disease or a narrower one.
        """
        # Through IndicationDisease, which repeats the indication's product:
        # the matching rows' indications, rather than a join of every row.
        indications = self.rows_for_facet("disease").order_by().values("indication")
        lineage = DiseaseLineage.objects.filter(
            descendant__indicationdisease__indication__in=indications
        )
        counts = dict(
            lineage.values_list("ancestor__slug")
            .annotate(n=Count("descendant__indicationdisease__product", distinct=True))
            .order_by()
        )
        available = set(
            DiseaseLineage.objects.filter(descendant__indications__isnull=False)
            .values_list("ancestor__slug", flat=True)
            .order_by()
            .distinct()
        )
        choices = list(Disease.objects.values_list("slug", "name"))
        return self.facet("disease", choices, counts, available)

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
        if self.query.get("exact") == "1":
            remaining = self.query.copy()
            del remaining["exact"]
            chips.append((self.filters["exact"].label, remaining))
        for chip in chips:
            chip[1].pop("page", None)
        return chips


def _slug_choices(model, label="name"):
    return list(model.objects.order_by(label).values_list("slug", label))


def non_empty(params):
    """A copy of `params` without empty values: `?q=&sort=` means no q, no sort.

    The site's GET forms send every field, filled in or not, and a page's
    address may be reused as an API call.
    """
    data = QueryDict(mutable=True)
    for name in params:
        values = [value for value in params.getlist(name) if value != ""]
        if values:
            data.setlist(name, values)
    return data
