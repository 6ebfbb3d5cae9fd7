"""Replay each regulator's decisions through the status rules (catalog.status),
for validation before writing and for the status table after it."""

from __future__ import annotations

from catalog.choices import EventType
from catalog.status import Decision, HistoryError, derive


def decisions_by_agency(decisions):
    """{agency slug: [Decision]} in the order the rules replay them: by date,
    then as listed in the file (decisions on one day are independent, or the
    same-day check rejects them)."""
    by_agency = {}
    ordered = sorted(enumerate(decisions), key=lambda pair: (pair[1]["date"], pair[0]))
    for position, row in ordered:
        by_agency.setdefault(row["agency"], []).append(
            Decision(
                type=EventType(row["event_type"]),
                date=row["date"],
                indications=tuple(row["indications"]),
                ref=position,
            )
        )
    return by_agency


def history_problems(decisions):
    """Why the rules cannot replay these decisions, one sentence per regulator."""
    problems = []
    for agency, history in decisions_by_agency(decisions).items():
        try:
            derive(history)
        except HistoryError as exc:
            problems.append(f"decisions at '{agency}': {exc}")
    return problems
