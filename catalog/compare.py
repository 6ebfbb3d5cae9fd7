"""Which products a visitor asked to compare, read from the query string."""

import re
from dataclasses import dataclass, field

from catalog.models import Product, prefetch_evidence

MIN_PRODUCTS = 2
MAX_PRODUCTS = 4
SLUG = re.compile(r"^[-a-z0-9]{1,50}$")


@dataclass
class CompareSelection:
    products: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @classmethod
    def from_query(cls, values):
        """Slugs may come comma-separated or repeated; junk becomes a message."""
        slugs = []
        for value in values:
            slugs += [part.strip() for part in value.split(",") if part.strip()]
        slugs = list(dict.fromkeys(slugs))
        selection = cls()
        valid = [slug for slug in slugs if SLUG.match(slug)]
        found = {p.slug: p for p in Product.objects.filter(slug__in=valid).for_detail()}
        for slug in slugs:
            if slug not in found:
                shown = slug if len(slug) <= 50 else slug[:50] + "…"
                selection.messages.append(f"“{shown}” is not a product in the catalog.")
        products = [found[slug] for slug in slugs if slug in found]
        if len(products) > MAX_PRODUCTS:
            selection.messages.append(
                f"Up to {MAX_PRODUCTS} products can be compared; "
                f"showing the first {MAX_PRODUCTS}."
            )
            products = products[:MAX_PRODUCTS]
        selection.products = prefetch_evidence(products)
        return selection

    @property
    def ready(self):
        return len(self.products) >= MIN_PRODUCTS

    @property
    def slugs(self):
        return [product.slug for product in self.products]

    @property
    def disease_rows(self):
        """One row per disease any chosen product is indicated for; in each
        product's cell, its indications covering that disease, each with its
        status at every regulator that decided on it."""
        by_disease = {}
        for product in self.products:
            for indication in product.indications.all():
                rows = [
                    r
                    for r in product.listed_statuses
                    if r.indication_id == indication.pk
                ]
                for disease in indication.diseases.all():
                    cells = by_disease.setdefault(disease, {})
                    cells.setdefault(product.pk, []).append((indication, rows))
        return [
            (disease, [by_disease[disease].get(p.pk, []) for p in self.products])
            for disease in sorted(by_disease, key=lambda d: d.name)
        ]

    @property
    def evidence_rows(self):
        """(disease, one list of pivotal trials per product) for each disease
        some chosen product has trial evidence for, by disease name."""
        by_disease = {}
        for index, product in enumerate(self.products):
            if not _has_evidence(product):
                continue
            for indication, trials in product.evidence.by_indication:
                for disease in indication.diseases.all():
                    cells = by_disease.setdefault(disease, [[] for _ in self.products])
                    cells[index] += [t for t in trials if t not in cells[index]]
        return sorted(by_disease.items(), key=lambda row: row[0].name)

    @property
    def safety_cells(self):
        """Each product's label safety, regulator by regulator (or [])."""
        return [
            product.evidence.safety_by_agency if _has_evidence(product) else []
            for product in self.products
        ]

    @property
    def has_evidence(self):
        return any(_has_evidence(product) for product in self.products)


def _has_evidence(product):
    return hasattr(product, "evidence")
