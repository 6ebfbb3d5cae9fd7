"""Score the search against sets of real-world queries with known answers.

Two sets live in tests/search/: the development set (`evaluation.yaml`),
whose entries say what they mean (a disease, a product, a sponsor...) and get
their expected products from the catalog, and the held-out set
(`heldout.yaml`), written before the search was rebuilt, whose entries list
their expected products. The held-out set is only ever scored in aggregate,
class by class: nobody tunes the search against its queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from catalog.models import IndicationDisease, IndicationStatus, Product

SEARCH_DIR = Path(__file__).resolve().parent.parent / "tests/search"
EVALUATION_FILE = SEARCH_DIR / "evaluation.yaml"
HELDOUT_FILE = SEARCH_DIR / "heldout.yaml"


@dataclass
class Score:
    query: str
    kind: str  # the query's class: lay, typo, place...
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
    """The products each meaning should give, from the catalog itself, not
    from the search code: the products with an indication covering the
    disease or a narrower one (as the disease page lists them), or with the
    sponsor (or its parent), kind of therapy or target named, or authorised
    in the country at some time (or standing there with the status
    given)."""

    def __init__(self):
        self.products_below = defaultdict(set)
        rows = IndicationDisease.objects.values_list(
            "disease__lineage_up__ancestor__slug", "indication__product__slug"
        )
        for disease, product in rows:
            self.products_below[disease].add(product)
        self.products = {
            slug: {"target": target, "sponsor": {sponsor, parent}, "modality": modality}
            for slug, target, sponsor, parent, modality in Product.objects.values_list(
                "slug",
                "target__slug",
                "sponsor__slug",
                "sponsor__parent__slug",
                "modality",
            )
        }
        # Authorised there at some time, as "approved in Japan" reads.
        self.in_country = defaultdict(set)
        for country, product in IndicationStatus.objects.filter(
            first_authorised_on__isnull=False
        ).values_list("agency__country", "product__slug"):
            self.in_country[country].add(product)

    @property
    def gene_modified(self):
        return set(
            Product.objects.exclude(gene_modification="none").values_list(
                "slug", flat=True
            )
        )

    def with_status(self, statuses, country=None):
        rows = IndicationStatus.objects.filter(status__in=statuses)
        if country:
            rows = rows.filter(agency__country=country)
        return set(rows.values_list("product__slug", flat=True))

    def for_disease(self, slug):
        return set(self.products_below.get(slug, ()))

    def having(self, field, value):
        """Products with the value; a sponsor also stands for its parent's."""
        return {
            slug
            for slug, facts in self.products.items()
            if value == facts[field] or (field == "sponsor" and value in facts[field])
        }

    def expected(self, means: dict) -> set:
        """Every key given narrows the answer (a disease in a country...)."""
        sets = []
        if "disease" in means:
            sets.append(self.for_disease(means["disease"]))
        if "diseases" in means:
            sets.append(set().union(*map(self.for_disease, means["diseases"])))
        if "product" in means:
            sets.append({means["product"]})
        if "products" in means:
            sets.append(set(means["products"]))
        for field in ("target", "sponsor", "modality"):
            if field in means:
                values = means[field]
                values = values if isinstance(values, list) else [values]
                sets.append(set().union(*(self.having(field, v) for v in values)))
        if means.get("gene_modified"):
            sets.append(self.gene_modified)
        if "status" in means:
            # A status word and a place read the same status row.
            sets.append(self.with_status(means["status"], means.get("country")))
        elif "country" in means:
            sets.append(set(self.in_country.get(means["country"], ())))
        return set.intersection(*sets) if sets else set()

    def for_entry(self, entry: dict) -> set:
        if "expect" in entry:
            return set(entry["expect"] or ())
        return self.expected(entry["means"])


def evaluate(queries: list[dict], search) -> list[Score]:
    """Score `search` (a query → product slugs function) on every query."""
    expectations = Expectations()
    return [
        Score(
            entry["query"],
            entry.get("class", "unclassified"),
            expectations.for_entry(entry),
            set(search(entry["query"])),
        )
        for entry in queries
    ]


def by_class(scores: list[Score]) -> dict[str, tuple[int, float, float]]:
    """Class → (queries, mean recall, mean precision), with "all" last."""
    groups = defaultdict(list)
    for score in scores:
        groups[score.kind].append(score)
    summary = {kind: _means(groups[kind]) for kind in sorted(groups)}
    summary["all"] = _means(scores)
    return summary


def _means(scores):
    n = len(scores) or 1
    return (
        len(scores),
        sum(s.recall for s in scores) / n,
        sum(s.precision for s in scores) / n,
    )
