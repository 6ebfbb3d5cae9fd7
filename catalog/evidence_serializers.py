"""The JSON shape of a product's evidence, label safety, risk programmes and
administration (the product detail in the API). Each fact carries its own
sources; read only what prefetch_evidence() loads."""

from rest_framework import serializers

from catalog.choices import (
    DatePrecision,
    Endpoint,
    OpenBound,
    SafetyEvent,
    TrialDesign,
    TrialPhase,
)
from catalog.models import (
    Administration,
    EvidenceSource,
    LabelSafety,
    LabelWarning,
    PivotalTrial,
    RiskProgramme,
    SevereRate,
    TrialResult,
)
from catalog.serializers import (
    IsoDateField,
    NullableIsoDateField,
    ProductSerializer,
    ReadOnlyModelSerializer,
    _choice,
)


def _agency():
    return serializers.SlugRelatedField(slug_field="slug", read_only=True)


class EvidenceSourceSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = EvidenceSource
        fields = ["url", "kind", "title", "read_on"]


class TrialResultSerializer(ReadOnlyModelSerializer):
    endpoint = _choice(Endpoint)
    reported_in = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The regulator whose document prints the figure; "
        "null for a publication.",
    )
    ci_low_open = _choice(OpenBound, allow_blank=True)
    ci_high_open = _choice(OpenBound, allow_blank=True)
    figure = serializers.CharField(
        read_only=True, help_text="The figure as printed, in words."
    )
    summary = serializers.CharField(
        read_only=True,
        help_text="A one-line summary for patients, computed from the figures; "
        "empty when none would be honest.",
    )
    sources = EvidenceSourceSerializer(many=True, read_only=True)

    class Meta:
        model = TrialResult
        fields = [
            "endpoint",
            "label",
            "primary",
            "assessed_by",
            "reported_in",
            "percent",
            "n",
            "median_months",
            "median_not_reached",
            "hazard_ratio",
            "ci_low",
            "ci_low_open",
            "ci_high",
            "ci_high_open",
            "ci_level",
            "p_value",
            "at_months",
            "figure",
            "summary",
            "sources",
        ]


class PivotalTrialSerializer(ReadOnlyModelSerializer):
    registry_ids = serializers.ListField(child=serializers.CharField(), read_only=True)
    phase = _choice(TrialPhase)
    design = _choice(TrialDesign)
    indications = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True
    )
    results = TrialResultSerializer(many=True, read_only=True)
    sources = EvidenceSourceSerializer(many=True, read_only=True)

    class Meta:
        model = PivotalTrial
        fields = [
            "key",
            "name",
            "registry_ids",
            "phase",
            "design",
            "comparator",
            "population",
            "enrolled",
            "treated",
            "evaluable",
            "median_follow_up_months",
            "indications",
            "results",
            "sources",
        ]


class WarningSerializer(ReadOnlyModelSerializer):
    event = _choice(SafetyEvent)

    class Meta:
        model = LabelWarning
        fields = ["event", "label"]


class SevereRateSerializer(ReadOnlyModelSerializer):
    event = _choice(SafetyEvent)

    class Meta:
        model = SevereRate
        fields = ["event", "label", "percent", "n", "population"]


class LabelSafetySerializer(ReadOnlyModelSerializer):
    agency = _agency()
    boxed_warnings = WarningSerializer(many=True, read_only=True)
    warnings = WarningSerializer(source="other_warnings", many=True, read_only=True)
    severe_rates = SevereRateSerializer(many=True, read_only=True)
    sources = EvidenceSourceSerializer(many=True, read_only=True)

    class Meta:
        model = LabelSafety
        fields = [
            "agency",
            "document",
            "boxed_warnings",
            "warnings",
            "severe_rates",
            "sources",
        ]


class RiskProgrammeSerializer(ReadOnlyModelSerializer):
    agency = _agency()
    started = IsoDateField(source="iso_started")
    started_precision = _choice(DatePrecision)
    ended = NullableIsoDateField(source="iso_ended")
    sources = EvidenceSourceSerializer(many=True, read_only=True)

    class Meta:
        model = RiskProgramme
        fields = ["agency", "name", "started", "started_precision", "ended", "sources"]


class AdministrationSerializer(ReadOnlyModelSerializer):
    sources = EvidenceSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Administration
        fields = [
            "dose",
            "lymphodepletion",
            "route",
            "setting",
            "manufacturing_days",
            "sources",
        ]


class ProductDetailSerializer(ProductSerializer):
    """One product with its evidence: pivotal trials, label safety per
    regulator, risk programmes and administration."""

    evidence_last_verified = serializers.DateField(
        source="evidence.last_verified", read_only=True, allow_null=True
    )
    pivotal_trials = PivotalTrialSerializer(source="trials", many=True, read_only=True)
    label_safety = LabelSafetySerializer(
        source="safety_labels", many=True, read_only=True
    )
    risk_programmes = RiskProgrammeSerializer(many=True, read_only=True)
    administration = AdministrationSerializer(read_only=True, allow_null=True)

    class Meta(ProductSerializer.Meta):
        fields = [
            *ProductSerializer.Meta.fields,
            "evidence_last_verified",
            "pivotal_trials",
            "label_safety",
            "risk_programmes",
            "administration",
        ]

    EVIDENCE_FIELDS = (
        "evidence_last_verified",
        "pivotal_trials",
        "label_safety",
        "risk_programmes",
        "administration",
    )

    def to_representation(self, product):
        # The product's own fields come from the fast builder the list uses
        # (ProductSerializer); only the evidence walks DRF's fields.
        data = super().to_representation(product)
        for name in self.EVIDENCE_FIELDS:
            field = self.fields[name]
            value = field.get_attribute(product)
            data[name] = None if value is None else field.to_representation(value)
        return data
