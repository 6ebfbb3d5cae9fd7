"""data_audit's evidence coverage line (issue #12's 95% target)."""

import pytest
from django.core.management import call_command

from catalog.audit_evidence import evidence_coverage
from catalog.models import PivotalTrial, TrialResult
from tests.conftest import (
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)
from tests.test_evidence_pages import make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def car_t():
    """A CAR-T with two authorised indications; only the first has evidence."""
    product = make_product()
    first = make_indication(product, make_disease(), key="first")
    second = make_indication(
        product, make_disease(slug="dlbcl", name="DLBCL"), key="second"
    )
    make_event(product, [first, second])
    make_evidence(product, first)
    return product


def test_it_counts_authorised_indications_with_a_registered_trial(car_t):
    coverage = evidence_coverage()
    assert (coverage.covered_indications, coverage.indications) == (1, 2)
    assert coverage.missing_trials == [("testaleucel", "second")]
    assert (coverage.products_with_safety, coverage.products) == (1, 1)


def test_a_trial_without_a_registry_id_does_not_count(car_t):
    PivotalTrial.objects.update(registry_ids=[])
    assert evidence_coverage().covered_indications == 0


def test_a_trial_without_a_primary_result_does_not_count(car_t):
    TrialResult.objects.update(primary=False)
    assert evidence_coverage().covered_indications == 0


def test_unmodified_cells_are_out_of_scope(db):
    product = make_product(slug="stromacel", modality="msc", gene_modification="none")
    make_event(product)
    assert evidence_coverage().indications == 0


def test_the_command_prints_the_coverage(car_t, capsys):
    call_command("data_audit")
    out = capsys.readouterr().out
    assert "1 of 2 authorised indications (50%) rest on a pivotal trial" in out
    assert "1 of 1 products (100%) have label safety" in out
    assert "  testaleucel: second" in out


def test_the_data_page_shows_the_coverage(car_t, client):
    response = client.get("/about/data/")
    assert (
        "1 of 2 authorised indications of engineered and gene-modified products (50%)"
        in response.content.decode()
    )


def test_the_data_page_query_count_stays_fixed_with_evidence(
    client, django_assert_max_num_queries
):
    for product in make_many_products(make_disease(), 20):
        make_evidence(product, product.indications.get())
    with django_assert_max_num_queries(22):
        assert client.get("/about/data/").status_code == 200
