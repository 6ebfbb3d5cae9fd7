import datetime
import xml.etree.ElementTree as ET

import pytest
from pytest_django.asserts import assertContains

from catalog.feeds import CHANGES_PER_PAGE, FEED_ENTRIES, changes
from catalog.models import DatasetVersion, RegulatoryEvent
from tests.conftest import (
    make_agency,
    make_event,
    make_indication,
    make_many_products,
    make_product,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# Events, the indications they name (and those indications' diseases), their
# sources, dataset versions, and the footer's dataset version.
CHANGELOG_QUERIES = 6


def make_version(**fields):
    fields.setdefault("digest", "a1b2c3d4e5f6" + "0" * 52)
    fields.setdefault(
        "seeded_at", datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
    )
    fields.setdefault("product_count", 2)
    fields.setdefault("event_count", 3)
    return DatasetVersion.objects.create(**fields)


@pytest.fixture
def history(lymphoma_tree):
    """Three decisions on two products, and one dataset version."""
    follicular = lymphoma_tree[2]
    fda = make_agency()
    ec = make_agency(slug="ec", short_name="EC/EMA", name="European Commission")
    alpha = make_product(slug="alphacel", brand_name="Alphacel")
    indication = make_indication(alpha, follicular)
    make_event(
        alpha,
        [indication],
        agency=fda,
        date=datetime.date(2017, 8, 30),
        source_url="https://www.fda.gov/alphacel",
    )
    make_event(
        alpha,
        [indication],
        agency=ec,
        event_type="refusal",
        date=datetime.date(2024, 3, 1),
        date_precision="month",
        source_url="https://www.ema.europa.eu/alphacel",
        pathway="Centralised procedure",
    )
    beta = make_product(slug="betacel", brand_name="Betacel")
    make_event(
        beta,
        [make_indication(beta, follicular)],
        agency=fda,
        event_type="filing-accepted",
        date=datetime.date(2026, 1, 1),
        date_precision="year",
        source_url="https://example.com/betacel",
        unverified=True,
    )
    make_version()


def feed_entries(client):
    response = client.get("/changelog/feed.atom")
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_the_changelog_lists_every_change_newest_first(client, history):
    response = client.get("/changelog/")
    assert response.status_code == 200
    content = response.content.decode()
    order = [
        '<time datetime="2026-11-20">20 November 2026</time>',
        '<time datetime="2026">2026</time>',
        '<time datetime="2024-03">March 2024</time>',
        '<time datetime="2017-08-30">30 August 2017</time>',
    ]
    positions = [content.index(date) for date in order]
    assert positions == sorted(positions)


def test_each_decision_says_what_happened_and_links_its_source(client, history):
    response = client.get("/changelog/")
    assertContains(
        response,
        "EC/EMA: Refusal for Follicular lymphoma (Centralised procedure).",
    )
    assertContains(response, 'href="https://www.ema.europa.eu/alphacel"')
    assertContains(
        response,
        '<strong><a href="/products/alphacel/">Alphacel (alphacel)</a></strong>',
        html=True,
    )
    assertContains(response, '<span class="badge badge--unverified">Unverified</span>')


def test_dataset_versions_are_listed_as_dataset_updates(client, history):
    response = client.get("/changelog/")
    assertContains(response, "2 products and 3 regulatory decisions.")
    assertContains(
        response, "<strong>Dataset updated to version a1b2c3d4e5f6</strong>", html=True
    )
    assertContains(response, 'id="dataset-a1b2c3d4e5f6')


def test_the_changelog_links_to_its_feed(client, history):
    assertContains(client.get("/changelog/"), 'href="/changelog/feed.atom"')


def test_the_changelog_is_paginated(client, lymphoma_tree):
    make_many_products(lymphoma_tree[2], CHANGES_PER_PAGE // 2 + 1)
    first = client.get("/changelog/")
    assert len(first.context["changes"]) == CHANGES_PER_PAGE
    assertContains(first, 'href="?page=2"')
    second = client.get("/changelog/?page=2")
    assert len(second.context["changes"]) == 2


@pytest.mark.parametrize("page", ["abc", "0", "99", "1.5", "9" * 5000])
def test_a_changelog_page_that_does_not_exist_is_a_404(client, history, page):
    assert client.get(f"/changelog/?page={page}").status_code == 404


@pytest.mark.parametrize("products", [1, 30])
def test_the_changelog_costs_the_same_queries_however_long(
    client, lymphoma_tree, django_assert_max_num_queries, products
):
    make_many_products(lymphoma_tree[2], products)
    make_version()
    with django_assert_max_num_queries(CHANGELOG_QUERIES):
        assert client.get("/changelog/").status_code == 200
    with django_assert_max_num_queries(CHANGELOG_QUERIES - 1):
        assert client.get("/changelog/feed.atom").status_code == 200


def test_the_feed_is_atom_with_one_entry_per_change(client, history):
    response = client.get("/changelog/feed.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "CellTx changelog"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        "Dataset updated to version a1b2c3d4e5f6",
        "Betacel: Application under review (FDA)",
        "Alphacel: Refusal (EC/EMA)",
        "Alphacel: Approval (FDA)",
    ]


def test_feed_entries_link_the_product_and_the_source(client, history):
    refusal = feed_entries(client)[2]
    link = refusal.find(f"{ATOM}link").get("href")
    assert link == "http://testserver/products/alphacel/"
    summary = refusal.find(f"{ATOM}summary").text
    assert 'href="https://www.ema.europa.eu/alphacel"' in summary
    assert refusal.find(f"{ATOM}updated").text == "2024-03-01T00:00:00+00:00"


def test_feed_entry_ids_are_absolute_unique_and_stable(client, history):
    ids = [entry.find(f"{ATOM}id").text for entry in feed_entries(client)]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("http://testserver/changelog/#") for i in ids)
    # Database ids change at every seed; entry ids must not.
    RegulatoryEvent.objects.update(position=7)
    assert [entry.find(f"{ATOM}id").text for entry in feed_entries(client)] == ids


def test_the_feed_holds_only_the_latest_changes(client, lymphoma_tree):
    make_many_products(lymphoma_tree[2], FEED_ENTRIES)
    assert len(feed_entries(client)) == FEED_ENTRIES


def test_the_changelog_and_feed_render_the_real_data(client, seeded):
    assert client.get("/changelog/").status_code == 200
    ids = [entry.find(f"{ATOM}id").text for entry in feed_entries(client)]
    assert len(set(ids)) == len(ids) == FEED_ENTRIES
    # Anchors are HTML ids on the page and feed ids: unique across everything.
    anchors = [change.anchor for change in changes()]
    assert len(anchors) == RegulatoryEvent.objects.count() + 1
    assert len(set(anchors)) == len(anchors)
