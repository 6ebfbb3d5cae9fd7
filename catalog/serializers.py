"""The JSON shape of the catalog, shared by the API and the dataset download.

Product serializers read only what `ProductQuerySet.for_detail()` prefetches,
so a page of products costs the same number of queries whatever its size.
Dates are ISO 8601 strings cut to the precision the source supports: "2017-08-30",
"2017-08" or "2017".
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.product_json import product_json
from catalog.choices import (
    AliasKind,
    DatePrecision,
    DonorRelation,
    EventType,
    GeneModification,
    IdentifierScheme,
    Modality,
    SourceKind,
    Status,
    SynonymKind,
    TherapeuticArea,
    Tissue,
)
from catalog.models import (
    Agency,
    CellSource,
    Company,
    Disease,
    Indication,
    Mechanism,
    Product,
    RegulatoryEvent,
)

ISO_DATE = {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}
NULLABLE_ISO_DATE = {**ISO_DATE, "nullable": True}


def _choice(choices, **kwargs):
    return serializers.ChoiceField(choices=choices.choices, read_only=True, **kwargs)


def absolute_url(serializer, obj):
    request = serializer.context.get("request")
    url = obj.get_absolute_url()
    return request.build_absolute_uri(url) if request else url


@extend_schema_field({"type": "string", "format": "uri"})
class AbsoluteUrlField(serializers.Field):
    """The record's page on the site, as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return absolute_url(self.parent, value)


@extend_schema_field(ISO_DATE)
class IsoDateField(serializers.CharField):
    """A date only as precise as it is known (a DatedFact's `iso_date`)."""

    def __init__(self, source="iso_date", **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)


@extend_schema_field(NULLABLE_ISO_DATE)
class NullableIsoDateField(IsoDateField):
    def __init__(self, source, **kwargs):
        super().__init__(source=source, allow_null=True, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class SlugListField(serializers.Field):
    """Slugs of the records a callable returns, in its order."""

    def __init__(self, slugs, **kwargs):
        self.slugs = slugs
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.slugs(value)


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    """Every field read-only: the API never writes, and its schema says so."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


# --- small references to other records ------------------------------------------


class CellSourceRefSerializer(ReadOnlyModelSerializer):
    donor_relation = _choice(DonorRelation)
    tissue = _choice(Tissue)

    class Meta:
        model = CellSource
        fields = ["slug", "donor_relation", "tissue"]


class NamedRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class AliasSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    kind = _choice(AliasKind)
    region = serializers.CharField(read_only=True)


class IndicationSerializer(ReadOnlyModelSerializer):
    diseases = NamedRefSerializer(many=True, read_only=True)

    class Meta:
        model = Indication
        fields = ["key", "diseases", "population", "line_of_therapy", "restrictions"]


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField(read_only=True)
    kind = _choice(SourceKind)
    title = serializers.CharField(read_only=True)
    read_on = serializers.DateField(read_only=True)


class DecisionIndicationSerializer(serializers.Serializer):
    key = serializers.CharField(source="indication.key", read_only=True)
    wording = serializers.CharField(
        read_only=True, help_text="The regulator's own wording, in our words."
    )


class EventSerializer(ReadOnlyModelSerializer):
    """One regulatory decision as part of its product."""

    agency = serializers.CharField(source="agency.short_name", read_only=True)
    agency_slug = serializers.CharField(source="agency.slug", read_only=True)
    event_type = _choice(EventType)
    date = IsoDateField()
    date_precision = _choice(DatePrecision)
    indications = DecisionIndicationSerializer(
        source="indication_links",
        many=True,
        read_only=True,
        help_text="The product's indications this decision concerns.",
    )
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = RegulatoryEvent
        fields = [
            "agency",
            "agency_slug",
            "event_type",
            "date",
            "date_precision",
            "indications",
            "pathway",
            "term_ends",
            "sources",
            "unverified",
            "note",
        ]


class StatusSerializer(serializers.Serializer):
    """Where one indication stands with one regulator (an IndicationStatus)."""

    indication = serializers.CharField(source="indication.key", read_only=True)
    agency = serializers.CharField(source="agency.short_name", read_only=True)
    agency_slug = serializers.CharField(source="agency.slug", read_only=True)
    status = _choice(Status)
    since = IsoDateField(source="iso_since")
    first_authorised = NullableIsoDateField(source="iso_first_authorised")
    under_review = serializers.BooleanField(source="is_under_review", read_only=True)
    restricted = serializers.BooleanField(source="is_restricted", read_only=True)
    source_url = serializers.URLField(read_only=True)


class AuthorisationSerializer(serializers.Serializer):
    """One row of the open table: a product's indication at one regulator."""

    product = serializers.CharField(source="product.slug", read_only=True)
    product_name = serializers.CharField(source="product.brand_name", read_only=True)
    indication = serializers.CharField(source="indication.key", read_only=True)
    indication_wording = serializers.CharField(
        source="indication.wording", read_only=True
    )
    diseases = SlugListField(
        lambda row: [d.slug for d in row.indication.diseases.all()],
        help_text="Diseases the indication covers.",
    )
    population = serializers.CharField(source="indication.population", read_only=True)
    line_of_therapy = serializers.CharField(
        source="indication.line_of_therapy", read_only=True
    )
    agency = serializers.CharField(source="agency.slug", read_only=True)
    country = serializers.CharField(source="agency.country", read_only=True)
    regulator_wording = serializers.CharField(source="wording", read_only=True)
    status = _choice(Status)
    status_since = IsoDateField(source="iso_since")
    status_since_precision = _choice(DatePrecision, source="since_precision")
    first_authorised = NullableIsoDateField(source="iso_first_authorised")
    under_review = serializers.BooleanField(source="is_under_review", read_only=True)
    restricted = serializers.BooleanField(source="is_restricted", read_only=True)
    source_url = serializers.URLField(read_only=True)
    last_verified = serializers.DateField(
        source="product.last_verified", read_only=True
    )


class HolderChangeSerializer(serializers.Serializer):
    from_company = serializers.CharField(source="from_company.slug", read_only=True)
    to_company = serializers.CharField(source="to_company.slug", read_only=True)
    date = IsoDateField()
    date_precision = _choice(DatePrecision)
    source_url = serializers.URLField(read_only=True)


@extend_schema_field(
    {
        "type": "object",
        "properties": {s.value: {"type": "string"} for s in IdentifierScheme},
        "description": 'Each register\'s number for the product, "" where none '
        'is recorded and several separated by "; "; identifier_crosswalk '
        "gives each with its source.",
    }
)
class IdentifiersField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, product):
        return {
            scheme.value: "; ".join(product.identifier_values(scheme))
            for scheme in IdentifierScheme
        }


class IdentifierSerializer(serializers.Serializer):
    """One identifier and the page it was read in (empty: no source yet)."""

    scheme = _choice(IdentifierScheme)
    value = serializers.CharField(read_only=True)
    source_url = serializers.CharField(source="url", read_only=True)
    source_kind = serializers.ChoiceField(
        source="kind",
        choices=[("", "no source recorded"), *SourceKind.choices],
        read_only=True,
    )
    read_on = serializers.DateField(read_only=True, allow_null=True)


# --- products ---------------------------------------------------------------------


class ProductSerializer(ReadOnlyModelSerializer):
    url = AbsoluteUrlField()
    inn = serializers.CharField(source="nonproprietary_name", read_only=True)
    code_names = SlugListField(
        lambda product: [
            alias.name
            for alias in product.aliases.all()
            if alias.kind == AliasKind.CODE
        ]
    )
    aliases = AliasSerializer(many=True, read_only=True)
    family = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    modality = _choice(Modality)
    cell_source = CellSourceRefSerializer(read_only=True)
    target = NamedRefSerializer(read_only=True, allow_null=True)
    gene_modification = _choice(GeneModification)
    mechanisms = SlugListField(
        lambda product: [link.mechanism.slug for link in _primary_first(product)],
        help_text="Mechanism slugs, the primary mechanism first.",
    )
    sponsor = NamedRefSerializer(read_only=True)
    indications = IndicationSerializer(many=True, read_only=True)
    regulatory_events = EventSerializer(source="events", many=True, read_only=True)
    statuses = StatusSerializer(source="listed_statuses", many=True, read_only=True)
    first_approval = serializers.DateField(
        source="first_authorised_on", read_only=True, allow_null=True
    )
    holder_changes = HolderChangeSerializer(many=True, read_only=True)
    identifiers = IdentifiersField()
    identifier_crosswalk = IdentifierSerializer(
        source="identifiers", many=True, read_only=True
    )

    class Meta:
        model = Product
        fields = [
            "slug",
            "url",
            "brand_name",
            "inn",
            "fda_proper_name",
            "code_names",
            "aliases",
            "family",
            "modality",
            "cell_source",
            "cell_type",
            "target",
            "gene_modification",
            "vector",
            "costimulatory_domain",
            "mechanisms",
            "sponsor",
            "summary",
            "indications",
            "regulatory_events",
            "statuses",
            "first_approval",
            "holder_changes",
            "last_verified",
            "identifiers",
            "identifier_crosswalk",
        ]

    def to_representation(self, product):
        # The fields above define the shape and the schema; the JSON itself
        # is built directly (same output, tested), as DRF's field walk was the
        # costliest part of a page of products.
        return product_json(product, self.context.get("request"))

    def generic_representation(self, product):
        """DRF's own walk over the declared fields: the reference the tests
        hold `to_representation` to."""
        return super().to_representation(product)


class RegulatoryEventSerializer(EventSerializer):
    """A regulatory decision listed on its own, naming its product."""

    product = serializers.CharField(source="product.slug", read_only=True)
    product_url = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = ["product", "product_url", *EventSerializer.Meta.fields]

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_product_url(self, event):
        return absolute_url(self, event.product)


# --- the other records ----------------------------------------------------------


class DiseaseSerializer(ReadOnlyModelSerializer):
    url = AbsoluteUrlField()
    therapeutic_area = _choice(TherapeuticArea)
    synonyms = serializers.SerializerMethodField()
    parents = SlugListField(lambda d: [p.slug for p in d.parents.all()])
    children = SlugListField(lambda d: [c.slug for c in d.children.all()])
    products = SlugListField(
        lambda d: sorted({i.product.slug for i in d.indications.all()}),
        help_text=(
            "Products with an indication for exactly this disease; "
            "/api/v1/products/?disease=<slug> adds the narrower diseases."
        ),
    )

    class Meta:
        model = Disease
        fields = [
            "slug",
            "url",
            "name",
            "therapeutic_area",
            "description",
            "mondo_id",
            "mesh_id",
            "icd10_code",
            "synonyms",
            "parents",
            "children",
            "products",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["term", "kind"],
                "properties": {
                    "term": {"type": "string"},
                    "kind": {"type": "string", "enum": SynonymKind.values},
                },
            },
        }
    )
    def get_synonyms(self, disease):
        return [{"term": s.term, "kind": s.kind} for s in disease.synonyms.all()]


class ReferenceSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True)
    publisher = serializers.CharField(read_only=True)


def _product_slugs(record):
    return [product.slug for product in record.products.all()]


class MechanismSerializer(ReadOnlyModelSerializer):
    url = AbsoluteUrlField()
    body = serializers.CharField(
        read_only=True, help_text="Markdown, as in the published data files."
    )
    references = ReferenceSerializer(many=True, read_only=True)
    products = SlugListField(_product_slugs)

    class Meta:
        model = Mechanism
        fields = ["slug", "url", "name", "summary", "body", "references", "products"]


class CellSourceSerializer(ReadOnlyModelSerializer):
    url = AbsoluteUrlField()
    donor_relation = _choice(DonorRelation)
    tissue = _choice(Tissue)
    products = SlugListField(_product_slugs)

    class Meta:
        model = CellSource
        fields = [
            "slug",
            "url",
            "name",
            "donor_relation",
            "tissue",
            "explanation",
            "products",
        ]


class AgencySerializer(ReadOnlyModelSerializer):
    url = AbsoluteUrlField()
    products = SlugListField(
        lambda agency: sorted(
            {status.product.slug for status in agency.statuses.all()}
        ),
        help_text="Products this regulator has decided on.",
    )

    class Meta:
        model = Agency
        fields = [
            "slug",
            "url",
            "short_name",
            "name",
            "region",
            "country",
            "website",
            "products",
        ]


class SponsorSerializer(ReadOnlyModelSerializer):
    url = AbsoluteUrlField()
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    products = SlugListField(
        _product_slugs, help_text="Products whose licence this company holds."
    )

    class Meta:
        model = Company
        fields = ["slug", "url", "name", "country", "website", "parent", "products"]


# --- helpers ----------------------------------------------------------------------


def _primary_first(product):
    links = product.product_mechanisms.all()
    return sorted(links, key=lambda link: (not link.is_primary, link.position))
