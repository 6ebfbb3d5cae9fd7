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


def test_it_offers_a_search_by_disease(client):
    response = client.get("/")
    assert response.status_code == 200
    assertContains(
        response,
        '<form class="search-form" action="/search/" method="get" role="search">',
    )
    assertContains(response, 'name="q"')


def test_it_shows_headline_counts(client):
    disease = make_disease()
    make_many_products(disease, 3)
    pending = make_product(slug="pending-cel")
    make_event(
        pending, [make_indication(pending, disease)], event_type="filing-accepted"
    )
    response = client.get("/")
    assertContains(
        response, '<dt>Products</dt><dd><a href="/products/">4</a></dd>', html=True
    )
    assertContains(response, "<dt>Ever authorised</dt><dd>3</dd>", html=True)
    assertContains(response, "<dt>Regulators</dt><dd>2</dd>", html=True)


def test_it_lists_the_latest_approvals_newest_first(client):
    disease = make_disease()
    old, new = make_many_products(disease, 2)
    new.events.update(date="2025-03-05")
    response = client.get("/")
    content = response.content.decode()
    assert content.index("Product 001") < content.index("Product 000")
    assertContains(
        response, '<time datetime="2025-03-05">5 March 2025</time>', html=True
    )


def test_it_leads_into_browsing_by_modality(client):
    make_many_products(make_disease(), 1)
    assertContains(client.get("/"), 'href="/products/?modality=car-t"')


@pytest.mark.parametrize("count", [1, 30])
def test_its_query_count_does_not_grow_with_the_catalog(
    client, django_assert_max_num_queries, count
):
    make_many_products(make_disease(), count)
    with django_assert_max_num_queries(11):
        assert client.get("/").status_code == 200
