"""Rules the real dataset must keep (see DATA.md); no database needed."""

import re
from collections import Counter

import pytest

from catalog.choices import AUTHORISING_EVENTS, EventType
from catalog.seed.reader import EARLIEST_EVENT, read_dataset
from tests.conftest import FIXTURES_DIR

TEMPLATES_DIR = FIXTURES_DIR.parent / "templates"

# Decisions that can precede an authorisation at the same agency.
BEFORE_AUTHORISATION = {
    EventType.FILING_ACCEPTED,
    EventType.COMPLETE_RESPONSE_LETTER,
    EventType.REFUSAL,
}


@pytest.fixture(scope="module")
def dataset():
    return read_dataset(FIXTURES_DIR)


def test_the_catalog_has_at_least_the_first_slice(dataset):
    assert len(dataset["product"]) >= 20


def test_every_product_has_a_cited_decision(dataset):
    for product in dataset["product"]:
        assert product["decisions"], product["slug"]
        for decision in product["decisions"]:
            assert decision["sources"], product["slug"]
            assert all(s["url"].startswith("http") for s in decision["sources"])


def test_no_event_is_dated_before_1990(dataset):
    for product in dataset["product"]:
        for event in product["decisions"]:
            assert event["date"] >= EARLIEST_EVENT, product["slug"]


def test_nothing_but_filings_precedes_an_agencys_first_authorisation(dataset):
    for product in dataset["product"]:
        by_agency = {}
        for event in product["decisions"]:
            by_agency.setdefault(event["agency"], []).append(event)
        for agency, events in by_agency.items():
            authorised = [
                e["date"] for e in events if e["event_type"] in AUTHORISING_EVENTS
            ]
            if not authorised:
                continue
            for event in events:
                if event["date"] < min(authorised):
                    assert event["event_type"] in BEFORE_AUTHORISATION, (
                        product["slug"],
                        agency,
                        event["event_type"],
                    )


def test_nonproprietary_names_are_unique(dataset):
    names = Counter(
        p["nonproprietary_name"].casefold()
        for p in dataset["product"]
        if p.get("nonproprietary_name")
    )
    assert [name for name, count in names.items() if count > 1] == []


def test_every_disease_reaches_a_therapeutic_area(dataset):
    for disease in dataset["disease"]:
        assert disease["therapeutic_area"], disease["slug"]


def test_every_mechanism_has_a_full_explainer_and_a_diagram(dataset):
    for mechanism in dataset["mechanism"]:
        assert len(mechanism["references"]) >= 3, mechanism["slug"]
        assert len(mechanism["body"].split()) >= 600, mechanism["slug"]
        diagram = TEMPLATES_DIR / "catalog/diagrams" / f"{mechanism['slug']}.svg"
        assert diagram.exists(), mechanism["slug"]
        assert f'<desc id="{mechanism["slug"]}-desc">' in diagram.read_text()


def test_every_mechanism_is_used_by_a_product(dataset):
    used = {slug for product in dataset["product"] for slug in product["mechanisms"]}
    assert {m["slug"] for m in dataset["mechanism"]} <= used


def test_summaries_are_two_to_four_sentences(dataset):
    for product in dataset["product"]:
        sentences = re.findall(r"[.!?](?:\s|$)", product["summary"])
        assert 2 <= len(sentences) <= 4, (product["slug"], len(sentences))
