"""Fill the status table from the decisions just written.

Each product's decisions are replayed per regulator by catalog.status; the
result, one row per indication × regulator that has a decision, is what every
page, the API and the downloads read.
"""

from __future__ import annotations

from catalog import models
from catalog.choices import EventType
from catalog.status import Decision, derive


def refresh_statuses():
    """Rebuild IndicationStatus and the products' derived columns."""
    products = list(models.Product.objects.with_events())
    rows = []
    for product in products:
        product_rows = list(_status_rows(product))
        rows += product_rows
        events = product.events.all()
        first = [
            row.first_authorised_on for row in product_rows if row.first_authorised_on
        ]
        product.first_authorised_on = min(first, default=None)
        product.latest_event_on = max((e.date for e in events), default=None)
        product.authorised_indication_count = len(
            {row.indication_id for row in product_rows if row.state.is_authorised}
        )
    models.IndicationStatus.objects.all().delete()
    models.IndicationStatus.objects.bulk_create(rows, batch_size=500)
    models.Product.objects.bulk_update(
        products,
        ["first_authorised_on", "latest_event_on", "authorised_indication_count"],
        batch_size=500,
    )


def _status_rows(product):
    by_agency = {}
    for event in sorted(product.events.all(), key=lambda e: (e.date, e.position)):
        by_agency.setdefault(event.agency, []).append(event)
    for agency, events in by_agency.items():
        history = [
            Decision(
                type=EventType(event.event_type),
                date=event.date,
                indications=tuple(
                    link.indication_id for link in event.indication_links.all()
                ),
                ref=event,
            )
            for event in events
        ]
        wordings = _latest_wordings(events)
        for indication_id, standing in derive(history).items():
            since, first = standing.since.ref, standing.first_authorised
            yield models.IndicationStatus(
                product=product,
                indication_id=indication_id,
                agency=agency,
                status=standing.status,
                since=since.date,
                since_precision=since.date_precision,
                since_event=since,
                first_authorised_on=first.ref.date if first else None,
                first_authorised_precision=first.ref.date_precision if first else "",
                under_review_since=_date(standing.under_review),
                restricted_on=_date(standing.restricted_by),
                wording=wordings.get(indication_id, ""),
                source_url=since.source_url,
            )


def _latest_wordings(events):
    """Each indication's wording from the latest decision that gave one."""
    wordings = {}
    for event in events:
        for link in event.indication_links.all():
            if link.wording:
                wordings[link.indication_id] = link.wording
    return wordings


def _date(decision):
    return decision.ref.date if decision else None
