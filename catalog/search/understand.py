"""Entity recognition: what a query names, anywhere in it.

The query's words are matched against the vocabulary (longest names first,
in any order); what is left is tried again with typo corrections, and what
still matches nothing is reported as ignored, never silently rewritten.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from catalog.search import engine
from catalog.search.normalise import (
    MAX_QUERY_TOKENS,
    allowed_typos,
    cjk_text,
    edit_distance,
    has_cjk,
    join_hyphens,
    shouted_tokens,
    tokenize,
    without_cjk,
)

MAX_CORRECTIONS = 27
MIN_CJK_PART = 2  # characters of a CJK name matched inside longer names  # spellings tried together for one query
# Common words never "corrected" into names, and ignored without comment.
COMMON_WORDS = set(
    """a about after all an and any are as at be before best by can car
    cell cells disease diseases do does drug for from get give have how i in is
    it line lines medicine my new no not of on or our patient patients product
    products the therapy therapies to treat treated treatment treatments type
    what when where which who with year years you vs versus anti based
    directed targeted targeting there available stem gene genetic engineered
    regenerative option options cure cures symptom symptoms people person
    man men woman women early late latest severe condition conditions used
    use using option me he she they their his her this that these those list
    show find help want need any t s x by been has had was were will would
    should could against via per than then so if yet also only just more most
    other others some such own same very much many ever versus cellular
    therapeutic medicines drugs treatment approach approaches""".split()
)


@dataclass
class Match:
    """One index term found in the query."""

    term: object  # SearchTerm
    positions: frozenset
    exact: bool

    @property
    def size(self):
        return len(self.positions)


@dataclass
class Understanding:
    """What the query was understood to name, and what was not understood."""

    query: str
    matches: list = field(default_factory=list)
    # (typed, understood as) for each word corrected
    corrections: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    @property
    def corrected(self) -> str:
        return ", ".join(f"{typed} → {used}" for typed, used in self.corrections)

    def of_kind(self, *prefixes):
        return [m for m in self.matches if m.term.kind.startswith(prefixes)]

    @property
    def diseases(self):
        found = {}
        for match in self.matches:
            if match.term.disease_id:
                found.setdefault(match.term.disease, match)
        return found

    def ids(self, attribute):
        return {
            getattr(m.term, attribute)
            for m in self.matches
            if getattr(m.term, attribute)
        }

    def values(self, kind):
        return {m.term.value for m in self.matches if m.term.kind == kind}

    @property
    def subjects(self):
        """Matches naming what to find, not how to narrow it."""
        return [m for m in self.matches if m.term.kind not in ("place", "qualifier")]


def find_matches(tokens, shouted, whole_query, candidates):
    """The index terms the query names, longest first, without overlaps."""
    if not tokens:
        return []
    found = []
    for term in candidates:
        words = term.term.split()
        if term.is_abbreviation and not (
            term.term == whole_query or set(words) <= shouted
        ):
            continue
        positions = _positions(words, tokens)
        if positions is not None:
            found.append(Match(term, positions, exact=len(words) == len(tokens)))
    found.sort(key=lambda m: (-m.size, not m.exact, m.term.term, m.term.pk))
    accepted, covered = [], set()
    for match in found:
        if match.positions <= covered and not any(
            match.positions == other.positions for other in accepted
        ):
            continue
        accepted.append(match)
        covered |= match.positions
    return accepted


def _positions(words, tokens):
    """Where the term's words sit in the query (in any order), or None."""
    available = {}
    for index, token in enumerate(tokens):
        available.setdefault(token, []).append(index)
    positions = set()
    for word in words:
        free = [i for i in available.get(word, []) if i not in positions]
        if not free:
            return None
        positions.add(free[0])
    return frozenset(positions)


def partial_matches(tokens, candidates):
    """Names containing every leftover word ("knee cartilage" → the knee
    cartilage diseases), for a few words the vocabulary has only inside
    longer names."""
    if not tokens or len(tokens) > 3:
        return []
    found = []
    for term in candidates:
        words = term.term.split()
        named = term.disease_id or term.product_id or term.target_id
        if term.is_abbreviation or not named or not set(tokens) <= set(words):
            continue
        found.append(Match(term, frozenset(), exact=False))
    # Diseases first: "sickle cell" is the disease, not the product once
    # called "LentiGlobin for sickle cell disease".
    diseases = [m for m in found if m.term.disease_id]
    return sorted(
        diseases or found, key=lambda m: (len(m.term.term), m.term.term, m.term.pk)
    )


def ignorable(token: str) -> bool:
    """Words that carry nothing alone; a digit does ("type 2 diabetes")."""
    return (len(token) <= 1 and not token.isdigit()) or token in COMMON_WORDS


def _read(tokens, shouted, candidates):
    """Matches and unexplained words for one spelling of the query."""
    matches = find_matches(tokens, shouted, " ".join(tokens), candidates)
    covered = set().union(*(m.positions for m in matches)) if matches else set()
    left = [
        token
        for index, token in enumerate(tokens)
        if index not in covered and not ignorable(token)
    ]
    words = [token for token in left if token.isalpha()]
    subjects = _subjects(matches)
    if (
        words == left
        and len(left) <= 3
        and not any(m.term.disease_id for m in subjects)
    ):
        partial = partial_matches(left, candidates)
        if subjects:
            # Beside a kind of therapy or a sponsor, only diseases narrow it
            # ("stem cells for knees"): the knee diseases, not knee products.
            partial = [m for m in partial if m.term.disease_id]
        if partial:
            matches, left = matches + partial, []
    return matches, left


def _subjects(matches):
    return [m for m in matches if m.term.kind not in ("place", "qualifier")]


def corrections(token: str, limit: int = 3, memo: dict | None = None):
    """The closest vocabulary words within the allowed typos, best first.

    Closest first, then the more common word, then alphabetical, so both
    engines rank the same words the same way. `memo` spares a second lookup
    of the same word within one request.
    """
    allowed = allowed_typos(token)
    if not allowed or token in COMMON_WORDS:
        return []
    if memo is None or token not in memo:
        scored = sorted(
            (distance, -frequency, word)
            for word, frequency in engine.typo_candidates(token)
            if (distance := edit_distance(token, word, allowed)) <= allowed
        )
        found = [(distance, word) for distance, _, word in scored]
        if memo is None:
            return found[:limit]
        memo[token] = found
    return memo[token][:limit]


def understand(query: str, memo: dict | None = None) -> Understanding:
    """Everything `query` names, trying typo fixes and joined spellings
    ("CD-19") for the words left unexplained."""
    result = Understanding(query)
    cjk, rest = _cjk_matches(query)
    tokens = tokenize(rest)[:MAX_QUERY_TOKENS]
    shouted = shouted_tokens(rest)
    matches, left = _read(tokens, shouted, _candidates(tokens))
    if left:
        joined = tokenize(join_hyphens(rest))[:MAX_QUERY_TOKENS]
        if joined != tokens:
            other, other_left = _read(joined, shouted, _candidates(joined))
            if len(other_left) < len(left):
                matches, left, tokens = other, other_left, joined
    if left:
        matches, left, result.corrections = _corrected(
            tokens, shouted, matches, left, memo
        )
    result.matches = cjk + matches
    result.ignored = left + _cjk_leftover(query, cjk)
    return result


def _candidates(tokens):
    return list(engine.candidate_terms(tokens)) if tokens else []


def _corrected(tokens, shouted, matches, left, memo):
    """Try the likeliest spellings of the unexplained words together
    ("mantel cell" → "mantle cell", not "mactel cell"): fewest edits first;
    keep the spelling that explains the most words."""
    # A word left unexplained is worth correcting even when the vocabulary
    # knows it: "folicular" is Portuguese, and an English typo.
    options = [
        [(0, token)]
        if ignorable(token) or token not in left
        else (corrections(token, memo=memo) or [(0, token)])
        for token in tokens
    ]
    words = sorted({word for option in options for _, word in option})
    candidates = _candidates(words)
    best = (matches, left, [])
    for combination in sorted(
        itertools.islice(itertools.product(*options), MAX_CORRECTIONS),
        key=lambda combo: sum(distance for distance, _ in combo),
    ):
        spelled = [word for _, word in combination]
        if spelled == tokens:
            continue
        found, still = _read(spelled, shouted, candidates)
        if found and len(still) < len(best[1]):
            changes = [(a, b) for a, b in zip(tokens, spelled, strict=True) if a != b]
            best = (found, still, changes)
            if not still:
                break
    return best


def _cjk_matches(query: str):
    """Terms in Japanese, Chinese or Korean found inside the query, longest
    first; the query comes back with the matched text taken out."""
    text = cjk_text(query)
    if not text:
        return [], query
    found, taken = [], text
    terms = sorted(engine.cjk_terms(), key=lambda t: (-len(t.term), t.pk))
    for term in terms:
        if term.term and term.term in taken:
            taken = taken.replace(term.term, " ")
            found.append(Match(term, frozenset(), exact=term.term == text))
    if not found and len(text) >= MIN_CJK_PART:
        # A shorter name typed than the vocabulary holds ("骨髄腫" for
        # "多発性骨髄腫"): the diseases whose names contain it.
        found = [Match(t, frozenset(), False) for t in terms if text in t.term]
    return found, without_cjk(query)


def _cjk_leftover(query, matches):
    text = cjk_text(query)
    for match in sorted(matches, key=lambda m: -len(m.term.term)):
        text = text.replace(match.term.term, " ")
    return [part for part in text.split() if len(part) > 1 and has_cjk(part)]
