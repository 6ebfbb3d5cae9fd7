"""What differs between the databases: finding candidate terms and words.

The database finds candidates (full-text search and trigrams on PostgreSQL,
the token table on SQLite); which candidates match, and how they rank, is
decided in Python, identically for both engines.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Length

from catalog.search.normalise import allowed_typos

# "auto" uses PostgreSQL's full-text and trigram search where available;
# "portable" forces the token-table path every database has (the parity test
# runs both against the same PostgreSQL data).
ENGINE = "auto"
TYPO_CANDIDATES = 60

# What matching and the reasons read of a term and the record it names.
TERM_COLUMNS = (
    "term", "display", "kind", "is_abbreviation", "value", "cjk",
    "disease__slug", "disease__name",
    "product__slug", "product__brand_name",
    "target__slug", "target__name",
    "company__slug", "company__name",
)  # fmt: skip


def postgres() -> bool:
    return ENGINE == "auto" and connection.vendor == "postgresql"


def _terms():
    from catalog.models import SearchTerm

    return SearchTerm.objects.select_related(
        "disease", "product", "target", "company"
    ).only(*TERM_COLUMNS)


def candidate_terms(tokens: list[str]):
    """Index rows sharing at least one word with the query."""
    from catalog.models import SearchTerm

    rows = _terms()
    if postgres():
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Tokens are letters and digits only: no tsquery operator can get in.
        query = SearchQuery(" | ".join(tokens), search_type="raw", config="simple")
        return rows.annotate(vector=SearchVector("term", config="simple")).filter(
            vector=query
        )
    return rows.filter(
        pk__in=SearchTerm.tokens.through.objects.filter(
            searchtoken__token__in=tokens
        ).values("searchterm_id")
    )


def cjk_terms():
    """Every term in a script written without spaces (a few hundred rows):
    they are matched inside the query's text, which no word index can do."""
    return list(_terms().filter(cjk=True))


def typo_candidates(token: str) -> list[tuple[str, int]]:
    """(word, frequency) from the vocabulary that may be what `token` meant."""
    from catalog.models import SearchToken

    limit = allowed_typos(token)
    # Typos seldom hit both of the first two letters; the same cheap filter on
    # both engines keeps their candidates (and so their answers) alike.
    words = SearchToken.objects.annotate(length=Length("token")).filter(
        Q(token__startswith=token[0]) | Q(token__regex=f"^.{re.escape(token[1])}"),
        length__gte=len(token) - limit,
        length__lte=len(token) + limit,
    )
    if postgres():
        from django.contrib.postgres.search import TrigramSimilarity

        words = (
            words.annotate(similarity=TrigramSimilarity("token", token))
            .filter(similarity__gt=0.1)
            .order_by("-similarity")[:TYPO_CANDIDATES]
        )
    return list(words.values_list("token", "frequency"))
