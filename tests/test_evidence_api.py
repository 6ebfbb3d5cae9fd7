"""Evidence in the API (product detail, schema) and in celltx-evidence.csv."""

import csv
import io

import pytest

from catalog.models import PivotalTrial, TrialResult
from tests.conftest import make_disease, make_event, make_indication, make_product
from tests.test_evidence_pages import make_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    product = make_product()
    indication = make_indication(product, make_disease(), key="r-r-fl")
    make_event(product, [indication])
    return product


def detail(client, product):
    response = client.get(f"/api/v1/products/{product.slug}/")
    assert response.status_code == 200
    return response.json()


def test_the_product_detail_carries_evidence_safety_and_administration(client, product):
    make_evidence(product, product.indications.get())
    data = detail(client, product)
    (trial,) = data["pivotal_trials"]
    assert trial["registry_ids"] == ["NCT00000000"]
    assert trial["indications"] == ["r-r-fl"]
    rate = trial["results"][0]
    assert (rate["percent"], rate["n"], rate["ci_low"], rate["ci_high"]) == (
        39,
        101,
        30,
        49,
    )
    assert rate["reported_in"] == "fda"
    assert rate["summary"].startswith("About 4 in 10 people")
    assert rate["sources"][0]["url"] == "https://example.org/paper"
    (safety,) = data["label_safety"]
    assert [w["event"] for w in safety["boxed_warnings"]] == [
        "cytokine-release-syndrome"
    ]
    assert [w["event"] for w in safety["warnings"]] == ["prolonged-cytopenia"]
    assert safety["severe_rates"][0]["percent"] == 31
    (programme,) = data["risk_programmes"]
    assert (programme["started"], programme["ended"]) == ("2017-10", "2025-06")
    assert data["administration"]["manufacturing_days"] == 16
    assert data["evidence_last_verified"] == "2026-11-01"


def test_a_product_without_evidence_has_empty_evidence(client, product):
    data = detail(client, product)
    assert data["pivotal_trials"] == []
    assert data["administration"] is None
    assert data["evidence_last_verified"] is None


def test_the_list_stays_without_evidence(client, product):
    make_evidence(product, product.indications.get())
    (row,) = client.get("/api/v1/products/").json()["results"]
    assert "pivotal_trials" not in row


@pytest.mark.parametrize("trials", [1, 10])
def test_the_detail_query_count_is_fixed(
    client, product, trials, django_assert_max_num_queries
):
    make_evidence(product, product.indications.get(), trials=trials)
    with django_assert_max_num_queries(30):
        assert len(detail(client, product)["pivotal_trials"]) == trials


def test_the_schema_describes_the_evidence(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert "pivotal_trials" in components["ProductDetail"]["properties"]
    assert "summary" in components["TrialResult"]["properties"]
    retrieve = schema["paths"]["/api/v1/products/{slug}/"]["get"]
    ref = retrieve["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref["$ref"].endswith("/ProductDetail")


def read_csv(client):
    response = client.get("/downloads/celltx-evidence.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_evidence_csv_has_one_row_per_result(client, product):
    make_evidence(product, product.indications.get(), trials=2)
    rows = read_csv(client)
    assert len(rows) == 4
    rate, median = rows[0], rows[1]
    assert rate["product"] == product.slug
    assert rate["indications"] == "r-r-fl"
    assert rate["registry_ids"] == "NCT00000000"
    assert (rate["value_kind"], rate["value"], rate["n"]) == ("percent", "39", "101")
    assert (rate["ci_low"], rate["ci_high"], rate["ci_level"]) == ("30", "49", "95")
    assert rate["reported_in"] == "fda"
    assert rate["source_url"] == "https://example.org/paper"
    assert (median["value_kind"], median["value"]) == ("median_months", "11.1")


def test_the_evidence_csv_neutralises_formulas(client, product):
    make_evidence(product, product.indications.get())
    PivotalTrial.objects.update(name="=HYPERLINK(1)")
    assert read_csv(client)[0]["trial_name"] == "'=HYPERLINK(1)"


def test_the_evidence_csv_is_listed_with_the_other_downloads(client):
    page = client.get("/downloads/").content.decode()
    assert "celltx-evidence.csv" in page
    package = client.get("/downloads/datapackage.json").json()
    names = [resource["name"] for resource in package["resources"]]
    assert "celltx-evidence" in names


def test_the_json_download_carries_the_evidence_too(client, product):
    make_evidence(product, product.indications.get())
    data = client.get("/downloads/celltx-products.json").json()
    (row,) = data["products"]
    assert row["pivotal_trials"][0]["name"] == "TRIAL-0"
    assert row == detail(client, product)


def test_a_result_described_only_in_its_label_has_an_empty_value(client, product):
    make_evidence(product, product.indications.get())
    TrialResult.objects.filter(position=0).update(
        endpoint="other", label="A score rose by 6", percent=None, n=None
    )
    row = read_csv(client)[0]
    assert (row["endpoint_label"], row["value_kind"], row["value"]) == (
        "A score rose by 6",
        "",
        "",
    )
    assert client.get(product.get_absolute_url()).status_code == 200
