"""Score the search against a set of real-world queries with known answers.

Each query says what it means (a disease, several, a product, a target or
nothing); the expected products are worked out from the catalog, independently
of the search code, and compared with what the search returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from catalog.models import IndicationDisease, Product

EVALUATION_FILE = (
    Path(__file__).resolve().parent.parent / "tests/search/evaluation.yaml"
)


@dataclass
class Score:
    query: str
    expected: set
    found: set

    @property
    def recall(self) -> float:
        return (
            len(self.expected & self.found) / len(self.expected)
            if self.expected
            else 1.0
        )

    @property
    def precision(self) -> float:
        return (
            len(self.expected & self.found) / len(self.found)
            if self.found
            else float(not self.expected)
        )

    @property
    def missing(self):
        return sorted(self.expected - self.found)

    @property
    def extra(self):
        return sorted(self.found - self.expected)


def load_queries(path=EVALUATION_FILE) -> list[dict]:
    return yaml.safe_load(Path(path).read_text())


class Expectations:
    """The products each meaning should give, from the catalog itself: the
    products with an indication covering the disease or a narrower one, as
    the disease page lists them."""

    def __init__(self):
        self.products_below = {}
        rows = IndicationDisease.objects.values_list(
            "disease__lineage_up__ancestor__slug", "indication__product__slug"
        )
        for disease, product in rows:
            self.products_below.setdefault(disease, set()).add(product)
        self.target_of = dict(Product.objects.values_list("slug", "target__slug"))

    def for_disease(self, slug):
        return set(self.products_below.get(slug, ()))

    def expected(self, means: dict) -> set:
        if "disease" in means:
            return self.for_disease(means["disease"])
        if "diseases" in means:
            return set().union(*(self.for_disease(slug) for slug in means["diseases"]))
        if "product" in means:
            return {means["product"]}
        if "target" in means:
            return {
                slug
                for slug, target in self.target_of.items()
                if target == means["target"]
            }
        return set()


def evaluate(queries: list[dict], search) -> list[Score]:
    """Score `search` (a query → product slugs function) on every query."""
    expectations = Expectations()
    return [
        Score(
            entry["query"],
            expectations.expected(entry["means"]),
            set(search(entry["query"])),
        )
        for entry in queries
    ]
