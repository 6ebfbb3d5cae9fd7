"""The one search entry point: find products by what people type.

A pipeline of small steps: `normalise` folds the text; `vocabulary` builds
the index at seed time; `understand` recognises diseases, products, targets,
sponsors, kinds of therapy, places and qualifiers anywhere in the query;
`engine` hides what differs between the databases; `results` turns the
entities into the product list's own criteria on the status table and ranks
what they select; this module explains it all for the page and the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower

from catalog.search import engine
from catalog.search.normalise import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_TOKENS,
    normalise,
    past_the_limit,
    tokenize,
)
from catalog.search.results import find
from catalog.search.suggest import Suggestion, suggestions
from catalog.search.understand import MAX_SPELLED, ignorable, understand
from catalog.search.vocabulary import rebuild_index

__all__ = [
    "MAX_QUERY_LENGTH",
    "SearchResult",
    "Suggestion",
    "engine",
    "matched_ids",
    "relevance",
    "rebuild_index",
    "search",
    "search_products",
    "suggestions",
]
DID_YOU_MEAN = 3
# Beyond this many products, relevance orders the rest by name (see relevance).
RANKED_ONE_BY_ONE = 500


@dataclass
class SearchResult:
    query: str
    exact_only: bool = False
    understood: list = field(default_factory=list)  # (what, name) pairs
    ignored: list = field(default_factory=list)  # words that matched nothing
    unchecked: list = field(default_factory=list)  # words past the reading limits
    corrections: list = field(default_factory=list)  # (typed, read as)
    matched_diseases: list = field(default_factory=list)
    narrower_count: int = 0
    hits: list = field(default_factory=list)  # the products on this page
    ids: list = field(default_factory=list)  # every product found, best first
    set_aside: list = field(default_factory=list)  # products the qualifiers left
    broader: list = field(default_factory=list)
    did_you_mean: list = field(default_factory=list)
    diseases_without_products: list = field(default_factory=list)
    partly_understood: bool = False

    @property
    def total(self):
        return len(self.ids)

    @property
    def reading_limits(self):
        """What the page says of the words it did not read."""
        return {
            "characters": MAX_QUERY_LENGTH,
            "words": MAX_QUERY_TOKENS,
            "spelled": MAX_SPELLED,
        }

    @property
    def products(self):
        return [hit.product for hit in self.hits]

    @property
    def diseases(self):
        return self.matched_diseases

    @property
    def not_understood(self):
        return not self.understood

    @property
    def corrected(self):
        return ", ".join(f"“{a}” as “{b}”" for a, b in self.corrections)


@dataclass
class Hit:
    product: object
    reasons: list = field(default_factory=list)


def search(
    raw_query: str | None,
    exact_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
    with_products: bool = True,
) -> SearchResult:
    """Everything the search page shows for `raw_query`: the products found,
    best first (`limit` of them from `offset` with their cards), and what
    was understood, corrected and ignored."""
    from catalog.search.explain import describe, hits, reach

    query = normalise(raw_query)
    result = SearchResult(query=query, exact_only=exact_only)
    if not query:
        return result
    memo = {}  # typo corrections, shared with the suggestions below
    understanding = understand(query, memo)
    describe(result, understanding)
    cut = tokenize(past_the_limit(raw_query))
    result.unchecked += [word for word in cut if not ignorable(word)]
    expanded, label_diseases = reach(result, understanding, exact_only)
    if result.partly_understood or not result.understood:
        result.did_you_mean = _did_you_mean(query, result, memo)
        return result
    found = find(understanding, expanded, label_diseases)
    result.ids = found.order
    if with_products:
        shown = found.order[offset : None if limit is None else offset + limit]
        result.hits = hits(shown, understanding, expanded, found)
        aside = found.set_aside[: limit or None]
        result.set_aside = hits(aside, understanding, expanded, found)
    if not found.order:
        result.diseases_without_products = [
            d for d in result.matched_diseases if not found.set_aside
        ]
        result.did_you_mean = _did_you_mean(query, result, memo)
    return result


def _did_you_mean(query, result, memo):
    """Up to three other searches: close names, then broader diseases."""
    choices = list(suggestions(query, limit=DID_YOU_MEAN, memo=memo))
    # Two words at most, each a look-up: a word the spelling pass could not
    # place seldom starts a name either.
    for word in [w for w in result.ignored if len(w) > 3][:2]:
        choices += suggestions(word, limit=1, memo=memo)
    seen, unique = set(), []
    for choice in choices:
        if choice.key not in seen:
            seen.add(choice.key)
            unique.append(choice)
    return unique[:DID_YOU_MEAN]


def matched_ids(query: str) -> list:
    """The ids of the products `query` finds, best first (for the list page
    and the API, which order by this when sorting by relevance)."""
    query = normalise(query)
    if not query:
        return []
    return search(query, with_products=False).ids


def relevance(ids: list) -> list:
    """order_by() arguments putting `ids` in the search's order, in SQL, so
    that the list page and the API page through it like the search page.
    Small lists are ordered one by one; large ones in blocks, each sorted by
    name, which is how the search orders products within a rank."""
    if not ids:
        return ["brand_name", "slug"]
    whens = [When(pk=pk, then=Value(i)) for i, pk in enumerate(ids[:RANKED_ONE_BY_ONE])]
    if len(ids) > RANKED_ONE_BY_ONE:
        whens.append(When(pk__in=ids[RANKED_ONE_BY_ONE:], then=Value(len(ids))))
    return [Case(*whens, output_field=IntegerField()), Lower("brand_name"), "slug"]


def search_products(queryset, query: str, ids=None):
    """`queryset` narrowed to what `query` finds; `ids` reuses a search the
    request already ran."""
    ids = matched_ids(query) if ids is None else ids
    return queryset.filter(pk__in=ids)
