"""Which products a visitor asked to compare, read from the query string."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from catalog.models import Product, ProductAlias, prefetch_evidence

MIN_PRODUCTS = 2
MAX_PRODUCTS = 4
SLUG = re.compile(r"^[-a-z0-9]{1,50}$")


@dataclass
class CompareSelection:
    products: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @classmethod
    def from_query(cls, values, typed=(), names=None):
        """Slugs may come comma-separated or repeated; names typed into the
        picker are looked up in `names` (a ProductNames); junk becomes a
        message."""
        slugs = []
        for value in values:
            slugs += [part.strip() for part in value.split(",") if part.strip()]
        selection = cls()
        for name in [name.strip() for name in typed if name.strip()][:MAX_PRODUCTS]:
            slug = names.slug_for(name) if names else None
            if slug:
                slugs.append(slug)
            else:
                selection.messages.append(
                    f"No product is called “{_shorten(name)}”. Try its brand name, "
                    "its international name or a code name."
                )
        slugs = list(dict.fromkeys(slugs))
        valid = [slug for slug in slugs if SLUG.match(slug)]
        found = {p.slug: p for p in Product.objects.filter(slug__in=valid).for_detail()}
        for slug in slugs:
            if slug not in found:
                selection.messages.append(
                    f"“{_shorten(slug)}” is not a product in the catalog."
                )
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
    def removal_links(self):
        """(product, query string choosing the others) for each product."""
        return [
            (product, _query([s for s in self.slugs if s != product.slug]))
            for product in self.products
        ]

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
        return _merge_identical(
            (disease, [by_disease[disease].get(p.pk, []) for p in self.products])
            for disease in sorted(by_disease, key=lambda d: d.name)
        )

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
        return _merge_identical(sorted(by_disease.items(), key=lambda r: r[0].name))

    @property
    def safety_cells(self):
        """Each product's label safety, regulator by regulator (or [])."""
        return [
            product.evidence.safety_by_agency if _has_evidence(product) else []
            for product in self.products
        ]

    @property
    def has_administration(self):
        return any(hasattr(product, "administration") for product in self.products)

    @property
    def has_evidence(self):
        return any(_has_evidence(product) for product in self.products)


def _has_evidence(product):
    return hasattr(product, "evidence")


def _merge_identical(rows):
    """One row per distinct content: an umbrella indication names every
    narrower disease, and repeating the same cells under each of them would
    bury the rows that differ. Returns (diseases, cells) pairs."""
    merged = {}
    for disease, cells in rows:
        key = tuple(tuple(_pk(item) for item in cell) for cell in cells)
        merged.setdefault(key, ([], cells))[0].append(disease)
    return list(merged.values())


def _pk(item):
    """A cell item is a model (a trial) or (indication, its status rows)."""
    return item[0].pk if isinstance(item, tuple) else item.pk


def _shorten(text):
    return text if len(text) <= 50 else text[:50] + "…"


def _query(slugs):
    return "?" + urlencode({"products": ",".join(slugs)}) if slugs else "?"


class ProductNames:
    """Every name a product goes by, for the picker: typed names resolve
    without regard to case, and the datalist offers brand and
    international names. Two queries, whatever the catalog's size."""

    def __init__(self):
        self.suggestions = []
        self._slugs = {}
        for slug, brand, inn in Product.objects.values_list(
            "slug", "brand_name", "nonproprietary_name"
        ):
            self.suggestions.append(f"{brand} ({inn})" if inn else brand)
            for name in (slug, brand, inn, self.suggestions[-1]):
                if name:
                    self._slugs.setdefault(name.casefold(), slug)
        for slug, name in ProductAlias.objects.values_list("product__slug", "name"):
            self._slugs.setdefault(name.casefold(), slug)
        self.suggestions.sort(key=str.casefold)

    def slug_for(self, name):
        return self._slugs.get(" ".join(name.split()).casefold())


def suggested_comparisons():
    """Products that a clinician would weigh against each other: the same
    kind of therapy aimed at the same target (e.g. the CD19 CAR-Ts), at most
    MAX_PRODUCTS each, as (title, products, query string)."""
    groups = {}
    for product in (
        Product.objects.exclude(target=None)
        .select_related("target")
        .only("slug", "brand_name", "modality", "target__name")
    ):
        groups.setdefault((product.target.name, product.get_modality_display()), [])
        groups[(product.target.name, product.get_modality_display())].append(product)
    return [
        (
            f"{target} {kind}",
            members[:MAX_PRODUCTS],
            _query([p.slug for p in members[:MAX_PRODUCTS]]),
        )
        for (target, kind), members in sorted(groups.items())
        if len(members) >= MIN_PRODUCTS
    ]
