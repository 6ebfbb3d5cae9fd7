"""The search evaluation set, on the engine under test and across engines."""

import pytest
from django.db import connection

from catalog import search as search_module
from catalog.evaluation import HELDOUT_FILE, evaluate, load_queries
from catalog.search import engine

pytestmark = pytest.mark.django_db

QUERIES = load_queries()


def slugs(query):
    return [product.slug for product in search_module.search(query).products]


def test_the_evaluation_sets_are_large_and_cover_every_class():
    heldout = load_queries(HELDOUT_FILE)
    assert len(QUERIES) + len(heldout) >= 400
    classes = {entry["class"] for entry in QUERIES}
    assert {
        "abbreviation", "lay", "spelling", "typo", "qualifier", "kind-of-therapy",
        "sponsor", "place", "other-language", "negative", "hostile",
        "broader-label", "product-name",
    } <= classes  # fmt: skip


def test_every_query_finds_everything_it_should(seeded):
    misses = {
        score.query: score.missing
        for score in evaluate(QUERIES, slugs)
        if score.missing
    }
    assert misses == {}


def test_precision_is_at_least_95_percent(seeded):
    scores = evaluate(QUERIES, slugs)
    precision = sum(score.precision for score in scores) / len(scores)
    extras = {score.query: score.extra for score in scores if score.extra}
    assert precision >= 0.95, extras


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_full_text_search_and_the_token_table_give_the_same_products(
    seeded, monkeypatch
):
    postgres = {entry["query"]: slugs(entry["query"]) for entry in QUERIES}
    monkeypatch.setattr(engine, "ENGINE", "portable")
    portable = {entry["query"]: slugs(entry["query"]) for entry in QUERIES}
    assert postgres == portable
