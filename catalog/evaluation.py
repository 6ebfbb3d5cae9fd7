"""Score the search against a set of real-world queries with known answers.

Each query says what it means (a disease, several, a product, a target or
nothing); the expected products are worked out from the catalog, independently
of the search code, and compared with what the search returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from catalog.models import Disease, Indication, Product

EVALUATION_FILE = (
    Path(__file__).resolve().parent.parent / "tests/search/evaluation.yaml"
)
# A product labelled for a specific broader disease (large B-cell lymphoma)
# treats its subtypes (DLBCL) too; groupings nearer the root do not count.
UMBRELLA_MIN_DEPTH = 3


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
    """The products each meaning should give, from the catalog itself."""

    def __init__(self):
        self.slug_of = dict(Product.objects.values_list("pk", "slug"))
        self.disease_ids = dict(Disease.objects.values_list("slug", "pk"))
        self.children, self.parents = {}, {}
        for child, parent in Disease.parents.through.objects.values_list(
            "from_disease_id", "to_disease_id"
        ):
            self.children.setdefault(parent, set()).add(child)
            self.parents.setdefault(child, set()).add(parent)
        self.products_for = {}
        for product_id, disease_id in Indication.objects.values_list(
            "product_id", "disease_id"
        ):
            self.products_for.setdefault(disease_id, set()).add(
                self.slug_of[product_id]
            )
        self.target_of = dict(Product.objects.values_list("slug", "target__slug"))

    def below(self, disease_id):
        found, pending = {disease_id}, [disease_id]
        while pending:
            for child in self.children.get(pending.pop(), ()):
                if child not in found:
                    found.add(child)
                    pending.append(child)
        return found

    def depth(self, disease_id):
        ups = self.parents.get(disease_id)
        return 0 if not ups else 1 + min(self.depth(p) for p in ups)

    def for_disease(self, slug):
        disease_id = self.disease_ids[slug]
        products = set().union(
            *(self.products_for.get(d, set()) for d in self.below(disease_id))
        )
        for parent in self.parents.get(disease_id, ()):
            if self.depth(parent) >= UMBRELLA_MIN_DEPTH:
                products |= self.products_for.get(parent, set())
        return products

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
