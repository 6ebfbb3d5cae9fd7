import datetime

import pytest
from django.core.management import call_command

from catalog.audit import run_audit
from catalog.models import DecisionSource
from tests.conftest import make_agency, make_event, make_product

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
