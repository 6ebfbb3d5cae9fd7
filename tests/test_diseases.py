import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import DiseaseSynonym
from tests.conftest import make_disease, make_many_products

pytestmark = pytest.mark.django_db


def test_a_broad_disease_lists_products_for_narrower_ones(client, lymphoma_tree):
    lymphoma, _, follicular = lymphoma_tree
    make_many_products(follicular, 1)
    response = client.get("/diseases/lymphoma/")
    assertContains(response, "Product 000")
    assertContains(
        response,
        '<p class="indication-statuses__wording">For Follicular lymphoma: Adults</p>',
        html=True,
    )


def test_a_narrow_disease_does_not_list_products_for_broader_ones(
    client, lymphoma_tree
):
    lymphoma, nhl, follicular = lymphoma_tree
    make_many_products(nhl, 1)
    response = client.get("/diseases/follicular-lymphoma/")
    assertNotContains(response, "Product 000")
    assertContains(
        response,
        "No cell therapy in the catalog has been authorised or filed for this disease.",
    )


def test_it_shows_synonyms_and_the_hierarchy(client, lymphoma_tree):
    DiseaseSynonym.objects.create(
        disease=lymphoma_tree[1], term="NHL", kind="abbreviation"
    )
    response = client.get("/diseases/non-hodgkin-lymphoma/")
    assertContains(response, "<li>NHL</li>", html=True)
    assertContains(
        response, '<li><a href="/diseases/lymphoma/">Lymphoma</a></li>', html=True
    )
    assertContains(
        response,
        '<li><a href="/diseases/follicular-lymphoma/">Follicular lymphoma</a></li>',
        html=True,
    )


def test_the_list_nests_diseases_under_their_area_with_counts(client, lymphoma_tree):
    make_many_products(lymphoma_tree[2], 2)
    response = client.get("/diseases/")
    assertContains(response, '<h2 id="area-cancer">Cancer</h2>', html=True)
    assertContains(
        response,
        '<a href="/diseases/lymphoma/">Lymphoma</a> <span class="muted">2 products</span>',
    )


def test_an_unknown_disease_is_a_404(client):
    assert client.get("/diseases/no-such-disease/").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_query_counts_are_fixed(
    client, django_assert_max_num_queries, lymphoma_tree, count
):
    make_many_products(lymphoma_tree[2], count)
    for number in range(count):
        make_disease(
            slug=f"extra-{number}", name=f"Extra {number}", parents=[lymphoma_tree[0]]
        )
    with django_assert_max_num_queries(5):
        assert client.get("/diseases/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/diseases/lymphoma/").status_code == 200
