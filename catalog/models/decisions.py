"""Regulators' decisions, their sources, and licence-holder changes."""

from django.db import models
from django.db.models import Q

from catalog.choices import (
    AUTHORISING_EVENTS,
    DatePrecision,
    EventType,
    SourceKind,
)
from catalog.models.base import (
    SourceRead,
    _choices_constraint,
    display_date,
    iso_date,
)
from catalog.models.indications import Indication
from catalog.models.vocabulary import Agency, Company


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
        "catalog.Product", on_delete=models.CASCADE, related_name="events"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(max_length=40, choices=EventType)
    indications = models.ManyToManyField(
        Indication, through="DecisionIndication", related_name="events", blank=True
    )
    pathway = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    unverified = models.BooleanField(default=False)
    # The end of a time-limited approval's term (e.g. Japan's conditional
    # and time-limited approvals); data_audit watches it.
    term_ends = models.DateField(null=True, blank=True)
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


class DecisionSource(SourceRead):
    """Where a decision is recorded; position 0 is the best source."""

    event = models.ForeignKey(
        RegulatoryEvent, on_delete=models.CASCADE, related_name="sources"
    )

    class Meta(SourceRead.Meta):
        constraints = [
            *SourceRead.checks("decisionsource"),
            models.UniqueConstraint(
                fields=["event", "url"], name="catalog_decisionsource_once"
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def is_regulator(self):
        return self.kind in (SourceKind.REGULATOR, SourceKind.LABEL)


class HolderChange(DatedFact):
    """A licence moving from one company to another (sale, merger, spin-off)."""

    source_url = models.URLField(max_length=500)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="holder_changes"
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
