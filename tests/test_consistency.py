"""One truth on every page, over the real data.

For every disease D and regulator A, the products authorised for D (or a
narrower disease) at A must be the same set on the disease page, on the product
list filtered by disease, regulator and status, in the authorisations API, in
the authorisations CSV, and in the products' own matrices. Each source is read
as a visitor or a client reads it: rendered pages and returned files.
"""

import csv
import io
import re
from collections import defaultdict

import pytest

from catalog.choices import AUTHORISED_STATUSES
from catalog.models import Agency, Disease, DiseaseLineage, IndicationStatus, Product
from catalog.templatetags.celltx import regulator

pytestmark = pytest.mark.django_db

AUTHORISED = {status.value for status in AUTHORISED_STATUSES}
STATUS_BADGE = re.compile(
    r'<span class="badge badge--([a-z-]+)">[^<]*</span>\s*'
    r'<abbr class="regulator" title="[^"]*">([^<]*)</abbr>'
)
PRODUCT_LINK = re.compile(r'href="/products/([-a-z0-9]+)/"')


@pytest.fixture
def truth(seeded):
    """What the pages must agree on, and the lookups to read them with."""
    agency_of = {regulator(a): a.slug for a in Agency.objects.all()}
    ancestors = defaultdict(set)
    for ancestor, descendant in DiseaseLineage.objects.values_list(
        "ancestor__slug", "descendant__slug"
    ):
        ancestors[descendant].add(ancestor)
    return agency_of, ancestors


def _expand(pairs, ancestors):
    """{(disease, agency): products} from (product, disease, agency) triples,
    each disease counting for itself and every broader disease."""
    found = defaultdict(set)
    for product, disease, agency in pairs:
        for broader in ancestors[disease]:
            found[broader, agency].add(product)
    return found


def _from_csv(client, ancestors):
    content = client.get("/downloads/celltx-authorisations.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    pairs = [
        (row["product"], disease, row["agency"])
        for row in rows
        if row["status"] in AUTHORISED
        for disease in row["diseases"].split("; ")
    ]
    return _expand(pairs, ancestors)


def _from_api(client, ancestors):
    pairs, url = [], "/api/v1/authorisations/?status=authorised&page_size=200"
    while url:
        data = client.get(url).json()
        pairs += [
            (row["product"], disease, row["agency"])
            for row in data["results"]
            for disease in row["diseases"]
        ]
        url = data["next"]
    return _expand(pairs, ancestors)


def _from_matrices(client, agency_of, ancestors):
    pairs = []
    for slug in Product.objects.values_list("slug", flat=True):
        page = client.get(f"/products/{slug}/").content.decode()
        diseases = {
            key: re.findall(r'href="/diseases/([-a-z0-9]+)/"', item)
            for key, item in re.findall(
                r'<li id="indication-([-a-z0-9]+)">(.*?)</li>', page, re.S
            )
        }
        table = page.split('<table class="matrix">')[1].split("</table>")[0]
        head, body = table.split("</thead>")
        agencies = [agency_of[name] for name in re.findall(r">([^<>]+)</abbr>", head)]
        for row in body.split("<tr>")[1:]:
            key = re.search(r'href="#indication-([-a-z0-9]+)"', row)[1]
            cells = row.split("<td>")[1:]
            for agency, cell in zip(agencies, cells, strict=True):
                badge = re.search(r'class="badge badge--([a-z-]+)"', cell)
                if badge and badge[1] in AUTHORISED:
                    pairs += [(slug, d, agency) for d in diseases[key]]
    return _expand(pairs, ancestors)


def _from_disease_pages(client, agency_of):
    found = defaultdict(set)
    for disease in Disease.objects.values_list("slug", flat=True):
        page = client.get(f"/diseases/{disease}/").content.decode()
        for card in page.split('<article class="card product-card">')[1:]:
            product = PRODUCT_LINK.search(card)[1]
            for status, name in STATUS_BADGE.findall(card):
                if status in AUTHORISED:
                    found[disease, agency_of[name]].add(product)
    return found


def _from_product_list(client, disease, agency):
    found, page = set(), 1
    while True:
        response = client.get(
            "/products/",
            {
                "disease": disease,
                "agency": agency,
                "status": "authorised",
                "page": page,
            },
        )
        found |= {product.slug for product in response.context["object_list"]}
        if not response.context["page_obj"].has_next():
            return found
        page += 1


def test_every_source_lists_the_same_authorised_products(client, truth):
    agency_of, ancestors = truth
    csv_sets = _from_csv(client, ancestors)
    api_sets = _from_api(client, ancestors)
    matrix_sets = _from_matrices(client, agency_of, ancestors)
    disease_sets = _from_disease_pages(client, agency_of)
    keys = set(csv_sets) | set(api_sets) | set(matrix_sets) | set(disease_sets)
    assert keys, "the real data has authorised products"
    for key in sorted(keys):
        assert api_sets[key] == csv_sets[key], key
        assert matrix_sets[key] == csv_sets[key], key
        assert disease_sets[key] == csv_sets[key], key


def test_the_product_list_filters_one_indication_at_a_time(client, truth):
    """Checked for every disease and regulator with any decision in its subtree
    (authorising or not), so a regulator that decided a product's other
    indications cannot leak in."""
    agency_of, ancestors = truth
    expected = _from_csv(client, ancestors)
    decided = _expand(
        IndicationStatus.objects.values_list(
            "product__slug", "indication__diseases__slug", "agency__slug"
        ),
        ancestors,
    )
    assert decided
    for disease, agency in sorted(decided):
        listed = _from_product_list(client, disease, agency)
        assert listed == expected[disease, agency], (disease, agency)
