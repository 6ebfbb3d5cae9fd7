import csv
import datetime
import io
import json

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from catalog.exports import EXPORT_COLUMNS, TABLES
from catalog.models import DatasetVersion, Product
from tests.conftest import (
    make_agency,
    make_cell_source,
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

pytestmark = pytest.mark.django_db

DIGEST = "3f2a9c1be4d5" + "0" * 52
TABLE_NAMES = ["products", "indications", "authorisations", "events", "diseases"]
# The dataset version, then the records and their prefetched relations.
DOWNLOAD_QUERIES = {
    "products": 6,
    "indications": 4,
    "authorisations": 3,
    "events": 7,
    "diseases": 4,
}


def make_version(**fields):
    fields.setdefault("digest", DIGEST)
    fields.setdefault("seeded_at", timezone.now())
    fields.setdefault("product_count", Product.objects.count())
    fields.setdefault("event_count", 0)
    return DatasetVersion.objects.create(**fields)


def rows(response):
    text = response.content.decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def two_products(lymphoma_tree):
    """An approved CAR-T for follicular lymphoma and an MSC under review."""
    follicular = lymphoma_tree[2]
    gvhd = make_disease(
        slug="gvhd", name="Graft-versus-host disease", therapeutic_area="other"
    )
    fda = make_agency()
    ec = make_agency(slug="ec", short_name="EC/EMA", name="European Commission")
    car_t = make_product(slug="alphacel", brand_name="Alphacel")
    indication = make_indication(car_t, follicular)
    make_event(car_t, [indication], agency=fda, date=datetime.date(2017, 8, 30))
    make_event(
        car_t,
        [indication],
        agency=ec,
        date=datetime.date(2018, 8, 1),
        date_precision="month",
    )
    msc = make_product(
        slug="betacel",
        brand_name="Betacel",
        modality="msc",
        gene_modification="none",
        cell_source=make_cell_source(
            slug="donor-marrow",
            name="Donor marrow",
            donor_relation="allogeneic",
            tissue="bone-marrow",
        ),
    )
    make_event(
        msc,
        [make_indication(msc, gvhd)],
        agency=fda,
        event_type="filing-accepted",
        date=datetime.date(2025, 1, 1),
        date_precision="year",
        unverified=True,
        note="Reported by the sponsor only.",
    )
    make_version(event_count=3)


# --- the filtered export ----------------------------------------------------------


def test_the_export_has_one_row_per_product_in_words(client, two_products):
    response = client.get("/products/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    exported = rows(response)
    assert list(exported[0]) == EXPORT_COLUMNS
    assert exported[0] == {
        "slug": "alphacel",
        "brand_name": "Alphacel",
        "inn": "alphacel",
        "modality": "CAR-T cells",
        "donor": "Autologous (the patient's own cells)",
        "tissue": "Peripheral blood",
        "target": "",
        "sponsor": "Acme Cells",
        "diseases": "Follicular lymphoma",
        "agency_statuses": "FDA: Approved since 2017-08-30; "
        "EC/EMA: Approved since 2018-08",
        "first_approval": "2017-08-30",
        "url": "http://testserver/products/alphacel/",
    }
    assert exported[1]["agency_statuses"] == "FDA: Under review since 2025"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("modality=msc", ["betacel"]),
        ("donor=autologous", ["alphacel"]),
        ("disease=lymphoma", ["alphacel"]),
        ("agency=ec", ["alphacel"]),
        ("status=under-review", ["betacel"]),
        ("sort=recent", ["betacel", "alphacel"]),
    ],
)
def test_the_export_keeps_the_lists_filters_and_order(
    client, two_products, query, expected
):
    page = client.get(f"/products/?{query}")
    exported = [
        row["slug"] for row in rows(client.get(f"/products/export.csv?{query}"))
    ]
    assert exported == expected
    assert exported == [product.slug for product in page.context["object_list"]]


def test_the_export_ignores_empty_values_and_the_page_number(client, two_products):
    query = "q=&approved_from=&approved_to=&sort=&page=2"
    exported = [
        row["slug"] for row in rows(client.get(f"/products/export.csv?{query}"))
    ]
    assert exported == ["alphacel", "betacel"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("modality=car-z", "“car-z” is not a known kind of therapy"),
        ("disease=no-such-disease", "“no-such-disease” is not a known disease"),
        ("sort=sideways", "“sideways” is not a way to sort"),
        ("q=%00", "Null characters are not allowed"),
    ],
)
def test_junk_filters_in_the_export_are_a_400_naming_them(
    client, two_products, query, message
):
    response = client.get(f"/products/export.csv?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_the_product_list_links_to_the_export_of_what_it_shows(client, two_products):
    response = client.get("/products/?modality=msc&modality=junk&page=1")
    assertContains(
        response,
        '<a href="/products/export.csv?modality=msc" download>'
        "Download this list as CSV</a>",
        html=True,
    )


@pytest.mark.parametrize("count", [1, 30])
def test_the_export_costs_the_same_queries_however_long(
    client, lymphoma_tree, django_assert_max_num_queries, count
):
    make_many_products(lymphoma_tree[2], count)
    # Five lookups of valid filter values (the disease filter walks the
    # hierarchy), then the products and their six prefetched relations.
    with django_assert_max_num_queries(12):
        response = client.get("/products/export.csv?disease=lymphoma&agency=fda")
    assert len(rows(response)) == count


# --- the dataset downloads ------------------------------------------------------


def test_the_downloads_page_lists_every_file_and_its_columns(client, two_products):
    response = client.get("/downloads/")
    assert response.status_code == 200
    assertContains(response, DIGEST)
    assertContains(response, 'href="/downloads/celltx-products.json"')
    for table in TABLES.values():
        assertContains(response, f'href="/downloads/{table.filename}"')
        assertContains(
            response, f"<caption>{table.title}: columns of {table.filename}</caption>"
        )
        for column in table.fieldnames:
            assertContains(
                response, f'<th scope="row"><code>{column}</code></th>', html=True
            )


def test_the_downloads_page_says_when_no_dataset_is_loaded(client, db):
    assertContains(client.get("/downloads/"), "No dataset has been loaded yet")


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_every_csv_carries_the_dataset_version_and_generation_time(
    client, two_products, table
):
    response = client.get(f"/downloads/celltx-{table}.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="celltx-{table}-{DIGEST[:12]}.csv"'
    )
    assert response["Cache-Control"] == "public, max-age=300"
    table_rows = rows(response)
    assert table_rows
    assert list(table_rows[0]) == TABLES[table].fieldnames
    for row in table_rows:
        assert row["dataset_version"] == DIGEST
        assert datetime.datetime.fromisoformat(row["generated_at"]).tzinfo


def test_the_events_file_has_one_row_per_decision_dated_at_its_precision(
    client, two_products
):
    events = rows(client.get("/downloads/celltx-events.csv"))
    assert [(e["product"], e["agency"], e["date"]) for e in events] == [
        ("alphacel", "fda", "2017-08-30"),
        ("alphacel", "ec", "2018-08"),
        ("betacel", "fda", "2025"),
    ]
    assert events[2]["event_type"] == "filing-accepted"
    assert events[2]["indications"] == "gvhd"
    assert events[2]["source_kind"] == "regulator"
    assert events[2]["unverified"] == "true"
    assert events[2]["note"] == "Reported by the sponsor only."


def test_the_products_file_uses_codes_and_slugs(client, two_products):
    products = rows(client.get("/downloads/celltx-products.csv"))
    assert products[1]["modality"] == "msc"
    assert products[1]["donor_relation"] == "allogeneic"
    assert products[1]["cell_source"] == "donor-marrow"
    assert (
        products[0]["statuses"] == "fda: approved (2017-08-30); ec: approved (2018-08)"
    )
    assert products[0]["url"] == "http://testserver/products/alphacel/"


def test_the_indications_and_diseases_files_cover_every_row(client, two_products):
    indications = rows(client.get("/downloads/celltx-indications.csv"))
    diseases = rows(client.get("/downloads/celltx-diseases.csv"))
    assert [(i["product"], i["diseases"]) for i in indications] == [
        ("alphacel", "follicular-lymphoma"),
        ("betacel", "gvhd"),
    ]
    assert [d["slug"] for d in diseases] == [
        "follicular-lymphoma",
        "gvhd",
        "lymphoma",
        "non-hodgkin-lymphoma",
    ]
    assert diseases[0]["parents"] == "non-hodgkin-lymphoma"


def test_the_authorisations_file_is_the_open_table(client, two_products):
    table = rows(client.get("/downloads/celltx-authorisations.csv"))
    assert [
        (row["product"], row["agency"], row["status"], row["status_since"])
        for row in table
    ] == [
        ("alphacel", "ec", "approved", "2018-08"),
        ("alphacel", "fda", "approved", "2017-08-30"),
        ("betacel", "fda", "under-review", "2025"),
    ]
    assert table[0]["diseases"] == "follicular-lymphoma"
    api = client.get("/api/v1/authorisations/?product=alphacel&agency=ec").json()
    assert api["results"][0]["status_since"] == table[0]["status_since"]


def test_the_json_file_holds_every_product_as_the_api_returns_it(client, two_products):
    response = client.get("/downloads/celltx-products.json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="celltx-products-{DIGEST[:12]}.json"'
    )
    data = json.loads(response.content)
    assert data["dataset"]["version"] == DIGEST
    assert data["dataset"]["documentation"] == "http://testserver/downloads/"
    assert datetime.datetime.fromisoformat(data["dataset"]["generated_at"])
    api = client.get("/api/v1/products/betacel/").json()
    assert [p["slug"] for p in data["products"]] == ["alphacel", "betacel"]
    assert data["products"][1] == api
    table = client.get("/api/v1/authorisations/?page_size=200").json()["results"]
    assert data["authorisations"] == table


def test_downloads_without_a_dataset_version_are_still_files(client, db):
    make_product()
    response = client.get("/downloads/celltx-products.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="celltx-products.csv"'
    )
    assert rows(response)[0]["dataset_version"] == ""
    data = json.loads(client.get("/downloads/celltx-products.json").content)
    assert data["dataset"]["version"] is None


@pytest.mark.parametrize(
    "url",
    [
        "/downloads/celltx-secrets.csv",
        "/downloads/celltx-products.xlsx",
        "/downloads/celltx-../settings.csv",
        "/downloads/celltx-products.csv/",
    ],
)
def test_an_unknown_download_is_a_404(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("table", TABLE_NAMES)
@pytest.mark.parametrize("count", [1, 20])
def test_each_download_costs_the_same_queries_however_big(
    client, lymphoma_tree, django_assert_max_num_queries, table, count
):
    make_many_products(lymphoma_tree[2], count)
    make_version()
    with django_assert_max_num_queries(DOWNLOAD_QUERIES[table]):
        response = client.get(f"/downloads/celltx-{table}.csv")
    assert response.status_code == 200


def test_every_download_is_made_from_the_real_data(client, seeded):
    products = Product.objects.count()
    for table in TABLE_NAMES:
        response = client.get(f"/downloads/celltx-{table}.csv")
        assert response.status_code == 200, table
    data = json.loads(client.get("/downloads/celltx-products.json").content)
    assert len(data["products"]) == products
    exported = rows(client.get("/products/export.csv"))
    assert len(exported) == products
