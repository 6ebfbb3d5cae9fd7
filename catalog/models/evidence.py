"""The evidence behind a product's indications and what its labels say about
safety (fixtures/evidence/<product>.yaml): pivotal trials and their results,
label safety per regulator, risk programmes, and how the product is given.

Every fact cites one or more EvidenceSource rows. A product's sources are
stored once each and numbered, so a page can list them and refer to them.
"""

import re

from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects

from catalog import evidence
from catalog.choices import (
    LABEL_SOURCE_KINDS,
    DatePrecision,
    Endpoint,
    OpenBound,
    SafetyEvent,
    TrialDesign,
    TrialPhase,
)
from catalog.models.base import (
    SourceRead,
    _choices_constraint,
    display_date,
    iso_date,
)
from catalog.models.indications import Indication
from catalog.models.vocabulary import Agency


class EvidenceSource(SourceRead):
    """A document read for a product's evidence, numbered from 1 on its page."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="evidence_sources"
    )

    class Meta(SourceRead.Meta):
        constraints = [
            *SourceRead.checks("evidencesource"),
            models.UniqueConstraint(
                fields=["product", "position"], name="catalog_evidencesource_position"
            ),
        ]

    def __str__(self):
        return self.title or self.url

    @property
    def number(self):
        return self.position + 1


class ProductEvidence(models.Model):
    """That a product's evidence file exists, and when it was last checked."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="evidence"
    )
    last_verified = models.DateField()

    class Meta:
        verbose_name_plural = "product evidence"

    def __str__(self):
        return f"Evidence for {self.product}"

    # Read after prefetch_evidence(): each uses only prefetched rows.

    @property
    def by_indication(self):
        """(indication, its pivotal trials) for each indication that has any,
        in the product's order of indications."""
        trials = self.product.trials.all()
        rows = []
        for indication in self.product.indications.all():
            found = [t for t in trials if indication in t.indications.all()]
            if found:
                rows.append((indication, found))
        return rows

    @property
    def by_trials(self):
        """([indications], trials): indications resting on the same trials
        share one entry, so that a trial is shown once for all of them."""
        groups = {}
        for indication, trials in self.by_indication:
            key = tuple(trial.pk for trial in trials)
            groups.setdefault(key, ([], trials))[0].append(indication)
        return list(groups.values())

    @property
    def has_single_arm_trial(self):
        return any(
            t.design == TrialDesign.SINGLE_ARM for t in self.product.trials.all()
        )

    @property
    def has_label_read(self):
        return any(s.read_in_label for s in self.product.safety_labels.all())

    @property
    def safety_by_agency(self):
        """(agency, its label safety or None, its risk programmes)."""
        rows = {s.agency: [s, []] for s in self.product.safety_labels.all()}
        for programme in self.product.risk_programmes.all():
            rows.setdefault(programme.agency, [None, []])[1].append(programme)
        return [
            (agency, safety, programmes)
            for agency, (safety, programmes) in rows.items()
        ]


class PivotalTrial(models.Model):
    """A trial an authorised indication rests on."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="trials"
    )
    key = models.SlugField()
    name = models.CharField(max_length=200)
    # Registry numbers as printed (NCT…, EudraCT…); seed checks their form.
    registry_ids = models.JSONField(default=list, blank=True)
    # Blank when the cited documents do not print it.
    phase = models.CharField(max_length=5, choices=TrialPhase, blank=True)
    design = models.CharField(max_length=30, choices=TrialDesign)
    comparator = models.TextField(blank=True)
    population = models.TextField()
    enrolled = models.PositiveIntegerField(null=True, blank=True)
    treated = models.PositiveIntegerField(null=True, blank=True)
    evaluable = models.PositiveIntegerField(null=True, blank=True)
    median_follow_up_months = models.FloatField(null=True, blank=True)
    indications = models.ManyToManyField(Indication, related_name="trials", blank=True)
    sources = models.ManyToManyField(EvidenceSource, related_name="trials")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("product", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "key"], name="catalog_pivotaltrial_key_once"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=[*TrialPhase.values, ""]),
                name="catalog_pivotaltrial_phase_valid",
            ),
            _choices_constraint("pivotaltrial", "design", TrialDesign),
            # A control arm is what makes a trial randomised, and only then.
            models.CheckConstraint(
                condition=Q(design=TrialDesign.RANDOMISED, comparator__gt="")
                | (~Q(design=TrialDesign.RANDOMISED) & Q(comparator="")),
                name="catalog_pivotaltrial_comparator_iff_randomised",
            ),
            models.CheckConstraint(
                condition=Q(evaluable__isnull=True)
                | Q(treated__isnull=True)
                | Q(evaluable__lte=models.F("treated")),
                name="catalog_pivotaltrial_evaluable_le_treated",
            ),
            models.CheckConstraint(
                condition=Q(treated__isnull=True)
                | Q(enrolled__isnull=True)
                | Q(treated__lte=models.F("enrolled")),
                name="catalog_pivotaltrial_treated_le_enrolled",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.product})"

    @property
    def is_randomised(self):
        return self.design == TrialDesign.RANDOMISED

    @property
    def registry_links(self):
        """(id, url) for each registry number; url is '' when unknown."""
        return [(rid, registry_url(rid)) for rid in self.registry_ids]


def registry_url(registry_id):
    """The public page of a registry number, where its address is predictable."""
    if registry_id.startswith("NCT"):
        return f"https://clinicaltrials.gov/study/{registry_id}"
    if registry_id.startswith("ISRCTN"):
        return f"https://www.isrctn.com/{registry_id}"
    number = registry_id.removeprefix("EudraCT ")
    if re.fullmatch(r"\d{4}-\d{6}-\d{2}", number):
        return f"https://www.clinicaltrialsregister.eu/ctr-search/search?query={number}"
    return ""


class TrialResult(models.Model):
    """One figure a document prints for a trial: a rate, a median or a
    hazard ratio (exactly one), with its interval and where it was printed."""

    trial = models.ForeignKey(
        PivotalTrial, on_delete=models.CASCADE, related_name="results"
    )
    endpoint = models.CharField(max_length=50, choices=Endpoint)
    # Plain words for an `other` endpoint.
    label = models.CharField(max_length=300, blank=True)
    primary = models.BooleanField(default=False)
    assessed_by = models.CharField(max_length=200, blank=True)
    # The regulator whose document prints the figure; none for a publication.
    reported_in = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trial_results",
    )
    percent = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField(null=True, blank=True)
    median_months = models.FloatField(null=True, blank=True)
    median_not_reached = models.BooleanField(default=False)
    hazard_ratio = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_low_open = models.CharField(max_length=20, choices=OpenBound, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    ci_high_open = models.CharField(max_length=20, choices=OpenBound, blank=True)
    ci_level = models.FloatField(default=95)
    p_value = models.CharField(max_length=30, blank=True)
    at_months = models.FloatField(null=True, blank=True)
    sources = models.ManyToManyField(EvidenceSource, related_name="results")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("trial", "position")
        constraints = [
            _choices_constraint("trialresult", "endpoint", Endpoint),
            models.CheckConstraint(
                condition=Q(percent__isnull=True)
                | Q(percent__gte=0, percent__lte=100)
                & (Q(n__isnull=True) | Q(n__gte=1)),
                name="catalog_trialresult_percent_range",
            ),
            # Exactly one kind of value: a rate, a median, or a hazard ratio;
            # or none for an `other` endpoint, whose label gives the figure.
            models.CheckConstraint(
                condition=(
                    Q(
                        endpoint=Endpoint.OTHER,
                        percent__isnull=True,
                        median_months__isnull=True,
                        median_not_reached=False,
                        hazard_ratio__isnull=True,
                    )
                    | Q(
                        percent__isnull=False,
                        median_months__isnull=True,
                        median_not_reached=False,
                        hazard_ratio__isnull=True,
                    )
                    | Q(
                        percent__isnull=True,
                        hazard_ratio__isnull=True,
                    )
                    & (
                        Q(median_months__isnull=False, median_not_reached=False)
                        | Q(median_months__isnull=True, median_not_reached=True)
                    )
                    | Q(
                        percent__isnull=True,
                        median_months__isnull=True,
                        median_not_reached=False,
                        hazard_ratio__isnull=False,
                    )
                ),
                name="catalog_trialresult_one_value",
            ),
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True)
                | Q(ci_high__isnull=True)
                | Q(ci_low__lte=models.F("ci_high")),
                name="catalog_trialresult_ci_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.trial.name}: {self.get_endpoint_display()}"

    @property
    def endpoint_name(self):
        return self.label or self.get_endpoint_display()

    @property
    def summary(self):
        """One line for patients, computed from the figures (catalog.evidence)."""
        return evidence.summary(self)

    @property
    def figure(self):
        return evidence.figure(self)

    @property
    def value_kind(self):
        if self.percent is not None:
            return "percent"
        if self.hazard_ratio is not None:
            return "hazard_ratio"
        if self.median_months is not None or self.median_not_reached:
            return "median_months"
        return ""


class LabelSafety(models.Model):
    """What one regulator's label says about a product's risks."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="safety_labels"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="safety_labels"
    )
    document = models.CharField(max_length=300)
    sources = models.ManyToManyField(EvidenceSource, related_name="safety_labels")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("product", "position")
        verbose_name_plural = "label safety"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "agency"], name="catalog_labelsafety_once"
            ),
        ]

    def __str__(self):
        return f"{self.product} – {self.agency} label safety"

    @property
    def read_in_label(self):
        """Whether the label itself (or the regulator's record) was read,
        rather than a trial report standing in for it."""
        return any(s.kind in LABEL_SOURCE_KINDS for s in self.sources.all())

    @property
    def boxed_warnings(self):
        return [w for w in self.warnings.all() if w.boxed]

    @property
    def other_warnings(self):
        return [w for w in self.warnings.all() if not w.boxed]


class LabelWarning(models.Model):
    """A risk a label warns of; `boxed` for a boxed warning."""

    safety = models.ForeignKey(
        LabelSafety, on_delete=models.CASCADE, related_name="warnings"
    )
    event = models.CharField(max_length=50, choices=SafetyEvent)
    # Plain words for an `other` warning.
    label = models.CharField(max_length=300, blank=True)
    boxed = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("-boxed", "position")
        constraints = [
            _choices_constraint("labelwarning", "event", SafetyEvent),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.label or self.get_event_display()


class SevereRate(models.Model):
    """A grade 3 or higher rate as a label prints it, with its denominator."""

    safety = models.ForeignKey(
        LabelSafety, on_delete=models.CASCADE, related_name="severe_rates"
    )
    event = models.CharField(max_length=50, choices=SafetyEvent)
    label = models.CharField(max_length=300, blank=True)
    percent = models.FloatField()
    # Null when the document prints the rate without its denominator.
    n = models.PositiveIntegerField(null=True, blank=True)
    population = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            _choices_constraint("severerate", "event", SafetyEvent),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100)
                & (Q(n__isnull=True) | Q(n__gte=1)),
                name="catalog_severerate_percent_range",
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.percent}% of {self.n}"

    @property
    def name(self):
        return self.label or self.get_event_display()


class RiskProgramme(models.Model):
    """A risk-management programme (a REMS, controlled distribution), with
    when it started and, if it has, ended, each as precisely as known."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="risk_programmes"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="risk_programmes"
    )
    name = models.CharField(max_length=300)
    started = models.DateField()
    started_precision = models.CharField(max_length=10, choices=DatePrecision)
    ended = models.DateField(null=True, blank=True)
    ended_precision = models.CharField(max_length=10, choices=DatePrecision, blank=True)
    sources = models.ManyToManyField(EvidenceSource, related_name="risk_programmes")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("product", "position")
        constraints = [
            _choices_constraint("riskprogramme", "started_precision", DatePrecision),
            models.CheckConstraint(
                condition=Q(ended__isnull=True, ended_precision="")
                | Q(ended__gte=models.F("started"), ended_precision__gt=""),
                name="catalog_riskprogramme_ended_after_started",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_started(self):
        return display_date(self.started, self.started_precision)

    @property
    def iso_started(self):
        return iso_date(self.started, self.started_precision)

    @property
    def display_ended(self):
        return display_date(self.ended, self.ended_precision) if self.ended else ""

    @property
    def iso_ended(self):
        return iso_date(self.ended, self.ended_precision) if self.ended else ""


class Administration(models.Model):
    """How the product is given, as its label states."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="administration"
    )
    dose = models.TextField()
    lymphodepletion = models.TextField(blank=True)
    route = models.CharField(max_length=300, blank=True)
    setting = models.TextField(blank=True)
    manufacturing_days = models.PositiveSmallIntegerField(null=True, blank=True)
    sources = models.ManyToManyField(EvidenceSource, related_name="administrations")

    class Meta:
        verbose_name_plural = "administration"

    def __str__(self):
        return f"Administration of {self.product}"


def prefetch_evidence(products):
    """Load the evidence of `products` (fetched with select_related("evidence",
    "administration")) in a fixed number of queries; products without an
    evidence file cost none."""
    with_file = [p for p in products if hasattr(p, "evidence")]
    prefetch_related_objects(with_file, *_evidence_prefetches())
    return products


def _evidence_prefetches():
    results = TrialResult.objects.select_related("reported_in").prefetch_related(
        "sources"
    )
    return (
        Prefetch(
            "trials",
            queryset=PivotalTrial.objects.prefetch_related(
                "indications", "sources", Prefetch("results", queryset=results)
            ),
        ),
        Prefetch(
            "safety_labels",
            queryset=LabelSafety.objects.select_related("agency").prefetch_related(
                "warnings", "severe_rates", "sources"
            ),
        ),
        Prefetch(
            "risk_programmes",
            queryset=RiskProgramme.objects.select_related("agency").prefetch_related(
                "sources"
            ),
        ),
        "administration__sources",
        "evidence_sources",
    )
