"""The one search entry point: find products by disease, name or target.

This is plain case-insensitive name matching. A disease match expands to every
narrower disease, so "lymphoma" finds the follicular lymphoma products too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q

from catalog.models import Disease, Product

MAX_QUERY_LENGTH = 200
# Terms this short ("ALL", "MM") are abbreviations: match them whole, or
# "all" would find every disease with "all" inside a word.
SHORT_TERM_LENGTH = 4


def normalise_query(raw: str | None) -> str:
    """Printable text, single-spaced, at most MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if ch.isprintable())
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_LENGTH]


def _text_filter(query: str, *fields: str) -> Q:
    lookup = "iexact" if len(query) <= SHORT_TERM_LENGTH else "icontains"
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__{lookup}": query})
    return condition


def matching_diseases(query: str):
    """Diseases whose name or a synonym matches `query`."""
    if not query:
        return Disease.objects.none()
    condition = _text_filter(query, "name", "synonyms__term")
    return Disease.objects.filter(condition).distinct().order_by("name")


def search_products(queryset, query: str):
    """Products for the matching diseases (and narrower ones) or by their names."""
    query = normalise_query(query)
    if not query:
        return queryset.none()
    disease_ids = Disease.objects.descendant_ids(matching_diseases(query))
    by_name = _text_filter(
        query,
        "brand_name",
        "nonproprietary_name",
        "fda_proper_name",
        "aliases__name",
        "target__name",
    )
    matching_ids = Product.objects.filter(
        by_name | Q(indications__disease_id__in=disease_ids)
    ).values("pk")
    return queryset.filter(pk__in=matching_ids)


@dataclass
class SearchResult:
    query: str
    diseases: list = field(default_factory=list)
    products: list = field(default_factory=list)


def run_search(raw_query: str | None) -> SearchResult:
    query = normalise_query(raw_query)
    result = SearchResult(query=query)
    if query:
        result.diseases = list(matching_diseases(query))
        result.products = list(Product.objects.search(query).for_listing())
    return result
