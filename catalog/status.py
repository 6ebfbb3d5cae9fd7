"""Where each indication stands with a regulator, derived from its decisions.

The rules, in the order a history is replayed (oldest decision first):

- An approval, accelerated or conditional approval authorises the indications
  it names. A conditional approval makes the licence conditional, and a new
  indication added under a conditional licence is conditional too, until a
  conversion to full approval is recorded.
- A conversion turns the conditional or accelerated indications it names (all
  of them, when it names none) into approved ones.
- A filing never hides a standing authorisation: the indication keeps its
  status and is marked as under review ("conditional; full approval under
  review"). On an indication not yet authorised it means "under review".
- A refusal or a complete response letter leaves authorised indications as
  they were; it decides only the indications that were not authorised.
- A restriction narrows an authorised indication and says so; its status and
  "since" stay as they were. A renewal or a licence transfer changes no status.
- A withdrawal, suspension, expiry or lapse ends the indications it names, or
  every indication of the licence when it names none.

"Since" is the date of the decision that gave the current status;
"first authorised" is the first decision that authorised the indication.
Nothing here touches the database: `seed` feeds it plain histories and stores
what it returns, so every page reads the same table.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from catalog.choices import ENDING_EVENTS, EventType, Status


@dataclass(frozen=True)
class Decision:
    """What the rules need to know of one regulator's decision."""

    type: EventType
    date: datetime.date
    indications: tuple[str, ...] = ()
    ref: object = None  # whatever the caller wants back (a fixture row, an id)


@dataclass
class Standing:
    """One indication at one regulator, after its whole history."""

    status: Status
    since: Decision
    first_authorised: Decision | None = None
    under_review: Decision | None = None
    restricted_by: Decision | None = None


class HistoryError(ValueError):
    """A history the rules cannot replay, e.g. a withdrawal before any approval."""


@dataclass
class _Licence:
    standings: dict[str, Standing] = field(default_factory=dict)
    conditional: bool = False

    def authorised(self, keys):
        return [key for key in keys if self.is_authorised(key)]

    def is_authorised(self, key):
        standing = self.standings.get(key)
        return standing is not None and standing.status.is_authorised


def derive(decisions: Iterable[Decision]) -> dict[str, Standing]:
    """Each indication's standing after `decisions` (one regulator, oldest first)."""
    licence = _Licence()
    history = list(decisions)
    _check_same_day_conflicts(history)
    for decision in history:
        _apply(licence, decision)
    return licence.standings


def _apply(licence: _Licence, decision: Decision) -> None:
    kind = decision.type
    keys = decision.indications or ()
    if not keys and kind.may_cover_whole_licence:
        keys = tuple(licence.standings)
    if not keys and kind.may_cover_whole_licence:
        raise HistoryError(
            f"the {kind.label.lower()} of {decision.date} comes before any "
            "authorisation at this regulator"
        )
    if not keys:
        raise HistoryError(
            f"the {kind.label.lower()} of {decision.date} names no indication"
        )
    if kind.is_authorising:
        _authorise(licence, decision, keys)
    elif kind in ENDING_EVENTS:
        _require_authorised_before(licence, decision, keys)
        for key in keys:
            _set(licence, key, ENDING_EVENTS[kind], decision)
        if not decision.indications:
            licence.conditional = False
    elif kind in (EventType.REFUSAL, EventType.COMPLETE_RESPONSE_LETTER):
        status = Status.REFUSED if kind == EventType.REFUSAL else Status.CRL
        for key in keys:
            if licence.is_authorised(key):
                licence.standings[key].under_review = None
            else:
                _set(licence, key, status, decision)
    elif kind == EventType.FILING_ACCEPTED:
        for key in keys:
            if licence.is_authorised(key):
                licence.standings[key].under_review = decision
            else:
                _set(licence, key, Status.UNDER_REVIEW, decision)
    elif kind == EventType.LABEL_RESTRICTION:
        _require_authorised_now(licence, decision, keys)
        for key in keys:
            licence.standings[key].restricted_by = decision
    else:  # renewal, licence transfer: the licence goes on unchanged
        _require_authorised_now(licence, decision, keys)


def _authorise(licence: _Licence, decision: Decision, keys: Sequence[str]) -> None:
    kind = decision.type
    if kind == EventType.FULL_APPROVAL:
        converting = [
            key
            for key in keys
            if licence.is_authorised(key) and licence.standings[key].status.is_expedited
        ]
        if not converting:
            raise HistoryError(
                f"the conversion of {decision.date} finds no conditional or "
                "accelerated authorisation to convert"
            )
        for key in converting:
            _set(licence, key, Status.APPROVED, decision)
        licence.conditional = any(
            s.status == Status.CONDITIONAL for s in licence.standings.values()
        )
        return
    any_standing = bool(licence.authorised(licence.standings))
    if kind == EventType.CONDITIONAL_APPROVAL:
        status, licence.conditional = Status.CONDITIONAL, True
    elif kind == EventType.ACCELERATED_APPROVAL:
        status = Status.ACCELERATED
    elif licence.conditional and any_standing:
        status = Status.CONDITIONAL  # an extension of a conditional licence
    else:  # a regular approval, or a new licence after the last one ended
        status, licence.conditional = Status.APPROVED, False
    for key in keys:
        _set(licence, key, status, decision)
        licence.standings[key].under_review = None


def _set(licence: _Licence, key: str, status: Status, decision: Decision) -> None:
    standing = licence.standings.get(key)
    if standing is None:
        standing = licence.standings[key] = Standing(status, decision)
    elif standing.status != status:
        standing.status, standing.since = status, decision
    if not status.is_authorised:
        standing.under_review = standing.restricted_by = None
    if status.is_authorised and standing.first_authorised is None:
        standing.first_authorised = decision


def _require_authorised_before(licence, decision, keys):
    never = [key for key in keys if not _ever(licence, key)]
    if never:
        raise HistoryError(
            f"the {decision.type.label.lower()} of {decision.date} comes before "
            f"any authorisation of {', '.join(map(str, never))}"
        )


def _require_authorised_now(licence, decision, keys):
    missing = [key for key in keys if not licence.is_authorised(key)]
    if missing:
        raise HistoryError(
            f"the {decision.type.label.lower()} of {decision.date} concerns "
            f"{', '.join(map(str, missing))}, which is not authorised at that point"
        )


def _ever(licence, key):
    standing = licence.standings.get(key)
    return standing is not None and standing.first_authorised is not None


def _check_same_day_conflicts(history: Sequence[Decision]) -> None:
    """Two different decisions on one indication on the same day cannot be
    ordered, so the resulting status would depend on the file's order."""
    seen = {}
    for decision in history:
        for key in decision.indications or ("the whole licence",):
            earlier = seen.setdefault((decision.date, key), decision)
            if earlier.type != decision.type:
                raise HistoryError(
                    f"two conflicting decisions on {key} on {decision.date}: "
                    f"{earlier.type.label.lower()} and {decision.type.label.lower()}"
                )
