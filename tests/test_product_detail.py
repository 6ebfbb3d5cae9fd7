import datetime
import html
import os
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_django.asserts import assertContains

from catalog.models import (
    DatasetVersion,
    HolderChange,
    ProductAlias,
    ProductIdentifier,
)
from tests.conftest import (
    make_agency,
    make_company,
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_mechanism,
    make_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(lymphoma_tree):
    product = make_product(
        slug="tisagenlecleucel",
        brand_name="Kymriah",
        nonproprietary_name="tisagenlecleucel",
    )
    ProductAlias.objects.create(product=product, name="CTL019", kind="code")
    indication = make_indication(
        product,
        lymphoma_tree[2],
        population="Adults",
        line_of_therapy="After two or more lines of systemic therapy",
    )
    fda = make_agency()
    make_event(
        product,
        [indication],
        agency=fda,
        event_type="accelerated-approval",
        date=datetime.date(2022, 5, 27),
        source_url="https://www.fda.gov/kymriah-fl",
    )
    return product


def test_it_shows_indications_in_plain_words(client, product):
    response = client.get("/products/tisagenlecleucel/")
    assertContains(
        response,
        '<a href="/diseases/follicular-lymphoma/">Follicular lymphoma</a>',
        html=True,
    )
    assertContains(response, "Adults; After two or more lines of systemic therapy")


def test_it_shows_each_decision_with_its_date_and_source(client, product):
    response = client.get("/products/tisagenlecleucel/")
    assertContains(
        response, '<time datetime="2022-05-27">27 May 2022</time>', html=True
    )
    assertContains(
        response,
        '<strong><abbr title="U.S. Food and Drug Administration">United States (FDA)'
        "</abbr>: Accelerated approval</strong>",
        html=True,
    )
    assertContains(response, 'href="https://www.fda.gov/kymriah-fl"')
    assertContains(
        response,
        '<span class="badge badge--accelerated">Accelerated approval</span>',
        html=True,
    )


def test_it_shows_aliases_mechanism_source_and_sponsor(client, product):
    response = client.get("/products/tisagenlecleucel/")
    assertContains(response, "CTL019")
    assertContains(
        response,
        '<a href="/mechanisms/car-directed-cytotoxicity/">CAR-directed cytotoxicity</a>',
        html=True,
    )
    assertContains(
        response,
        '<a href="/cell-sources/autologous-peripheral-blood/">Patient&#x27;s own blood cells</a>',
        html=True,
    )
    assertContains(response, "Acme Cells")


def test_the_matrix_shows_each_agencys_latest_decision_per_indication(client, product):
    ec = make_agency(
        slug="ec",
        short_name="EC/EMA",
        name="European Commission",
        region="European Union",
        country="eu",
    )
    indication = product.indications.get()
    make_event(
        product,
        [indication],
        agency=ec,
        event_type="conditional-approval",
        date=datetime.date(2023, 2, 1),
    )
    other = make_indication(
        product, make_disease(slug="mcl", name="Mantle cell lymphoma")
    )
    make_event(
        product,
        [other],
        agency=ec,
        event_type="refusal",
        date=datetime.date(2024, 2, 1),
    )
    response = client.get("/products/tisagenlecleucel/")
    matrix = (
        response.content.decode()
        .split('<table class="matrix">')[1]
        .split("</table>")[0]
    )
    # Regulators are named with their place; the first to decide comes first.
    assert matrix.index(">United States (FDA)<") < matrix.index(
        ">European Union (EC/EMA)<"
    )
    rows = matrix.split("<tr>")[2:]
    assert "Accelerated approval" in rows[0] and "Conditional approval" in rows[0]
    assert "No decision" in rows[1] and "Refused" in rows[1]


def test_related_products_share_a_target_disease_or_mechanism(client, product):
    sibling = make_product(slug="sibling-cel", brand_name="Siblingcel")
    make_indication(sibling, product.indications.get().diseases.get())
    stranger = make_product(
        slug="stranger-cel",
        brand_name="Strangercel",
        mechanism=make_mechanism(slug="other", name="Other"),
    )
    stranger.product_mechanisms.exclude(mechanism__slug="other").delete()
    response = client.get("/products/tisagenlecleucel/")
    related = response.content.decode().split('id="related-heading"')[1]
    assert "Siblingcel" in related and "Strangercel" not in related


def test_it_links_to_compare_this_product(client, product):
    assertContains(
        client.get("/products/tisagenlecleucel/"),
        'href="/compare/?products=tisagenlecleucel"',
    )


def test_it_shows_dated_changes_of_licence_holder(client, product):
    buyer = make_company(slug="buyer-co", name="Buyer Co")
    HolderChange.objects.create(
        product=product,
        from_company=product.sponsor,
        to_company=buyer,
        date=datetime.date(2025, 8, 1),
        date_precision="month",
        source_url="https://example.org/sale",
        position=0,
    )
    response = client.get("/products/tisagenlecleucel/")
    assertContains(
        response,
        '<time datetime="2025-08">August 2025</time>: from Acme Cells to Buyer Co',
    )


def test_it_flags_unverified_facts(client, product):
    make_event(
        product,
        [product.indications.get()],
        event_type="filing-accepted",
        unverified=True,
        note="Date from one news report.",
    )
    response = client.get("/products/tisagenlecleucel/")
    # The curator's note sits with its numbered source, not in the timeline.
    page = response.content.decode()
    sources = page.split('<ol class="sources">')[1].split("</ol>")[0]
    assert '<p class="note">Note: Date from one news report.</p>' in sources
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "Date from one news report" not in timeline
    assert '<a class="ref" href="#source-1" aria-label="Source 1">[1]</a>' in timeline
    assertContains(response, "could not be confirmed from a primary source")


def test_an_unknown_product_is_a_404(client):
    assert client.get("/products/no-such-product/").status_code == 404


@pytest.mark.parametrize("events", [1, 40])
def test_its_query_count_is_fixed(client, django_assert_max_num_queries, events):
    (product,) = make_many_products(make_disease(), 1)
    for number in range(events):
        indication = make_indication(
            product, make_disease(slug=f"d-{number}", name=f"D {number}")
        )
        make_event(product, [indication], event_type="label-expansion")
        ProductAlias.objects.create(
            product=product, name=f"ALIAS-{number}", kind="code"
        )
        ProductIdentifier.objects.create(
            product=product,
            scheme="jp_approval_number",
            value=f"{number}",
            position=number,
        )
    with django_assert_max_num_queries(14):
        assert client.get(product.get_absolute_url()).status_code == 200


def test_it_shows_identifiers_with_their_sources(client):
    product = make_product()
    make_event(product)
    ProductIdentifier.objects.create(
        product=product,
        scheme="ema_product_number",
        value="EMEA/H/C/004090",
        url="https://www.ema.europa.eu/en/medicines/human/EPAR/kymriah",
        kind="regulator",
        read_on=datetime.date(2026, 12, 3),
        position=0,
    )
    ProductIdentifier.objects.create(
        product=product, scheme="atc_code", value="L01XL04", position=1
    )
    response = client.get(product.get_absolute_url())
    assertContains(response, "<code>EMEA/H/C/004090</code>", html=True)
    assertContains(
        response, 'href="https://www.ema.europa.eu/en/medicines/human/EPAR/kymriah"'
    )
    assertContains(response, "<th scope='row'>ATC code</th>", html=True)
    assertContains(response, "No source recorded yet")


def test_it_shows_the_term_of_a_time_limited_approval(client):
    product = make_product()
    make_event(
        product,
        event_type="conditional-approval",
        term_ends=datetime.date(2026, 3, 24),
    )
    response = client.get(product.get_absolute_url())
    assertContains(
        response,
        "Time-limited approval until <time datetime='2026-03-24'>24 March 2026</time>",
        html=True,
    )


def test_it_hides_the_correction_link_when_no_address_is_set(client, settings):
    settings.CORRECTIONS_URL = ""
    product = make_product()
    make_event(product)
    response = client.get(product.get_absolute_url())
    assert "Report a correction" not in response.content.decode()


def test_the_correction_link_prefills_a_mail(client, settings):
    settings.CORRECTIONS_URL = "mailto:fix@example.org"
    product = make_product(brand_name="Test & Cel")
    make_event(product)
    version = DatasetVersion.objects.create(
        digest="a" * 64,
        seeded_at=datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC),
        product_count=1,
        event_count=1,
    )
    response = client.get(product.get_absolute_url())
    link = re.search(
        r'class="correction-link" href="([^"]+)"', response.content.decode()
    )
    url = urlsplit(html.unescape(link[1]))
    query = parse_qs(url.query)
    assert url.scheme == "mailto" and url.path == "fix@example.org"
    assert query["subject"] == ["Correction: Test & Cel"]
    body = query["body"][0]
    assert "slug: testaleucel" in body
    assert "page: http://testserver/products/testaleucel/" in body
    assert f"data_version: {version.digest}" in body
    assert "+" not in link[1]


def test_the_correction_link_adds_query_parameters_to_a_form(client, settings):
    settings.CORRECTIONS_URL = "https://example.org/report?lang=en"
    product = make_product()
    make_event(product)
    response = client.get(product.get_absolute_url())
    link = re.search(
        r'class="correction-link" href="([^"]+)"', response.content.decode()
    )
    url = urlsplit(html.unescape(link[1]))
    assert (url.scheme, url.netloc, url.path) == ("https", "example.org", "/report")
    assert parse_qs(url.query) == {
        "lang": ["en"],
        "product": ["Testcel"],
        "slug": ["testaleucel"],
        "page": ["http://testserver/products/testaleucel/"],
        "data_version": ["not loaded"],
    }


@pytest.mark.parametrize(
    ("value", "boots"),
    [("", True), ("https://example.org/fix", True), ("http://example.org", False)],
)
def test_the_correction_address_must_be_mailto_or_https(value, boots):
    env = {**os.environ, "CELLTX_CORRECTIONS_URL": value}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "celltx.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) is boots
    if not boots:
        assert "CELLTX_CORRECTIONS_URL must be a mailto: or https://" in result.stderr
