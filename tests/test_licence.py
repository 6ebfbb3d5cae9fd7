import csv
import datetime
import io

import pytest
from pytest_django.asserts import assertContains

from catalog.models import DatasetVersion
from tests.conftest import make_disease, make_many_products

pytestmark = pytest.mark.django_db

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
def version():
    make_many_products(make_disease(), 2)
    return DatasetVersion.objects.create(
        digest="c" * 64,
        seeded_at=datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC),
        product_count=2,
        event_count=4,
    )


CITATION = (
    "CellTx. CellTx: authorised cell therapy products and their regulatory "
    "decisions, dataset version cccccccccccc (loaded 3 December 2026). "
    "http://testserver/downloads/. Licensed under CC BY 4.0."
)


@pytest.mark.parametrize("url", ["/downloads/", "/api/", "/about/data/"])
def test_the_pages_state_the_licence_and_the_citation(client, version, url):
    response = client.get(url)
    assertContains(response, f'rel="license" href="{LICENCE_URL}"')
    assertContains(response, "The code that runs this site is under the MIT licence.")
    assertContains(response, f"<cite>{CITATION}</cite>", html=True)


def test_the_json_download_carries_licence_and_citation(client, version):
    data = client.get("/downloads/celltx-products.json").json()
    assert data["licence"] == {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "path": LICENCE_URL,
        "legal_code": LICENCE_URL + "legalcode",
    }
    assert data["citation"] == CITATION


@pytest.mark.parametrize(
    "url", ["/downloads/celltx-products.csv", "/products/export.csv"]
)
def test_a_csv_names_its_licence_in_a_link_header_and_keeps_its_header_row(
    client, version, url
):
    response = client.get(url)
    assert response["Link"] == (
        f'<{LICENCE_URL}>; rel="license", '
        '</downloads/datapackage.json>; rel="describedby"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "slug"
    assert len(rows) == 3


def test_the_data_package_describes_every_file_with_licence_and_version(
    client, version
):
    response = client.get("/downloads/datapackage.json")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "c" * 64
    assert data["licenses"][0]["path"] == LICENCE_URL
    assert data["citation"] == CITATION
    resources = {resource["name"]: resource for resource in data["resources"]}
    products = resources["celltx-products"]
    assert products["path"] == "http://testserver/downloads/celltx-products.csv"
    fields = [field["name"] for field in products["schema"]["fields"]]
    header = client.get(products["path"]).content.decode().splitlines()[0]
    assert header.split(",") == fields
    assert "celltx-products-json" in resources


def test_the_data_package_answers_before_any_data_is_loaded(client, db):
    data = client.get("/downloads/datapackage.json").json()
    assert data["version"] is None
    assert "no dataset loaded yet" in data["citation"]
