import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import DiseaseSynonym, ProductAlias, Target
from tests.conftest import make_disease, make_many_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(lymphoma_tree):
    lymphoma, nhl, follicular = lymphoma_tree
    DiseaseSynonym.objects.create(disease=follicular, term="FL", kind="abbreviation")
    melanoma = make_disease(slug="melanoma", name="Melanoma", therapeutic_area="cancer")
    (fl_product,) = make_many_products(follicular, 1)
    fl_product.target = Target.objects.create(slug="cd19", name="CD19")
    fl_product.save()
    ProductAlias.objects.create(product=fl_product, name="CTL019", kind="code")
    return fl_product, melanoma


def test_a_broad_disease_finds_products_for_narrower_ones(client, catalog):
    response = client.get("/search/", {"q": "lymphoma"})
    assertContains(response, "Product 000")
    assertContains(response, '<a href="/diseases/lymphoma/">Lymphoma</a>', html=True)


@pytest.mark.parametrize(
    "query", ["FL", "fl", "follicular", "CTL019", "cd19", "Product 000"]
)
def test_synonyms_names_codes_and_targets_find_the_product(client, catalog, query):
    assertContains(client.get("/search/", {"q": query}), "Product 000")


def test_a_short_abbreviation_matches_whole_terms_only(client, catalog):
    # "fl" is inside "inflammation" and many words; only the whole term counts.
    make_disease(slug="inflammation", name="Inflammation", therapeutic_area="other")
    response = client.get("/search/", {"q": "fl"})
    assertNotContains(response, "Inflammation")


def test_a_disease_without_products_says_so(client, catalog):
    response = client.get("/search/", {"q": "melanoma"})
    assertContains(response, "0 products for “melanoma”")
    assertContains(response, "No product in the catalog matches this search.")


def test_an_empty_query_shows_examples(client):
    response = client.get("/search/")
    assertContains(response, '<a href="?q=lymphoma">lymphoma</a>', html=True)


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "lymph\x00oma",
        "%E0%A4%A",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "(.*+?[",
        "🧬🩸",
        "\u202e",
    ],
)
def test_hostile_queries_get_a_normal_page(client, catalog, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")


def test_a_broken_percent_escape_in_the_url_gets_a_normal_page(client, catalog):
    assert client.get("/search/?q=%E0%A4%A&q=%ZZ").status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_its_query_count_is_fixed(
    client, django_assert_max_num_queries, lymphoma_tree, count
):
    make_many_products(lymphoma_tree[2], count)
    with django_assert_max_num_queries(8):
        assert client.get("/search/", {"q": "lymphoma"}).status_code == 200
