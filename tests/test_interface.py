"""What a reader notices about the interface itself (issue #11): the header,
the design system page, regulators named with their place."""

import datetime
import html
import json
import re

import pytest
from django.template import Context, Template
from pytest_django.asserts import assertContains

from catalog.models import Agency, ProductAlias
from catalog.search import rebuild_index
from catalog.templatetags.celltx import lower_first
from catalog.templatetags.product_page import Sources
from tests.conftest import make_agency, make_approved_product, make_disease, make_event

pytestmark = pytest.mark.django_db


def _header(response):
    page = response.content.decode()
    return page.split('<header class="site-header">')[1].split("</header>")[0]


def test_header_folds_its_links_into_a_menu_that_needs_no_script(client):
    header = _header(client.get("/"))
    # One landmark, a <details> menu a phone can open without JavaScript,
    # and a search link that stays in the row.
    assert header.count("<nav ") == 1
    assert re.search(r'<details class="site-menu">\s*<summary>Menu</summary>', header)
    assert 'class="site-nav__search" href="/search/"' in header
    assert "<script" not in header


def test_footer_links_to_the_design_system(client):
    response = client.get("/")
    assertContains(response, '<a href="/style/">Design system</a>', html=True)


def test_design_system_page_shows_every_component(
    client, django_assert_max_num_queries
):
    make_approved_product(make_disease(), brand_name="Cardcel")
    with django_assert_max_num_queries(8):
        response = client.get("/style/")
    assert response.status_code == 200
    for component in (
        'class="search-form"',
        'class="card product-card"',
        'class="badge badge--withdrawn"',
        'class="notice notice--warning"',
        'class="glance"',
        'class="table-scroll"',
        'class="table-cue"',
        'class="data-table table-stack"',
        'class="breadcrumbs"',
        'class="disclosure"',
    ):
        assertContains(response, component)
    assertContains(response, "Cardcel")


def test_statuses_name_the_country_before_the_regulator(client):
    disease = make_disease()
    make_approved_product(disease, brand_name="Placecel")
    response = client.get(f"/diseases/{disease.slug}/")
    assertContains(
        response,
        '<span class="badge badge--approved">Approved</span>'
        ' <abbr class="regulator" title="U.S. Food and Drug Administration">'
        "United States (FDA)</abbr>",
        html=True,
    )


def test_product_list_puts_filters_behind_a_disclosure(client):
    disease = make_disease()
    make_approved_product(disease, brand_name="Listcel")
    page = client.get("/products/?modality=car-t").content.decode()
    browse = page.split('<div class="browse">')[1]
    # One closed line, then the results: a phone sees products first.
    assert re.match(
        r'\s*(\{#.*?#\}\s*)?<details class="filters-disclosure" data-open-wide>\s*'
        r'<summary>Filter and sort <span class="muted count">\(1 applied\)</span>',
        browse,
    )
    disclosure = browse.split("</details>\n    <section")[0]
    assert '<form class="filters"' in disclosure
    assert browse.index("</form>") < browse.index("Listcel")
    assert 'src="/static/js/disclosure.js" defer' in page


def test_facet_counts_do_not_break_mid_number(client):
    make_approved_product(make_disease(), brand_name="Countcel")
    response = client.get("/products/")
    assertContains(response, '<span class="muted count">(1)</span>', html=True)


def _glance(response):
    page = response.content.decode()
    return page.split('<section class="glance"')[1].split("</section>")[0]


def test_product_page_opens_with_an_at_a_glance_panel(client):
    disease = make_disease(name="Parkinson's disease", slug="parkinsons-disease")
    product = make_approved_product(disease, brand_name="Glancecel")
    ec = make_agency(slug="ec", short_name="EC/EMA", name="European Commission")
    ec.region = "European Union"
    ec.save()
    indication = product.indications.get()
    make_event(product, [indication], agency=ec, date=datetime.date(2021, 3, 2))
    make_event(
        product,
        [indication],
        agency=ec,
        event_type="withdrawal",
        date=datetime.date(2024, 3, 12),
    )
    fda = Agency.objects.get(slug="fda")
    make_event(
        product,
        [indication],
        agency=fda,
        event_type="label-restriction",
        date=datetime.date(2023, 6, 1),
    )
    assert Agency.objects.count() == 2
    response = client.get(f"/products/{product.slug}/")
    glance = _glance(response)
    page = response.content.decode()
    # It comes before the detail, and says where and since when, with places.
    assert page.index('class="glance"') < page.index('id="matrix-heading"')
    assert "<dt>Authorised in</dt>" in glance
    assert re.search(
        r'United States \(FDA\)</abbr> since <time datetime="2020-01-15">'
        r"15 January 2020</time>",
        glance,
    )
    assert "Parkinson&#x27;s disease</a>" in glance
    # A withdrawal is said once, with its place and date.
    assert re.search(
        r"<dt>Not authorised now</dt>\s*<dd>\s*<ul>\s*<li>Withdrawn: "
        r"<abbr [^>]*>European Union \(EC/EMA\)</abbr> since "
        r'<time datetime="2024-03-12">12 March 2024</time>',
        glance,
    )
    assert "Withdrawal by" not in glance
    # A change where the approval stands is listed as a change.
    assert re.search(
        r"<dt>Status changes</dt>\s*<dd>\s*<ul>\s*<li>Indication restricted by "
        r"<abbr [^>]*>United States \(FDA\)</abbr>, "
        r'<time datetime="2023-06-01">1 June 2023</time>',
        glance,
    )
    # The science and the sources follow, in that order.
    assert page.index('id="science-heading"') < page.index('id="sources-heading"')


def test_product_names_sort_whatever_their_case_on_pages_and_api(client):
    disease = make_disease()
    for slug, name in (("ari", "ARI0002h"), ("abecma", "Abecma"), ("zeta", "zetacel")):
        make_approved_product(disease, slug=slug, brand_name=name)
    page = client.get("/products/").content.decode()
    shown = re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a>', page)
    assert shown == ["Abecma", "ARI0002h", "zetacel"]
    api = client.get("/api/v1/products/").json()["results"]
    assert [product["brand_name"] for product in api] == shown
    sorted_by_date = client.get("/api/v1/products/?sort=first-approval").json()
    # Same day for all three: the name, case aside, settles the order.
    assert [p["brand_name"] for p in sorted_by_date["results"]] == shown


def test_disease_names_keep_their_capitals_in_search_headings(client):
    disease = make_disease(slug="ada-scid", name="ADA-SCID")
    make_approved_product(disease, brand_name="Strimvelis")
    rebuild_index()
    response = client.get("/search/", {"q": "ADA-SCID"})
    assertContains(response, '<a href="/diseases/ada-scid/">ADA-SCID</a>')
    assert "ada-scid</a>" not in response.content.decode()


def test_pages_carry_a_print_stylesheet(client):
    response = client.get("/")
    assertContains(
        response, '<link rel="stylesheet" href="/static/css/print.css" media="print">'
    )


def _head_tag(page, pattern):
    found = re.search(pattern, page.split("</head>")[0])
    assert found, pattern
    return html.unescape(found[1])


@pytest.mark.parametrize(
    "path", ["/", "/products/", "/products/ogcel/", "/style/", "/no-such-page/"]
)
def test_every_page_has_open_graph_title_and_description(client, path):
    make_approved_product(make_disease(), slug="ogcel", brand_name="Ogcel")
    page = client.get(path).content.decode()
    title = _head_tag(page, r"<title>(.*?) · CellTx</title>")
    description = _head_tag(page, r'<meta name="description" content="([^"]*)">')
    assert _head_tag(page, r'<meta property="og:title" content="([^"]*)">') == title
    og_description = r'<meta property="og:description" content="([^"]*)">'
    assert _head_tag(page, og_description) == description
    assert title and description


def test_product_page_describes_the_product_in_json_ld(client):
    product = make_approved_product(
        make_disease(),
        slug="tisagenlecleucel",
        brand_name="Kymriah",
        summary="A summary that tries to end the block early </script><script>x",
    )
    ProductAlias.objects.create(product=product, name="CTL019", kind="code")
    page = client.get("/products/tisagenlecleucel/").content.decode()
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.S
    )
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "Drug"
    assert data["name"] == "Kymriah"
    assert data["alternateName"] == ["tisagenlecleucel", "CTL019"]
    assert data["manufacturer"] == {"@type": "Organization", "name": "Acme Cells"}
    assert data["description"].endswith("</script><script>x")
    # Data, not script: the page still has no inline JavaScript for the CSP
    # (script-src 'self') to refuse.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline == [' type="application/ld+json"']


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patient's own blood cells", "patient's own blood cells"),
        ("Accelerated approval", "accelerated approval"),
        ("T cells", "T cells"),
        ("CAR-T cells", "CAR-T cells"),
        ("NK cells", "NK cells"),
        ("ADA-SCID", "ADA-SCID"),
    ],
)
def test_lower_first_keeps_the_capitals_of_names(text, expected):
    assert lower_first(text) == expected


def test_a_section_can_cite_into_the_numbered_sources():
    sources = Sources()
    sources.cite("https://www.fda.gov/x", title="", kind="Label")
    rendered = Template(
        "{% load product_page %}"
        '{% cite sources "https://www.fda.gov/x" as old %}'
        '{% cite sources "https://doi.org/10.1/abc" "A trial" as new %}'
        "{{ old }} {{ new }}"
    ).render(Context({"sources": sources}))
    assert rendered == "1 2"
    assert sources.entries[1].title == "A trial"
