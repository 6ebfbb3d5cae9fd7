import pytest
from pytest_django.asserts import assertContains, assertNotContains

from catalog.models import Target
from tests.conftest import (
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    return make_many_products(make_disease(), 5)


def slugs(count):
    return ",".join(f"product-{n:03d}" for n in range(count))


def test_no_products_asks_for_a_choice(client, products):
    response = client.get("/compare/")
    assertContains(response, "Choose two to four products to see them side by side.")
    # Picked by typing, with the catalog's names offered; no checkbox wall.
    assertContains(response, '<input type="text" id="compare-add" name="add"')
    assertContains(
        response, '<option value="Product 000 (product-000)"></option>', html=True
    )
    assertNotContains(response, 'type="checkbox"')


def test_one_product_asks_for_another(client, products):
    response = client.get("/compare/?products=product-000")
    assertContains(response, "Choose two to four products")
    assertContains(
        response, '<input type="hidden" name="products" value="product-000">'
    )
    assertNotContains(response, '<table class="compare">')


@pytest.mark.parametrize("typed", ["Product 001", "product 001", "  PRODUCT   001 "])
def test_a_typed_name_adds_its_product(client, products, typed):
    response = client.get("/compare/", {"products": "product-000", "add": typed})
    assertContains(response, '<table class="compare">')
    assertContains(
        response, '<a href="/products/product-001/">Product 001</a>', html=True
    )


def test_a_typed_alias_adds_its_product(client, products):
    products[2].aliases.create(name="PX-2", kind="code")
    response = client.get("/compare/", {"products": "product-000", "add": "px-2"})
    assertContains(
        response, '<a href="/products/product-002/">Product 002</a>', html=True
    )


def test_a_typed_name_that_matches_nothing_says_so(client, products):
    response = client.get("/compare/", {"products": "product-000", "add": "Nonesuch"})
    assertContains(response, "No product is called “Nonesuch”.")
    assertContains(
        response, '<input type="hidden" name="products" value="product-000">'
    )


def test_each_chosen_product_has_a_link_that_removes_it(client, products):
    response = client.get(f"/compare/?products={slugs(3)}")
    assertContains(
        response,
        '<a href="/compare/?products=product-001%2Cproduct-002">'
        'Remove<span class="visually-hidden"> Product 000</span></a>',
        html=True,
    )


def test_products_sharing_a_target_are_offered_as_a_comparison(client, products):
    target = Target.objects.create(slug="cd19", name="CD19")
    for product in products[:3]:
        product.target = target
        product.save()
    response = client.get("/compare/")
    assertContains(
        response,
        '<a href="/compare/?products=product-000%2Cproduct-001%2Cproduct-002">'
        f"{target.name} CAR-T cells: Product 000, Product 001, Product 002</a>",
        html=True,
    )


def test_the_add_field_goes_once_four_are_chosen(client, products):
    response = client.get(f"/compare/?products={slugs(4)}")
    assertNotContains(response, 'id="compare-add"')


def test_four_products_side_by_side(client, products):
    response = client.get(f"/compare/?products={slugs(4)}")
    assertContains(response, '<table class="compare">')
    for number in range(4):
        assertContains(
            response,
            f'<a href="/products/product-{number:03d}/">Product {number:03d}</a>',
            html=True,
        )
    # One row per disease: each product's indication and its status there
    # (the fixture's indications name one disease each, so no rows merge).
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
    with django_assert_max_num_queries(17):
        assert client.get(f"/compare/?products={slugs(count)}").status_code == 200


def test_diseases_sharing_every_cell_share_one_row(client, products):
    """An umbrella label names narrower diseases too; their rows would repeat
    the same cells, so they merge under the first, the others named after it."""
    narrower = make_disease(slug="transformed-fl", name="Transformed FL")
    umbrella = make_product(slug="umbrella", brand_name="Umbrella")
    indication = make_indication(
        umbrella, make_disease(slug="lbcl", name="LBCL"), narrower
    )
    make_event(umbrella, [indication])
    response = client.get("/compare/?products=product-000,umbrella")
    assertContains(
        response,
        '<th scope="row"><a href="/diseases/lbcl/">LBCL</a><span class="muted"> (also </span>'
        '<a href="/diseases/transformed-fl/">Transformed FL</a><span class="muted">)</span></th>',
        html=True,
    )
    assertContains(response, '<a href="/diseases/transformed-fl/">', count=1)
