"""What a curator must look at: the data's known weak spots, computed from it.

`manage.py data_audit` prints these; the figures are plain querysets so that a
page can show them too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from catalog.choices import (
    AUTHORISING_EVENTS,
    ENDING_EVENTS,
    DatePrecision,
    EventType,
    SourceKind,
)
from catalog.models import (
    DecisionSource,
    GlossaryTerm,
    Guide,
    Mechanism,
    Product,
    ProductIdentifier,
    RegulatoryEvent,
)
from catalog.text import internal_links

# Regulators whose every authorisation must cite the regulator's own record.
REGULATORS_THAT_MUST_BE_CITED = (
    "fda",
    "ec",
    "health-canada",
    "tga",
    "swissmedic",
    "mhra",
)
STALE_AFTER_DAYS = 180
# A time-limited approval is flagged this long before its term ends.
TERM_WARNING_DAYS = 180
# Later decisions that settle a term: converted, ended, or given a new term.
SETTLES_A_TERM = (
    EventType.FULL_APPROVAL,
    EventType.EXPIRY,
    EventType.LAPSE,
    EventType.WITHDRAWAL,
)
# The regulator's own record, or the label it approved.
REGULATOR_KINDS = (SourceKind.REGULATOR, SourceKind.LABEL)


@dataclass
class Audit:
    decisions: int
    with_regulator_source: int
    without_regulator_source: list
    uncited_authorisations: list
    coarse_dates: list
    stale_products: list
    conditional_approvals: list
    terms_ending: list
    identifiers_without_source: list

    @property
    def regulator_source_share(self):
        return self.with_regulator_source / self.decisions if self.decisions else 1.0


def decisions_with_regulator_source():
    cited = DecisionSource.objects.filter(
        event=OuterRef("pk"), kind__in=REGULATOR_KINDS
    )
    return RegulatoryEvent.objects.annotate(cited=Exists(cited))


def run_audit(today: datetime.date | None = None) -> Audit:
    today = today or timezone.localdate()
    events = (
        decisions_with_regulator_source()
        .select_related("agency", "product")
        .order_by("agency__short_name", "product__brand_name", "date")
    )
    uncited = [event for event in events if not event.cited]
    return Audit(
        decisions=len(events),
        with_regulator_source=len(events) - len(uncited),
        without_regulator_source=uncited,
        uncited_authorisations=[
            event
            for event in uncited
            if event.is_authorising
            and event.agency.slug in REGULATORS_THAT_MUST_BE_CITED
        ],
        coarse_dates=[e for e in events if e.date_precision != DatePrecision.DAY],
        stale_products=list(
            Product.objects.filter(
                last_verified__lt=today - datetime.timedelta(days=STALE_AFTER_DAYS)
            ).order_by("last_verified")
        ),
        # Japan's conditional and time-limited approvals end at their term;
        # the terms are not recorded yet, so each one is listed to be checked.
        conditional_approvals=[
            event
            for event in events
            if event.event_type == EventType.CONDITIONAL_APPROVAL
            and event.agency.slug == "mhlw"
            and not event.term_ends
        ],
        terms_ending=terms_ending(events, today),
        identifiers_without_source=identifiers_without_source(),
    )


def terms_ending(events, today: datetime.date) -> list:
    """Authorisations whose term ends within TERM_WARNING_DAYS, or has ended,
    with nothing recorded since at that regulator that settles it: a
    conversion, an expiry, lapse or withdrawal, or a later decision with a
    term of its own. Soonest first."""
    horizon = today + datetime.timedelta(days=TERM_WARNING_DAYS)
    by_licence = {}
    for event in events:
        by_licence.setdefault((event.product_id, event.agency_id), []).append(event)
    due = [
        event
        for event in events
        if event.term_ends
        and event.term_ends <= horizon
        and not any(
            later.date > event.date
            and (later.event_type in SETTLES_A_TERM or later.term_ends)
            for later in by_licence[event.product_id, event.agency_id]
        )
    ]
    return sorted(due, key=lambda event: (event.term_ends, event.product.slug))


def identifiers_without_source() -> list:
    """Identifiers recorded without the page they were read in."""
    return list(
        ProductIdentifier.objects.filter(url="")
        .select_related("product")
        .order_by("product__slug", "position")
    )


# --- Prose: explainers, guides and glossary entries -------------------------
# Prose restates facts that change (labels, warnings), so each piece carries
# the day it was last checked against its sources. It is due again after a
# year, and at once when a product it names has had its label changed since.

PROSE_REVIEW_DAYS = 365
LABEL_CHANGES = AUTHORISING_EVENTS | set(ENDING_EVENTS) | {EventType.LABEL_RESTRICTION}


@dataclass
class ProseLabelChange:
    prose: object  # a Mechanism, Guide or GlossaryTerm
    event: RegulatoryEvent


def prose_records() -> list[tuple[object, str]]:
    """(record, markdown) for every explainer, guide and glossary entry."""
    return [
        *((m, m.body) for m in Mechanism.objects.order_by("slug")),
        *((g, g.body) for g in Guide.objects.order_by("slug")),
        *((t, t.definition) for t in GlossaryTerm.objects.order_by("slug")),
    ]


def stale_prose(today: datetime.date | None = None) -> list:
    """Prose not reviewed within PROSE_REVIEW_DAYS, the oldest first."""
    today = today or timezone.localdate()
    due = today - datetime.timedelta(days=PROSE_REVIEW_DAYS)
    stale = [record for record, _ in prose_records() if record.last_reviewed < due]
    return sorted(stale, key=lambda record: record.last_reviewed)


def _last_possible_day(event) -> datetime.date:
    """A date known to the month or year may be as late as its period's end."""
    if event.date_precision == DatePrecision.YEAR:
        return event.date.replace(month=12, day=31)
    if event.date_precision == DatePrecision.MONTH:
        following = (event.date.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        )
        return following - datetime.timedelta(days=1)
    return event.date


def prose_after_label_changes() -> list[ProseLabelChange]:
    """Prose linking to a product (`product:` links) whose label changed,
    by a dated decision, after the prose was last reviewed."""
    records = [
        (record, list(dict.fromkeys(_linked_products(text))))
        for record, text in prose_records()
    ]
    slugs = {slug for _, linked in records for slug in linked}
    changes = {}
    for event in (
        RegulatoryEvent.objects.filter(
            product__slug__in=slugs, event_type__in=LABEL_CHANGES
        )
        .select_related("product", "agency")
        .order_by("date", "agency__slug")
    ):
        changes.setdefault(event.product.slug, []).append(event)
    return [
        ProseLabelChange(record, event)
        for record, linked in records
        for slug in linked
        for event in changes.get(slug, ())
        if _last_possible_day(event) > record.last_reviewed
    ]


def _linked_products(text: str) -> list[str]:
    return [slug for kind, slug in internal_links(text) if kind == "product"]
