"""schema.org JSON-LD on disease pages and the downloads page."""

import datetime
import json
import re

import pytest

from catalog.models import DatasetVersion, DiseaseSynonym
from tests.conftest import make_disease, make_many_products

pytestmark = pytest.mark.django_db


def json_ld(response):
    """Every JSON-LD block of a page, parsed."""
    assert response.status_code == 200
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )
    return [json.loads(block) for block in blocks]


def test_a_disease_page_describes_a_medical_condition(client):
    disease = make_disease(
        slug="acute-lymphoblastic-leukemia",
        name="Acute lymphoblastic leukaemia",
        icd10_code="C91.0, C91.1",
        mondo_id="MONDO:0004967",
    )
    DiseaseSynonym.objects.create(disease=disease, term="ALL", kind="abbreviation")
    [data] = json_ld(client.get("/diseases/acute-lymphoblastic-leukemia/"))
    assert data["@type"] == "MedicalCondition"
    assert data["name"] == "Acute lymphoblastic leukaemia"
    assert data["alternateName"] == ["ALL"]
    assert data["url"] == "http://testserver/diseases/acute-lymphoblastic-leukemia/"
    assert [(c["codingSystem"], c["codeValue"]) for c in data["code"]] == [
        ("ICD-10", "C91.0"),
        ("ICD-10", "C91.1"),
        ("MONDO", "MONDO:0004967"),
    ]


def test_a_disease_name_cannot_close_the_data_block(client):
    make_disease(name="Lymphoma </script><script>alert(1)</script>")
    response = client.get("/diseases/follicular-lymphoma/")
    assert b"<script>alert(1)" not in response.content
    [data] = json_ld(response)
    assert data["name"] == "Lymphoma </script><script>alert(1)</script>"
    assert "code" not in data


def test_the_downloads_page_describes_the_dataset(client):
    make_many_products(make_disease(), 2)
    DatasetVersion.objects.create(
        digest="d" * 64,
        seeded_at=datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC),
        product_count=2,
        event_count=4,
    )
    [data] = json_ld(client.get("/downloads/"))
    assert data["@type"] == "Dataset"
    assert data["name"].startswith("CellTx: authorised cell therapy products")
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["dateModified"] == "2026-12-03T09:00:00+00:00"
    files = {d["contentUrl"]: d["encodingFormat"] for d in data["distribution"]}
    base = "http://testserver/downloads/"
    assert files[f"{base}celltx-products.json"] == "application/json"
    assert files[f"{base}celltx-diseases.csv"] == "text/csv"
    assert files[f"{base}datapackage.json"] == "application/json"
    for url in files:
        assert client.get(url).status_code == 200, url


def test_before_any_load_the_dataset_has_no_modification_date(client):
    [data] = json_ld(client.get("/downloads/"))
    assert data["@type"] == "Dataset"
    assert "dateModified" not in data


@pytest.mark.parametrize("count", [1, 25])
def test_the_data_costs_no_extra_query(client, django_assert_max_num_queries, count):
    disease = make_disease()
    for number in range(count):
        DiseaseSynonym.objects.create(
            disease=disease, term=f"Synonym {number}", kind="synonym"
        )
    make_many_products(disease, count)
    with django_assert_max_num_queries(12):
        assert (
            len(
                json_ld(client.get("/diseases/follicular-lymphoma/"))[0][
                    "alternateName"
                ]
            )
            == count
        )
    with django_assert_max_num_queries(2):
        assert json_ld(client.get("/downloads/"))[0]["@type"] == "Dataset"
