import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.conftest import make_disease, make_many_products

pytestmark = pytest.mark.django_db


def test_it_lists_products_with_their_status_per_agency(client):
    make_many_products(make_disease(), 1)
    response = client.get("/products/")
    assertContains(
        response, '<a href="/products/product-000/">Product 000</a>', html=True
    )
    assertContains(
        response,
        '<abbr title="U.S. Food and Drug Administration">FDA</abbr>',
        html=True,
    )
    assertContains(
        response, '<span class="badge badge--approved">Approved</span>', html=True
    )


def test_it_says_how_many_products_there_are(client):
    make_many_products(make_disease(), 3)
    assertContains(
        client.get("/products/"), '<span class="muted">(3)</span>', html=True
    )


def test_it_paginates_twenty_to_a_page(client):
    make_many_products(make_disease(), 25)
    first = client.get("/products/")
    assertContains(first, "Product 019")
    assertNotContains(first, "Product 020")
    assertContains(first, "Page 1 of 2")
    assertContains(first, 'href="?page=2"')
    second = client.get("/products/?page=2")
    assertContains(second, "Product 024")
    assertNotContains(second, "Product 000<")


@pytest.mark.parametrize("page", ["0", "3", "9999", "abc", "-1", "1e3", "%00"])
def test_a_page_that_does_not_exist_is_a_404(client, page):
    make_many_products(make_disease(), 25)
    assert client.get(f"/products/?page={page}").status_code == 404


def test_an_empty_catalog_says_so(client):
    assertContains(client.get("/products/"), "No products are in the catalog yet.")


@pytest.mark.parametrize("count", [1, 25])
def test_its_query_count_is_fixed(client, django_assert_max_num_queries, count):
    make_many_products(make_disease(), count)
    with django_assert_max_num_queries(6):
        assert client.get("/products/").status_code == 200
