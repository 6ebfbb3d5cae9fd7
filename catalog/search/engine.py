"""What differs between the databases: finding candidate terms and words.

The database finds candidate terms (full-text search on PostgreSQL, the
token table on SQLite); which candidates match, and how they rank, is decided
in Python, identically for both engines, as are the spelling corrections.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection

from catalog.search.normalise import allowed_typos

# "auto" uses PostgreSQL's full-text search where available;
# "portable" forces the token-table path every database has (the parity test
# runs both against the same PostgreSQL data).
ENGINE = "auto"
TYPO_CANDIDATES = 400  # words compared with one misspelt word, at most
WORDS_KEY = "vocabulary words"  # where a request keeps them (see typo_candidates)

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


def typo_candidates(token: str, memo: dict | None = None) -> list[tuple[str, int]]:
    """(word, frequency) from the vocabulary that may be what `token` meant.

    The vocabulary's words are read once per request (`memo`) and filtered
    here, the same way on both engines: however many words are misspelt, the
    spelling pass costs one query."""
    limit = allowed_typos(token)
    words = vocabulary_words(memo)
    # Typos seldom hit both of the first two letters.
    low, high = len(token) - limit, len(token) + limit
    letters = Counter(token)
    found = {
        (word, frequency)
        for word, frequency, counts in words.get(token[0], ()) + words.get(token[1], ())
        if low <= len(word) <= high
        and (word[0] == token[0] or word[1] == token[1])
        and _letters_apart(letters, counts, len(word) - len(token)) <= limit
    }
    # The nearest lengths first, then the commoner words, are the ones kept.
    ranked = sorted(
        found, key=lambda pair: (abs(len(pair[0]) - len(token)), -pair[1], pair[0])
    )
    return ranked[:TYPO_CANDIDATES]


def _letters_apart(a: Counter, b: Counter, extra: int) -> int:
    """A lower bound of the edit distance, from the letters alone: each edit
    adds or removes at most one letter on each side (a swap none). `extra`
    is how much longer b is than a."""
    missing = sum(
        n - b.get(letter, 0) for letter, n in a.items() if n > b.get(letter, 0)
    )
    return max(missing, missing + extra)


def vocabulary_words(memo: dict | None = None) -> dict:
    """The index's words by their first and by their second letter, read
    once per request and kept between requests while the index is the same
    (seed rebuilds it: its size, last id and total frequency change)."""
    from django.db.models import Count, Max, Sum

    from catalog.models import SearchToken

    if memo is not None and WORDS_KEY in memo:
        return memo[WORDS_KEY]
    signature = tuple(
        SearchToken.objects.aggregate(
            n=Count("pk"), last=Max("pk"), total=Sum("frequency")
        ).values()
    )
    global _VOCABULARY
    if _VOCABULARY[0] != signature:
        # Rebound in one step: a thread reading meanwhile sees old or new.
        _VOCABULARY = (signature, _read_words())
    words = _VOCABULARY[1]
    if memo is not None:
        memo[WORDS_KEY] = words
    return words


_VOCABULARY = (None, {})  # the last index read, with its signature


def _read_words() -> dict:
    from catalog.models import SearchToken

    words = {}
    for word, frequency in SearchToken.objects.values_list("token", "frequency"):
        if len(word) < 2:
            continue
        entry = (word, frequency, Counter(word))
        words.setdefault(word[0], []).append(entry)
        if word[1] != word[0]:
            words.setdefault(word[1], []).append(entry)
    return words
