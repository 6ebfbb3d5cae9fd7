import pytest
from pytest_django.asserts import assertContains

from tests.conftest import make_cell_source, make_disease, make_many_products

pytestmark = pytest.mark.django_db


def test_the_list_explains_autologous_and_allogeneic(client):
    make_cell_source()
    response = client.get("/cell-sources/")
    assertContains(
        response,
        "<strong>Autologous</strong> products are made from the patient's own cells",
        html=False,
    )
    assertContains(
        response, "Autologous (the patient&#x27;s own cells) · Peripheral blood"
    )


def test_a_source_page_explains_it_and_lists_its_products(client):
    make_many_products(make_disease(), 2)
    response = client.get("/cell-sources/autologous-peripheral-blood/")
    assertContains(response, "Collected by leukapheresis.")
    assertContains(response, "Product 001")


def test_an_unknown_cell_source_is_a_404(client):
    assert client.get("/cell-sources/moon-rock/").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_query_counts_are_fixed(client, django_assert_max_num_queries, count):
    make_many_products(make_disease(), count)
    with django_assert_max_num_queries(4):
        assert client.get("/cell-sources/").status_code == 200
    with django_assert_max_num_queries(6):
        assert (
            client.get("/cell-sources/autologous-peripheral-blood/").status_code == 200
        )
