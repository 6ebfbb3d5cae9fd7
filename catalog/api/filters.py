"""Query-string filtering for the API: the site's FilterSets, but strict.

The product list drops a value it cannot use and says so on the page; an API
client would silently get a different answer, so here every such value, and
every parameter the endpoint does not know, is a 400 listing the problems.
"""

import django_filters
from rest_framework.filters import BaseFilterBackend

from catalog.api.exceptions import InvalidParameters
from catalog.choices import EventType
from catalog.filters import (
    MAX_VALUES_PER_FACET,
    YEAR_RANGE,
    RowFilters,
    SlugFilter,
    non_empty,
)
from catalog.models import Agency, Disease, IndicationStatus, Product, RegulatoryEvent
from catalog.search import MAX_QUERY_LENGTH

PAGINATION_PARAMS = ("page", "page_size")
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
# Schema details the filters themselves cannot tell.
EXTRA_SCHEMA = {
    "q": {"maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\u0000]*$"},
    "approved_from": {"minimum": YEAR_RANGE.start, "maximum": YEAR_RANGE.stop - 1},
    "approved_to": {"minimum": YEAR_RANGE.start, "maximum": YEAR_RANGE.stop - 1},
}


class EventFilter(django_filters.FilterSet):
    product = django_filters.ModelMultipleChoiceFilter(
        field_name="product__slug",
        to_field_name="slug",
        queryset=Product.objects.all(),
        label="Product slug",
    )
    agency = django_filters.ModelMultipleChoiceFilter(
        field_name="agency__slug",
        to_field_name="slug",
        queryset=Agency.objects.all(),
        label="Regulator slug",
    )
    event_type = django_filters.MultipleChoiceFilter(
        field_name="event_type", choices=EventType.choices, label="Kind of decision"
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="Decided on or after (YYYY-MM-DD)"
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="Decided on or before (YYYY-MM-DD)"
    )

    class Meta:
        model = RegulatoryEvent
        fields = []


def _slugs(model, field_name, label):
    return django_filters.ModelMultipleChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=model.objects.all(),
        label=label,
        method="filter_rows",
    )


class AuthorisationFilter(RowFilters):
    """The open table's filters; all of them apply to the same row."""

    product = _slugs(Product, "product__slug", "Product slug")
    disease = _slugs(Disease, "indication__diseases__slug", "Disease slug")
    agency = _slugs(Agency, "agency__slug", "Regulator slug")

    class Meta:
        model = IndicationStatus
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = Agency.objects.values_list("country", "region").distinct()
        self.filters["country"].extra["choices"] = list(countries)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for year in (data.get("approved_from"), data.get("approved_to")):
            if year is not None and int(year) not in YEAR_RANGE:
                name = (
                    "approved_from"
                    if year == data.get("approved_from")
                    else "approved_to"
                )
                raise InvalidParameters([(name, f"“{year}” is not a year.")])
        return queryset.matching(
            diseases=data.get("disease"),
            exact=data.get("exact") == "1",
            areas=data.get("area"),
            agencies=[a.slug for a in data.get("agency") or []],
            countries=data.get("country"),
            statuses=data.get("status"),
            approved_from=data.get("approved_from"),
            approved_to=data.get("approved_to"),
            products=[p.slug for p in data.get("product") or []],
        )


class StrictFilterBackend(BaseFilterBackend):
    """Filter a list view through its `filterset_class`; any doubt is a 400."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset
        params = request.query_params
        filterset_class = view.filterset_class
        errors = _unusable_parameters(params, filterset_class.base_filters)
        if errors:
            raise InvalidParameters(errors)
        data = non_empty(params)
        for name in PAGINATION_PARAMS:
            data.pop(name, None)
        filterset = filterset_class(data, queryset=queryset)
        # ProductFilter notes the values it drops; other FilterSets just fail.
        errors = [
            (problem.parameter, problem.message)
            for problem in getattr(filterset, "problems", [])
        ]
        if not filterset.is_valid():
            errors += [
                (name, f"“{name}”: {message}")
                for name, messages in filterset.errors.items()
                for message in messages
            ]
        if errors:
            raise InvalidParameters(errors)
        return filterset.qs

    def get_schema_operation_parameters(self, view):
        filters = view.filterset_class.base_filters
        return [openapi_parameter(name, filter_) for name, filter_ in filters.items()]


def _unusable_parameters(params, filters):
    known = {*filters, *PAGINATION_PARAMS}
    errors = []
    for name in params:
        if name not in known:
            accepted = ", ".join(sorted(known))
            errors.append((name, f"Unknown parameter “{name}”; accepted: {accepted}."))
        elif len(params.getlist(name)) > MAX_VALUES_PER_FACET:
            errors.append(
                (name, f"“{name}” takes at most {MAX_VALUES_PER_FACET} values at once.")
            )
    return errors


def openapi_parameter(name, filter_):
    """One filter as an OpenAPI query parameter (the docs page reads it too)."""
    schema = {**_schema(filter_), **EXTRA_SCHEMA.get(name, {})}
    parameter = {
        "name": name,
        "in": "query",
        "required": False,
        # As on the site, whose forms send empty fields: empty means not given.
        "allowEmptyValue": True,
        "description": str(filter_.label),
        "schema": schema,
    }
    if schema["type"] == "array":
        parameter.update(style="form", explode=True)
    return parameter


def _schema(filter_):
    """The OpenAPI schema of one filter's values."""
    if isinstance(filter_, django_filters.NumberFilter):
        return {"type": "integer"}
    if isinstance(filter_, django_filters.DateFilter):
        return {"type": "string", "format": "date"}
    if isinstance(filter_, django_filters.CharFilter):
        return {"type": "string"}
    choices = filter_.extra.get("choices")
    if choices and not isinstance(filter_, SlugFilter):
        item = {"type": "string", "enum": [str(value) for value, _ in choices]}
    else:
        # Slugs of records, checked against the data on each request.
        item = {"type": "string", "pattern": SLUG_PATTERN}
    if isinstance(filter_, django_filters.ChoiceFilter):
        return item
    return {"type": "array", "items": item, "maxItems": MAX_VALUES_PER_FACET}
