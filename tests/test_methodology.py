import datetime

import pytest
from pytest_django.asserts import assertContains

from catalog.models import (
    Agency,
    CoverageSweep,
    DatasetVersion,
    DecisionSource,
    SweptList,
)
from tests.conftest import (
    make_disease,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

pytestmark = pytest.mark.django_db


def test_it_states_scope_sources_and_how_to_report_errors(client):
    response = client.get("/about/data/")
    assertContains(response, "<h2>What is included</h2>", html=True)
    assertContains(response, "In vivo gene therapies")
    assertContains(response, "Exosomes and other cell-free secretions.")
    assertContains(response, "<h2>Reporting an error</h2>", html=True)


def test_its_counts_come_from_the_data(client):
    disease = make_disease()
    make_many_products(disease, 3)
    pending = make_product(slug="pending", modality="msc")
    make_event(
        pending,
        [make_indication(pending, disease)],
        event_type="filing-accepted",
        unverified=True,
    )
    response = client.get("/about/data/")
    assertContains(response, "4 products.")
    assertContains(
        response, '<tr><th scope="row">CAR-T cells</th><td>3</td></tr>', html=True
    )
    assertContains(
        response, '<tr><th scope="row">Under review</th><td>1</td></tr>', html=True
    )
    assertContains(response, "1 decision marked unverified.")
    assertContains(response, '<a href="/agencies/fda/">United States (FDA)</a>')


def test_its_query_count_is_fixed(client, django_assert_max_num_queries):
    make_many_products(make_disease(), 20)
    # The stats, the coverage table (agencies, sweeps, their lists), the
    # audit (decisions, stale products, identifiers without a source) and the
    # evidence coverage (products, authorised rows, trials with their
    # indications and results, label safety).
    with django_assert_max_num_queries(22):
        assert client.get("/about/data/").status_code == 200


def test_it_shows_each_regulators_sweep_and_lists_the_unswept(client):
    products = make_many_products(make_disease(), 2)
    fda, ec = Agency.objects.get(slug="fda"), Agency.objects.get(slug="ec")
    sweep = CoverageSweep.objects.create(
        agency=fda,
        swept_on=datetime.date(2026, 12, 3),
        products_in_scope=41,
        scope_note="Gene therapies without cells are out of scope.",
        not_found="The CDRH PMA list was not in the stored copies.",
    )
    SweptList.objects.create(
        sweep=sweep,
        title="Approved cellular and gene therapy products",
        url="https://www.fda.gov/approved",
        kind="regulator",
        read_on=datetime.date(2026, 12, 3),
        position=0,
    )
    response = client.get("/about/data/")
    assertContains(
        response,
        '<a href="https://www.fda.gov/approved" rel="external noopener">'
        "Approved cellular and gene therapy products</a>",
        html=True,
    )
    assertContains(
        response, "<time datetime='2026-12-03'>3 December 2026</time>", html=True
    )
    assertContains(response, "<td>41</td>", html=True)
    assertContains(response, f"<td>{len(products)}</td>", html=True)
    assertContains(
        response, "Not found: The CDRH PMA list was not in the stored copies."
    )
    assertContains(response, '<td class="muted">Not swept yet</td>', html=True, count=1)
    assert ec.short_name in response.content.decode()


def test_it_shows_the_audit_and_lists_decisions_without_a_regulator_source(client):
    product = make_product(slug="newsworthy", brand_name="Newsworthy")
    event = make_event(product, source_url="https://example.org/news")
    DecisionSource.objects.filter(event=event).update(kind="press")
    make_event(
        make_product(slug="cited", brand_name="Cited"),
        term_ends=datetime.date(2026, 1, 1),
    )
    response = client.get("/about/data/")
    assertContains(response, "1 of 2 decisions (50%) cite the regulator's own record")
    assertContains(response, "Decisions that still lack a regulator source (1)")
    assertContains(
        response,
        '<th scope="row"><a href="/products/newsworthy/">Newsworthy</a></th>',
        html=True,
    )
    assertContains(response, "1 time-limited approval whose term ends")
    assertContains(
        response, '<a href="/products/cited/">Cited</a> (United States (FDA), term ends'
    )


def test_it_states_the_licence_and_how_to_cite_the_version(client):
    DatasetVersion.objects.create(
        digest="b" * 64,
        seeded_at=datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC),
        product_count=0,
        event_count=0,
    )
    response = client.get("/about/data/")
    assertContains(
        response, 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"'
    )
    assertContains(
        response,
        "dataset version bbbbbbbbbbbb (loaded 3 December 2026). "
        "http://testserver/downloads/. Licensed under CC BY 4.0.",
    )
