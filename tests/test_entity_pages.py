"""Agency, sponsor and target pages: each lists its products with the product card."""

import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import Agency, Company, Target
from tests.conftest import (
    make_company,
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    return make_many_products(make_disease(), 3)


def test_an_agency_page_lists_its_decisions_by_year(client, products):
    products[0].events.filter(agency__slug="fda").update(
        date=datetime.date(2017, 8, 30)
    )
    response = client.get("/agencies/fda/")
    assertContains(response, "<h1>U.S. Food and Drug Administration</h1>", html=True)
    assertContains(response, "<h3>2017</h3>", html=True)
    assertContains(response, "<h3>2020</h3>", html=True)
    assertContains(
        response, '<time datetime="2017-08-30">30 August 2017</time>', html=True
    )
    assertContains(response, "Product 002")


def test_the_agency_list_shows_only_agencies_with_decisions(client, products):
    Agency.objects.create(
        slug="tga",
        short_name="TGA",
        name="Therapeutic Goods Administration",
        region="Australia",
    )
    response = client.get("/agencies/")
    assertContains(
        response, '<a href="/agencies/fda/">United States · FDA</a>', html=True
    )
    assertNotContains(response, "/agencies/tga/")


def test_a_sponsor_page_includes_products_of_its_subsidiaries(client, products):
    parent = make_company(slug="big-pharma", name="Big Pharma")
    Company.objects.filter(slug="acme-cells").update(parent=parent)
    response = client.get("/sponsors/big-pharma/")
    assertContains(response, "Product 000")
    assertContains(
        response, '<a href="/sponsors/acme-cells/">Acme Cells</a>', html=True
    )
    child = client.get("/sponsors/acme-cells/")
    assertContains(child, 'part of <a href="/sponsors/big-pharma/">Big Pharma</a>')


def test_a_target_page_lists_the_products_against_it(client, products):
    cd19 = Target.objects.create(
        slug="cd19", name="CD19", description="A B-cell protein."
    )
    products[1].target = cd19
    products[1].save()
    response = client.get("/targets/cd19/")
    assertContains(response, "A B-cell protein.")
    assertContains(response, "Product 001")
    assertNotContains(response, "Product 000")
    assertContains(client.get("/targets/"), '<p class="muted">1 product</p>', html=True)


@pytest.mark.parametrize(
    "url", ["/agencies/nope/", "/sponsors/nope/", "/targets/nope/"]
)
def test_unknown_entities_are_404s(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_query_counts_are_fixed(client, django_assert_max_num_queries, count):
    make_many_products(make_disease(), count)
    Target.objects.create(slug="cd19", name="CD19")
    for url, limit in [
        ("/agencies/", 3),
        ("/agencies/fda/", 8),
        ("/sponsors/", 3),
        ("/sponsors/acme-cells/", 6),
        ("/targets/", 3),
        ("/targets/cd19/", 5),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_a_product_with_a_whole_product_withdrawal_shows_withdrawn(client):
    product = make_product()
    make_event(product, [make_indication(product, make_disease())])
    make_event(product, event_type="withdrawal", date=datetime.date(2022, 1, 1))
    assertContains(client.get("/agencies/fda/"), "withdrawal")
