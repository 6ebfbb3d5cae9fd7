import datetime

import pytest
from django.core.management import call_command

from catalog.audit import prose_after_label_changes, run_audit, stale_prose
from catalog.models import DecisionSource, Mechanism, Product, ProductIdentifier
from tests.conftest import (
    make_agency,
    make_event,
    make_product,
    make_term,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(lymphoma_tree):
    fda = make_agency()
    ec = make_agency(slug="ec", short_name="EC/EMA", name="European Commission")
    product = make_product()
    make_event(product, agency=fda)
    uncited = make_event(
        product,
        agency=ec,
        date=datetime.date(2021, 3, 1),
        date_precision="month",
        source_url="https://example.org/news",
    )
    DecisionSource.objects.filter(event=uncited).update(kind="press")
    return uncited


def test_it_counts_decisions_without_the_regulators_own_record(decisions):
    audit = run_audit(today=datetime.date(2026, 12, 1))
    assert (audit.decisions, audit.with_regulator_source) == (2, 1)
    assert audit.uncited_authorisations == [decisions]
    assert audit.coarse_dates == [decisions]
    assert audit.stale_products == []


def test_it_lists_products_not_checked_for_six_months(decisions):
    audit = run_audit(today=datetime.date(2027, 6, 1))
    assert [p.slug for p in audit.stale_products] == ["testaleucel"]


def test_the_command_prints_each_weak_spot(decisions, capsys):
    call_command("data_audit")
    out = capsys.readouterr().out
    assert "1 of 2 decisions (50%) cite the regulator's own record." in out
    assert "testaleucel: ec approval 2021-03" in out


@pytest.fixture
def prose(decisions):
    """An explainer naming the product, reviewed before its EC decision's month
    ended, and a glossary entry naming nothing, reviewed long ago."""
    Mechanism.objects.update(
        body="Works like [Testcel](product:testaleucel).",
        last_reviewed=datetime.date(2021, 3, 20),
    )
    return make_term(last_reviewed=datetime.date(2025, 11, 1))


def test_it_lists_prose_not_reviewed_for_a_year(prose):
    stale = stale_prose(today=datetime.date(2026, 12, 3))
    assert [(type(p).__name__, p.slug) for p in stale] == [
        ("Mechanism", "car-directed-cytotoxicity"),
        ("GlossaryTerm", "apheresis"),
    ]
    within_a_year = stale_prose(today=datetime.date(2026, 10, 31))
    assert [p.slug for p in within_a_year] == ["car-directed-cytotoxicity"]


def test_it_lists_prose_naming_a_product_whose_label_changed_since(prose):
    changes = prose_after_label_changes()
    # The FDA approval of 15 January 2020 came before the review; the EC one,
    # known to the month (March 2021), may have come after it.
    assert [(c.prose.slug, c.event.agency.slug) for c in changes] == [
        ("car-directed-cytotoxicity", "ec")
    ]


def test_a_later_review_or_a_decision_that_changes_no_label_clears_it(prose):
    Mechanism.objects.update(last_reviewed=datetime.date(2021, 4, 1))
    make_event(
        Product.objects.get(),
        event_type="renewal",
        date=datetime.date(2022, 5, 1),
    )
    assert prose_after_label_changes() == []
    make_event(
        Product.objects.get(),
        event_type="label-expansion",
        date=datetime.date(2023, 6, 1),
    )
    assert [c.event.event_type for c in prose_after_label_changes()] == [
        "label-expansion"
    ]


def test_the_command_prints_the_prose_to_review(prose, capsys):
    call_command("data_audit")
    out = capsys.readouterr().out
    assert "Prose not reviewed in the last 365 days: 2" in out
    assert "glossary term apheresis (last reviewed 2025-11-01)" in out
    assert "Prose naming a product whose label changed after its review: 1" in out
    assert (
        "mechanism car-directed-cytotoxicity (last reviewed 2021-03-20) names "
        "testaleucel: ec approval 2021-03"
    ) in out


@pytest.fixture
def japan(lymphoma_tree):
    """A time-limited approval in Japan with a term ending 24 March 2026."""
    mhlw = make_agency(slug="mhlw", short_name="MHLW", name="MHLW", country="jp")
    product = make_product()
    return make_event(
        product,
        agency=mhlw,
        event_type="conditional-approval",
        date=datetime.date(2019, 3, 25),
        term_ends=datetime.date(2026, 3, 24),
    )


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        (datetime.date(2025, 9, 1), False),  # more than 180 days ahead
        (datetime.date(2025, 10, 1), True),  # within 180 days
        (datetime.date(2026, 12, 1), True),  # passed, nothing recorded since
    ],
)
def test_it_lists_terms_that_end_soon_or_have_passed(japan, today, listed):
    assert run_audit(today=today).terms_ending == ([japan] if listed else [])


@pytest.mark.parametrize("event_type", ["full-approval", "expiry", "withdrawal"])
def test_a_term_settled_by_a_later_decision_is_not_listed(japan, event_type):
    make_event(
        japan.product,
        agency=japan.agency,
        event_type=event_type,
        date=datetime.date(2026, 3, 20),
        indications=japan.product.indications.all(),
    )
    assert run_audit(today=datetime.date(2026, 12, 1)).terms_ending == []


def test_a_japanese_conditional_approval_with_its_term_needs_no_check(japan):
    assert run_audit(today=datetime.date(2025, 1, 1)).conditional_approvals == []


def test_it_lists_identifiers_without_a_source(decisions):
    product = decisions.product
    ProductIdentifier.objects.create(
        product=product, scheme="atc_code", value="L01XL04", position=0
    )
    ProductIdentifier.objects.create(
        product=product,
        scheme="fda_stn",
        value="125646",
        url="https://www.fda.gov/x",
        kind="regulator",
        read_on=datetime.date(2026, 12, 3),
        position=1,
    )
    audit = run_audit(today=datetime.date(2026, 12, 1))
    assert [i.value for i in audit.identifiers_without_source] == ["L01XL04"]


def test_the_command_prints_terms_ending_and_identifiers_without_source(japan, capsys):
    call_command("data_audit")
    out = capsys.readouterr().out
    assert "Statuses that will change soon" in out
    assert (
        "testaleucel: mhlw conditional-approval 2019-03-25, term ends 2026-03-24" in out
    )
    assert "Identifiers without a source: 0" in out
