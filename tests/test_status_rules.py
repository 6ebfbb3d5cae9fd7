"""The status rules (catalog.status), one realistic history per rule.

Each case replays one regulator's decisions and states where each indication
stands afterwards: its status, the day that status began ("since"), and flags
for a pending filing or a restriction. The last tests read three products whose
histories once fooled the per-product statuses, from the real fixtures.
"""

import datetime

import pytest

from catalog.choices import EventType, Status
from catalog.models import IndicationStatus
from catalog.status import Decision, HistoryError, derive

D = datetime.date


def decision(kind, day, *indications):
    return Decision(EventType(kind), D.fromisoformat(day), tuple(indications))


RULES = {
    "an approval authorises the indications it names": (
        [decision("approval", "2017-08-30", "b-all")],
        {"b-all": ("approved", "2017-08-30")},
    ),
    "a filing never hides a standing authorisation": (
        [
            decision("conditional-approval", "2018-12-28", "sci"),
            decision("filing-accepted", "2025-06-01", "sci"),
        ],
        {"sci": ("conditional", "2018-12-28", "under review")},
    ),
    "a filing on an indication not yet authorised is under review": (
        [
            decision("approval", "2019-01-01", "mcl"),
            decision("filing-accepted", "2024-02-01", "all"),
        ],
        {"mcl": ("approved", "2019-01-01"), "all": ("under-review", "2024-02-01")},
    ),
    "an extension under a conditional licence is conditional": (
        [
            decision("conditional-approval", "2020-12-14", "mcl"),
            decision("label-expansion", "2022-09-02", "all"),
        ],
        {"mcl": ("conditional", "2020-12-14"), "all": ("conditional", "2022-09-02")},
    ),
    "a conversion makes the licence and its extensions approved": (
        [
            decision("conditional-approval", "2015-02-17", "lscd"),
            decision("full-approval", "2024-02-22"),
            decision("label-expansion", "2025-01-10", "burns"),
        ],
        {"lscd": ("approved", "2024-02-22"), "burns": ("approved", "2025-01-10")},
    ),
    "an accelerated approval stays accelerated until converted": (
        [
            decision("approval", "2017-08-30", "b-all"),
            decision("accelerated-approval", "2022-05-27", "fl"),
        ],
        {"b-all": ("approved", "2017-08-30"), "fl": ("accelerated", "2022-05-27")},
    ),
    "a withdrawal without indications ends every indication": (
        [
            decision("approval", "2013-06-27", "knee"),
            decision("label-expansion", "2014-01-01", "ankle"),
            decision("withdrawal", "2016-07-29"),
        ],
        {"knee": ("withdrawn", "2016-07-29"), "ankle": ("withdrawn", "2016-07-29")},
    ),
    "an expiry ends the indication and keeps its first authorisation": (
        [
            decision("conditional-approval", "2015-09-18", "heart"),
            decision("expiry", "2024-09-17", "heart"),
        ],
        {"heart": ("expired", "2024-09-17")},
    ),
    "a restriction narrows an indication and keeps its status": (
        [
            decision("accelerated-approval", "2022-09-16", "cald"),
            decision("label-restriction", "2025-08-07", "cald"),
        ],
        {"cald": ("accelerated", "2022-09-16", "restricted")},
    ),
    "a refusal of an extension leaves the existing indications": (
        [
            decision("approval", "2016-01-01", "gvhd"),
            decision("refusal", "2020-10-01", "gvhd", "crohn"),
        ],
        {"gvhd": ("approved", "2016-01-01"), "crohn": ("refused", "2020-10-01")},
    ),
    "an approval after a complete response letter is approved": (
        [
            decision("complete-response-letter", "2023-08-01", "eb"),
            decision("approval", "2025-04-29", "eb"),
        ],
        {"eb": ("approved", "2025-04-29")},
    ),
    "a renewal or a licence transfer changes no status": (
        [
            decision("approval", "2019-03-26", "dlbcl"),
            decision("renewal", "2021-08-27"),
            decision("licence-transfer", "2023-06-22"),
        ],
        {"dlbcl": ("approved", "2019-03-26")},
    ),
    "a new approval after a withdrawal authorises again": (
        [
            decision("approval", "2010-04-29", "prostate"),
            decision("withdrawal", "2015-05-19"),
            decision("approval", "2020-01-01", "prostate"),
        ],
        {"prostate": ("approved", "2020-01-01")},
    ),
}


@pytest.mark.parametrize(("history", "expected"), RULES.values(), ids=RULES.keys())
def test_status_rule(history, expected):
    standings = derive(history)
    seen = {}
    for key, standing in standings.items():
        flags = []
        if standing.restricted_by:
            flags.append("restricted")
        if standing.under_review:
            flags.append("under review")
        seen[key] = (standing.status.value, standing.since.date.isoformat(), *flags)
    assert seen == expected


def test_first_authorised_is_kept_apart_from_since():
    standings = derive(
        [
            decision("accelerated-approval", "2017-10-18", "lbcl"),
            decision("full-approval", "2022-04-01", "lbcl"),
        ]
    )
    assert standings["lbcl"].first_authorised.date == D(2017, 10, 18)
    assert standings["lbcl"].since.date == D(2022, 4, 1)


REFUSED_HISTORIES = {
    "a withdrawal before any approval": [decision("withdrawal", "2019-01-01", "x")],
    "a conversion with nothing to convert": [
        decision("approval", "2019-01-01", "x"),
        decision("full-approval", "2020-01-01", "x"),
    ],
    "a restriction of an indication never authorised": [
        decision("filing-accepted", "2019-01-01", "x"),
        decision("label-restriction", "2020-01-01", "x"),
    ],
    "two conflicting decisions on one day": [
        decision("approval", "2019-01-01", "x"),
        decision("refusal", "2019-01-01", "x"),
    ],
}


@pytest.mark.parametrize("history", REFUSED_HISTORIES.values(), ids=REFUSED_HISTORIES)
def test_a_history_the_rules_cannot_order_is_refused(history):
    with pytest.raises(HistoryError):
        derive(history)


def _rows(product, agency):
    rows = IndicationStatus.objects.filter(product__slug=product, agency__slug=agency)
    return {row.indication.key: row for row in rows.select_related("indication")}


def test_tecartus_stays_conditional_in_the_eu_after_its_extension(seeded):
    rows = _rows("brexucabtagene-autoleucel", "ec")
    assert {row.status for row in rows.values()} == {Status.CONDITIONAL}
    assert len(rows) == 2


def test_stemirac_is_conditional_with_full_approval_under_review(seeded):
    (row,) = _rows("stemirac", "mhlw").values()
    assert row.status == Status.CONDITIONAL
    assert row.label == "Conditional approval; under review"


def test_skysonas_us_restriction_narrows_without_withdrawing(seeded):
    (row,) = _rows("elivaldogene-autotemcel", "fda").values()
    assert row.status == Status.ACCELERATED
    assert row.restricted_on == D(2025, 8, 7)
    assert row.label == "Accelerated approval (restricted)"
    assert "HLA-matched" in row.wording


def test_kymriahs_follicular_lymphoma_row_is_the_2022_accelerated_approval(seeded):
    rows = IndicationStatus.objects.matching(
        diseases=["follicular-lymphoma"],
        agencies=["fda"],
        products=["tisagenlecleucel"],
    )
    (row,) = rows
    assert row.status == Status.ACCELERATED
    assert row.display_since == "27 May 2022"
