import datetime

import pytest
from pytest_django.asserts import assertContains

from catalog.models import HolderChange, ProductAlias
from tests.conftest import (
    make_agency,
    make_company,
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(lymphoma_tree):
    product = make_product(
        slug="tisagenlecleucel",
        brand_name="Kymriah",
        nonproprietary_name="tisagenlecleucel",
    )
    ProductAlias.objects.create(product=product, name="CTL019", kind="code")
    indication = make_indication(
        product,
        lymphoma_tree[2],
        population="Adults",
        line_of_therapy="After two or more lines of systemic therapy",
    )
    fda = make_agency()
    make_event(
        product,
        [indication],
        agency=fda,
        event_type="accelerated-approval",
        date=datetime.date(2022, 5, 27),
        source_url="https://www.fda.gov/kymriah-fl",
    )
    return product


def test_it_shows_indications_in_plain_words(client, product):
    response = client.get("/products/tisagenlecleucel/")
    assertContains(
        response,
        '<a href="/diseases/follicular-lymphoma/">Follicular lymphoma</a>',
        html=True,
    )
    assertContains(response, "Adults; After two or more lines of systemic therapy")


def test_it_shows_each_decision_with_its_date_and_source(client, product):
    response = client.get("/products/tisagenlecleucel/")
    assertContains(
        response, '<time datetime="2022-05-27">27 May 2022</time>', html=True
    )
    assertContains(response, "<strong>Accelerated approval</strong>", html=True)
    assertContains(response, 'href="https://www.fda.gov/kymriah-fl"')
    assertContains(
        response,
        '<span class="badge badge--accelerated">Accelerated approval</span>',
        html=True,
    )


def test_it_shows_aliases_mechanism_source_and_sponsor(client, product):
    response = client.get("/products/tisagenlecleucel/")
    assertContains(response, "CTL019")
    assertContains(
        response,
        '<a href="/mechanisms/car-directed-cytotoxicity/">CAR-directed cytotoxicity</a>',
        html=True,
    )
    assertContains(
        response,
        '<a href="/cell-sources/autologous-peripheral-blood/">Patient&#x27;s own blood cells</a>',
        html=True,
    )
    assertContains(response, "Acme Cells")


def test_each_indication_shows_every_agencys_latest_decision(client, product):
    ec = make_agency(slug="ec", short_name="EC/EMA", name="European Commission")
    indication = product.indications.get()
    make_event(product, [indication], agency=ec, event_type="conditional-approval")
    response = client.get("/products/tisagenlecleucel/")
    decisions = (
        response.content.decode().split('<ul class="decisions"')[1].split("</ul>")[0]
    )
    assert "EC/EMA" in decisions and "FDA" in decisions
    assert "Conditional approval" in decisions and "Accelerated approval" in decisions


def test_it_shows_dated_changes_of_licence_holder(client, product):
    buyer = make_company(slug="buyer-co", name="Buyer Co")
    HolderChange.objects.create(
        product=product,
        from_company=product.sponsor,
        to_company=buyer,
        date=datetime.date(2025, 8, 1),
        date_precision="month",
        source_url="https://example.org/sale",
        position=0,
    )
    response = client.get("/products/tisagenlecleucel/")
    assertContains(
        response,
        '<time datetime="2025-08">August 2025</time>: from Acme Cells to Buyer Co',
    )


def test_it_flags_unverified_facts(client, product):
    make_event(
        product,
        event_type="filing-accepted",
        unverified=True,
        note="Date from one news report.",
    )
    response = client.get("/products/tisagenlecleucel/")
    assertContains(response, 'title="Date from one news report."')
    assertContains(response, "could not be confirmed from a primary source")


def test_an_unknown_product_is_a_404(client):
    assert client.get("/products/no-such-product/").status_code == 404


@pytest.mark.parametrize("events", [1, 40])
def test_its_query_count_is_fixed(client, django_assert_max_num_queries, events):
    (product,) = make_many_products(make_disease(), 1)
    for number in range(events):
        indication = make_indication(
            product, make_disease(slug=f"d-{number}", name=f"D {number}")
        )
        make_event(product, [indication], event_type="label-expansion")
        ProductAlias.objects.create(
            product=product, name=f"ALIAS-{number}", kind="code"
        )
    with django_assert_max_num_queries(11):
        assert client.get(product.get_absolute_url()).status_code == 200
