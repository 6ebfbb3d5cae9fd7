import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.conftest import make_disease, make_many_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    return make_many_products(make_disease(), 5)


def slugs(count):
    return ",".join(f"product-{n:03d}" for n in range(count))


def test_no_products_asks_for_a_choice(client, products):
    response = client.get("/compare/")
    assertContains(response, "Choose two to four products to see them side by side.")
    assertContains(response, 'type="checkbox" name="products" value="product-000"')


def test_one_product_asks_for_another(client, products):
    response = client.get("/compare/?products=product-000")
    assertContains(response, "Choose two to four products")
    assertContains(response, 'value="product-000" checked')
    assertNotContains(response, '<table class="compare">')


def test_four_products_side_by_side(client, products):
    response = client.get(f"/compare/?products={slugs(4)}")
    assertContains(response, '<table class="compare">')
    for number in range(4):
        assertContains(
            response,
            f'<a href="/products/product-{number:03d}/">Product {number:03d}</a>',
            html=True,
        )
    # One row per disease: each product's indication and its status there.
    assertContains(
        response,
        '<th scope="row"><a href="/diseases/follicular-lymphoma/">'
        "Follicular lymphoma</a></th>",
        html=True,
    )
    assertContains(response, "For Follicular lymphoma: Adults", count=4)
    assertContains(response, "United States (EC/EMA)", count=4)
    assertContains(response, "CAR-T cells", count=4)


def test_five_products_show_the_first_four_with_a_message(client, products):
    response = client.get(f"/compare/?products={slugs(5)}")
    assertContains(response, "Up to 4 products can be compared; showing the first 4.")
    assertNotContains(response, '<a href="/products/product-004/">')


def test_repeated_parameters_from_the_picker_form_work_too(client, products):
    response = client.get("/compare/?products=product-000&products=product-001")
    assertContains(response, '<table class="compare">')


@pytest.mark.parametrize(
    "value",
    ["nope", "<script>", "a" * 500, "product-000,,,", "%00", "product-000,product-000"],
)
def test_unknown_or_junk_values_get_a_message_never_an_error(client, products, value):
    response = client.get("/compare/", {"products": value})
    assert response.status_code == 200
    assertNotContains(response, "<script>")


def test_an_unknown_product_is_named_in_a_message(client, products):
    response = client.get("/compare/?products=product-000,nope,product-001")
    assertContains(response, "“nope” is not a product in the catalog.")
    assertContains(response, '<table class="compare">')


@pytest.mark.parametrize("count", [2, 4])
def test_its_query_count_is_fixed(
    client, django_assert_max_num_queries, products, count
):
    with django_assert_max_num_queries(14):
        assert client.get(f"/compare/?products={slugs(count)}").status_code == 200
