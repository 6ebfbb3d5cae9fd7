"""Shortcuts taken for speed give the same answers as the general paths.

The API's product JSON is built directly from ProductQuerySet.for_api(), and
must equal DRF's own walk over the declared serializer fields (the schema's
source) on the product page's rows (for_detail), on the real data. The
unfiltered list counts product fields from one grouped query.
"""

import json

import pytest
from django.test import RequestFactory

from catalog.models import Product
from catalog.serializers import ProductSerializer

pytestmark = pytest.mark.django_db


def test_every_product_is_the_json_its_serializer_declares(seeded):
    request = RequestFactory().get("/api/v1/products/")
    serializer = ProductSerializer(context={"request": request})
    products = list(Product.objects.for_api())
    reference = {product.slug: product for product in Product.objects.for_detail()}
    assert len(products) == len(reference) > 20
    for product in products:
        built = serializer.to_representation(product)
        declared = serializer.generic_representation(reference[product.slug])
        # Dumped, so that key order and types count as well as values.
        assert json.dumps(built) == json.dumps(declared), product.slug


def test_the_api_list_costs_a_fixed_number_of_queries(
    client, seeded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = client.get("/api/v1/products/?page_size=50")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


def test_unfiltered_facet_counts_are_the_catalogs_counts(client, seeded):
    facets = {facet.name: facet for facet in client.get("/products/").context["facets"]}
    for name, field in (
        ("modality", "modality"),
        ("tissue", "cell_source__tissue"),
        ("target", "target__slug"),
        ("sponsor", "sponsor__slug"),
    ):
        assert facets[name].options, name
        for option in facets[name].options:
            expected = Product.objects.filter(**{field: option.value}).count()
            assert option.count == expected, (name, option.value)


def test_area_counts_are_products_with_a_status_in_the_area(client, seeded):
    facets = {facet.name: facet for facet in client.get("/products/").context["facets"]}
    assert facets["area"].options
    for option in facets["area"].options:
        expected = (
            Product.objects.filter(
                statuses__indication__diseases__therapeutic_area=option.value
            )
            .distinct()
            .count()
        )
        assert option.count == expected, option.value
