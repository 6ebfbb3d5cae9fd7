import datetime

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import MechanismReference, Reference
from tests.conftest import make_disease, make_many_products, make_mechanism

pytestmark = pytest.mark.django_db


def test_the_list_shows_every_mechanism_with_its_product_count(client):
    make_many_products(make_disease(), 2)
    make_mechanism(slug="immunomodulation", name="Immunomodulation")
    response = client.get("/mechanisms/")
    assertContains(
        response,
        '<a href="/mechanisms/car-directed-cytotoxicity/">CAR-directed cytotoxicity</a>',
        html=True,
    )
    assertContains(response, '<p class="muted">2 products</p>', html=True)
    assertContains(response, '<p class="muted">0 products</p>', html=True)


def test_the_explainer_is_rendered_from_markdown_and_sanitized(client):
    make_mechanism(body="## How it works\n\nCells <script>alert(1)</script> **kill**.")
    response = client.get("/mechanisms/car-directed-cytotoxicity/")
    assertContains(response, "<h2>How it works</h2>", html=True)
    assertContains(response, "<strong>kill</strong>", html=True)
    assertNotContains(response, "<script>alert(1)</script>")


def test_references_are_listed_in_their_fixture_order(client):
    mechanism = make_mechanism()
    for position, title in enumerate(["Zeta review", "Alpha trial"]):
        reference = Reference.objects.create(
            url=f"https://doi.org/10.1/{position}", title=title
        )
        MechanismReference.objects.create(
            mechanism=mechanism, reference=reference, position=position
        )
    content = client.get(mechanism.get_absolute_url()).content.decode()
    assert content.index("Zeta review") < content.index("Alpha trial")


def test_it_lists_the_products_that_work_this_way(client):
    make_many_products(make_disease(), 2)
    assertContains(client.get("/mechanisms/car-directed-cytotoxicity/"), "Product 001")


def test_an_unknown_mechanism_is_a_404(client):
    assert client.get("/mechanisms/telepathy/").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_query_counts_are_fixed(client, django_assert_max_num_queries, count):
    make_many_products(make_disease(), count)
    with django_assert_max_num_queries(4):
        assert client.get("/mechanisms/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get("/mechanisms/car-directed-cytotoxicity/").status_code == 200


def test_a_mechanism_with_a_drawn_diagram_shows_it_with_a_text_alternative(client):
    make_mechanism()  # car-directed-cytotoxicity has a diagram
    response = client.get("/mechanisms/car-directed-cytotoxicity/")
    assertContains(response, 'role="img"')
    assertContains(response, '<desc id="car-directed-cytotoxicity-desc">')


def test_a_mechanism_without_a_diagram_still_renders(client):
    make_mechanism(slug="no-diagram-yet", name="No diagram yet")
    response = client.get("/mechanisms/no-diagram-yet/")
    assert response.status_code == 200
    assertNotContains(response, "<figure")


def test_the_explainer_shows_its_notes_and_when_it_was_last_reviewed(client):
    make_mechanism(
        last_reviewed=datetime.date(2026, 12, 3),
        body=(
            "Since April 2024 the US label carries a boxed warning.[^fda]\n\n"
            "[^fda]: [Boxed warning notice](https://www.fda.gov/boxed). "
            "FDA, April 2024. Read 2026-12-03.\n"
        ),
    )
    response = client.get("/mechanisms/car-directed-cytotoxicity/")
    assertContains(
        response,
        '<p class="muted">Last reviewed '
        '<time datetime="2026-12-03">3 December 2026</time></p>',
        html=True,
    )
    assertContains(
        response,
        '<a aria-label="Note 1" class="footnote-ref" role="doc-noteref"'
        ' href="#fn-car-directed-cytotoxicity-fda">1</a>',
        html=True,
    )
    assertContains(
        response,
        '<h2 id="car-directed-cytotoxicity-notes">Notes</h2>',
        html=True,
    )
    assertContains(
        response,
        '<a aria-label="Back to the text of note 1" class="footnote-backref"'
        ' role="doc-backlink" title="Back to the text of note 1"'
        ' href="#fnref-car-directed-cytotoxicity-fda">↩</a>',
        html=True,
    )
