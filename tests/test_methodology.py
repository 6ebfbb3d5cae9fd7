import pytest
from pytest_django.asserts import assertContains

from tests.conftest import (
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

pytestmark = pytest.mark.django_db


def test_it_states_scope_sources_and_how_to_report_errors(client):
    response = client.get("/about/data/")
    assertContains(response, "<h2>What is included</h2>", html=True)
    assertContains(response, "In vivo gene therapies")
    assertContains(response, "Exosomes and other cell-free secretions.")
    assertContains(response, "<h2>Reporting an error</h2>", html=True)


def test_its_counts_come_from_the_data(client):
    disease = make_disease()
    make_many_products(disease, 3)
    pending = make_product(slug="pending", modality="msc")
    make_event(
        pending,
        [make_indication(pending, disease)],
        event_type="filing-accepted",
        unverified=True,
    )
    response = client.get("/about/data/")
    assertContains(response, "4 products.")
    assertContains(
        response, '<tr><th scope="row">CAR-T cells</th><td>3</td></tr>', html=True
    )
    assertContains(
        response, '<tr><th scope="row">Under review</th><td>1</td></tr>', html=True
    )
    assertContains(response, "1 decision marked unverified.")
    assertContains(response, '<a href="/agencies/fda/">FDA</a>')


def test_its_query_count_is_fixed(client, django_assert_max_num_queries):
    make_many_products(make_disease(), 20)
    with django_assert_max_num_queries(9):
        assert client.get("/about/data/").status_code == 200
