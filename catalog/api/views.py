"""The read-only JSON API under /api/v1/, its schema and its documentation page.

Every response is JSON, errors included, and may be read from any origin. List
endpoints are ordered on a unique key last, so that pages never overlap.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from catalog import serializers as api
from catalog.api.filters import (
    SLUG_PATTERN,
    AuthorisationFilter,
    EventFilter,
    StrictFilterBackend,
    openapi_parameter,
)
from catalog.api.pagination import MAX_PAGE_SIZE, PAGE_SIZE, CatalogPagination
from catalog.evidence_serializers import ProductDetailSerializer
from catalog.filters import ProductFilter
from catalog.models import (
    Agency,
    CellSource,
    Company,
    DatasetVersion,
    Disease,
    DiseaseSynonym,
    Indication,
    IndicationStatus,
    Mechanism,
    Product,
    Reference,
    RegulatoryEvent,
    prefetch_evidence,
)

SLUG_REGEX = "[-a-zA-Z0-9_]+"
API_DESCRIPTION = (
    "Read-only access to the CellTx catalog of cell therapy products: products, "
    "the diseases they treat, how they work, where their cells come from, and "
    "every dated regulatory decision with its source. No key is needed. See "
    "/api/ for a guide."
)
SCHEMA_SETTINGS = {
    "TITLE": "CellTx API",
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1.0.0",
}

ERROR = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.ListField(child=serializers.CharField(), required=False),
    },
)
BAD_PARAMETERS = OpenApiResponse(
    ERROR,
    description="A query parameter is unknown, or has a value it cannot take.",
    examples=[
        OpenApiExample(
            "Unknown modality",
            value={
                "detail": "Some query parameters are not valid; see `errors`.",
                "errors": ["“car-z” is not a known kind of therapy."],
            },
        )
    ],
)
NOT_FOUND = OpenApiResponse(ERROR, description="No record or page at this address.")


class OpenDataMixin:
    """Any origin may read the API; successful reads are cached like pages."""

    http_method_names = ["get", "head", "options"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        if request.method in ("GET", "HEAD") and response.status_code < 400:
            patch_cache_control(
                response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS
            )
        return response


class CatalogViewSet(OpenDataMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    pagination_class = CatalogPagination
    noun = "record"

    def get_object(self):
        slug = self.kwargs["slug"]
        try:
            return self.get_queryset().get(slug=slug)
        except self.queryset.model.DoesNotExist:
            raise NotFound(f"There is no {self.noun} with the slug “{slug}”.") from None


def _documented(serializer, noun, plural):
    """Schema summaries and error responses for one read-only viewset."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            responses={
                200: serializer(many=True),
                400: BAD_PARAMETERS,
                404: NOT_FOUND,
            },
        ),
        retrieve=extend_schema(
            summary=f"One {noun}, by slug",
            responses={200: serializer, 404: NOT_FOUND},
        ),
    )


@extend_schema_view(
    retrieve=extend_schema(
        summary="One product, by slug, with its evidence and label safety",
        responses={200: ProductDetailSerializer, 404: NOT_FOUND},
    )
)
@_documented(api.ProductSerializer, "product", "products")
class ProductViewSet(CatalogViewSet):
    """Products, filtered with the same parameters as the /products/ page."""

    queryset = Product.objects.for_api()
    serializer_class = api.ProductSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ProductFilter
    noun = "product"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProductDetailSerializer
        return super().get_serializer_class()

    def get_object(self):
        return prefetch_evidence([super().get_object()])[0]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Sorts may tie (same brand name or date); the slug settles the order.
        return queryset.order_by(*queryset.query.order_by, "slug")


@_documented(api.DiseaseSerializer, "disease", "diseases")
class DiseaseViewSet(CatalogViewSet):
    queryset = Disease.objects.order_by("name", "slug").prefetch_related(
        Prefetch("synonyms", queryset=DiseaseSynonym.objects.order_by("term")),
        Prefetch("parents", queryset=Disease.objects.order_by("slug").only("slug")),
        Prefetch("children", queryset=Disease.objects.order_by("slug").only("slug")),
        Prefetch(
            "indications",
            queryset=Indication.objects.select_related("product").only("product__slug"),
        ),
    )
    serializer_class = api.DiseaseSerializer
    noun = "disease"


def _products_by_slug(*link):
    """Only the slugs of the products, plus the foreign key the prefetch joins on."""
    products = Product.objects.order_by("slug").only("slug", *link)
    return Prefetch("products", queryset=products)


@_documented(api.MechanismSerializer, "mechanism", "mechanisms")
class MechanismViewSet(CatalogViewSet):
    queryset = Mechanism.objects.order_by("name", "slug").prefetch_related(
        Prefetch(
            "references",
            queryset=Reference.objects.order_by("mechanismreference__position"),
        ),
        _products_by_slug(),
    )
    serializer_class = api.MechanismSerializer
    noun = "mechanism"


@_documented(api.CellSourceSerializer, "cell source", "cell sources")
class CellSourceViewSet(CatalogViewSet):
    queryset = CellSource.objects.order_by(
        "donor_relation", "name", "slug"
    ).prefetch_related(_products_by_slug("cell_source_id"))
    serializer_class = api.CellSourceSerializer
    noun = "cell source"


@_documented(api.AgencySerializer, "regulator", "regulators")
class AgencyViewSet(CatalogViewSet):
    queryset = Agency.objects.order_by("short_name", "slug").prefetch_related(
        Prefetch(
            "statuses",
            queryset=IndicationStatus.objects.select_related("product").only(
                "agency_id", "product__slug"
            ),
        )
    )
    serializer_class = api.AgencySerializer
    noun = "regulator"


@_documented(api.SponsorSerializer, "sponsor", "sponsors")
class SponsorViewSet(CatalogViewSet):
    queryset = (
        Company.objects.order_by("name", "slug")
        .select_related("parent")
        .prefetch_related(_products_by_slug("sponsor_id"))
    )
    serializer_class = api.SponsorSerializer
    noun = "sponsor"


def _documented_list(serializer, summary):
    """Schema summary and error responses for a list-only endpoint."""
    return extend_schema_view(
        list=extend_schema(
            summary=summary,
            responses={200: serializer(many=True), 400: BAD_PARAMETERS, 404: NOT_FOUND},
        )
    )


class ListOnlyViewSet(OpenDataMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A table read page by page and filtered strictly; rows have no pages."""

    pagination_class = CatalogPagination
    filter_backends = [StrictFilterBackend]


@_documented_list(
    api.RegulatoryEventSerializer, "List regulatory decisions, oldest first"
)
class RegulatoryEventViewSet(ListOnlyViewSet):
    """Every dated decision; its product's slug is its stable reference."""

    queryset = (
        RegulatoryEvent.objects.select_related("agency", "product")
        .prefetch_related("indication_links__indication", "sources")
        .order_by("date", "product__slug", "position")
    )
    serializer_class = api.RegulatoryEventSerializer
    filterset_class = EventFilter


@_documented_list(
    api.AuthorisationSerializer,
    "The open table: each product's indication at each regulator",
)
class AuthorisationViewSet(ListOnlyViewSet):
    """One row per product × indication × regulator that has a decision, with
    the status derived from the decisions; the same table every page reads."""

    queryset = IndicationStatus.objects.for_table().order_by(
        "product__slug", "indication__position", "agency__slug"
    )
    serializer_class = api.AuthorisationSerializer
    filterset_class = AuthorisationFilter


class SchemaView(OpenDataMixin, SpectacularAPIView):
    """OpenAPI 3: JSON by default, YAML for `Accept: application/yaml`."""

    custom_settings = SCHEMA_SETTINGS
    # The first is the default: plain application/json, which browsers show.
    renderer_classes = [
        OpenApiJsonRenderer2,
        OpenApiJsonRenderer,
        OpenApiYamlRenderer2,
        OpenApiYamlRenderer,
    ]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(exclude=True)
class NotFoundView(OpenDataMixin, APIView):
    """Anything else under /api/v1/: a JSON 404 rather than the HTML page."""

    def get(self, request, *args, **kwargs):
        raise NotFound("There is no API endpoint at this address; see /api/v1/.")


# --- the guide at /api/ -------------------------------------------------------------

# Where a client finds the slugs a filter accepts.
SLUG_SOURCES = {
    "cell_type": "cell types as slugs, e.g. t-cells",
    "target": "target slugs, as in a product's target.slug",
    "mechanism": "slugs from /api/v1/mechanisms/",
    "disease": "slugs from /api/v1/diseases/; narrower diseases are included",
    "agency": "slugs from /api/v1/agencies/",
    "sponsor": "slugs from /api/v1/sponsors/",
    "product": "slugs from /api/v1/products/",
}


@dataclass(frozen=True)
class ParameterDoc:
    name: str
    label: str
    values: str
    repeatable: bool


def parameter_docs(filterset_class):
    """The filters as the guide lists them, read from the OpenAPI description."""
    docs = []
    for name, filter_ in filterset_class.base_filters.items():
        schema = openapi_parameter(name, filter_)["schema"]
        item = schema.get("items", schema)
        if "enum" in item:
            values = ", ".join(item["enum"])
        elif item.get("pattern") == SLUG_PATTERN:
            values = SLUG_SOURCES.get(name, "slugs")
        elif item.get("format") == "date":
            values = "a date, YYYY-MM-DD"
        elif "minimum" in item:
            values = f"a year, {item['minimum']} to {item['maximum']}"
        else:
            values = "text"
        repeatable = schema["type"] == "array"
        docs.append(ParameterDoc(name, str(filter_.label), values, repeatable))
    return docs


def _example_product(request):
    """The earliest authorised product, as the API returns it."""
    product = (
        Product.objects.for_api()
        .authorised()
        .order_by("first_authorised_on", "slug")
        .first()
    )
    if product is None:
        return ""
    data = api.ProductSerializer(product, context={"request": request}).data
    return json.dumps(data, indent=2, ensure_ascii=False)


def api_docs(request):
    context = {
        "version": DatasetVersion.objects.first(),
        "api_root": request.build_absolute_uri(reverse("api:api-root")),
        "page_size": PAGE_SIZE,
        "max_page_size": MAX_PAGE_SIZE,
        "parameter_tables": [
            ("Parameters of products/", parameter_docs(ProductFilter)),
            ("Parameters of authorisations/", parameter_docs(AuthorisationFilter)),
            ("Parameters of regulatory-events/", parameter_docs(EventFilter)),
        ],
        "example_product": _example_product(request),
    }
    return render(request, "catalog/api_docs.html", context)
