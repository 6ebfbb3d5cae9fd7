"""One pass over every page with the real fixtures loaded."""

import pytest
from django.utils.html import escape

from catalog.models import CellSource, Disease, Mechanism, Product

pytestmark = pytest.mark.django_db


def test_every_page_renders_with_the_real_data(client, seeded):
    urls = [
        "/",
        "/products/",
        "/mechanisms/",
        "/diseases/",
        "/cell-sources/",
        "/search/?q=lymphoma",
    ]
    for model in (Product, Mechanism, Disease, CellSource):
        urls += [obj.get_absolute_url() for obj in model.objects.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_every_product_page_shows_its_sources(client, seeded):
    for product in Product.objects.prefetch_related("events"):
        content = client.get(product.get_absolute_url()).content.decode()
        for event in product.events.all():
            assert f'href="{escape(event.source_url)}"' in content, (
                product,
                event,
            )


def test_the_first_car_t_approval_is_on_record(client, seeded):
    response = client.get("/products/tisagenlecleucel/")
    assert (
        '<time datetime="2017-08-30">30 August 2017</time>' in response.content.decode()
    )
