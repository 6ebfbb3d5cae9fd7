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
    stem,
    tokenize,
    without_cjk,
)

MAX_CORRECTIONS = 27  # spellings tried together for one query
# Unknown words spell-checked in one query; the rest are said to be unread.
MAX_SPELLED = 8
MIN_CJK_PART = 2  # characters of a CJK name matched inside longer names
MAX_INSIDE_WORDS = 3  # words looked for inside longer names
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
    therapeutic medicines drugs treatment approach approaches transplant
    transplantation out up down off over""".split()
    # Who is asking, for whom, and how: a patient's or a carer's words around
    # the disease ("my dad has blood cancer", "is there a cure for...").
    + """dad mum mom mother father son daughter wife husband partner brother
    sister friend grandma grandmother grandpa grandfather granddad nan aunt
    uncle family relative loved one has got suffer suffering suffers living
    live diagnosed diagnosis told am im ive iam looking search searching
    information info news research trial trials clinical study studies
    doctor doctors hospital clinic near cost price pay buy effective work works
    working safe safety side effect effects question please thank thanks
    recommend recommended good better best top lately recent recently current
    currently possible possibly really still again already now today right
    kind kinds type types form forms sort way ways called name names know
    tell say said does did done make made into onto under above below like
    problem problems issue issues trouble troubles pain painful ache aching""".split()
    # The same little words in the other languages searched.
    + """en de la le les el los las del des du un una une der die das den dem
    und et y e o ou oder di da do dos das na nas no nos em para pour fur mit
    con avec com per nel nella sur bei gegen contra contre tratamiento
    traitement behandlung trattamento tratamento terapia therapie""".split()
)
# Compared with the query's stemmed words ("does" reads "doe").
COMMON_WORDS |= {stem(word) for word in COMMON_WORDS}


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
    unchecked: list = field(default_factory=list)  # words past the limits
    tokens: list = field(default_factory=list)  # the words read, in order

    def beside_a_disease(self) -> list[str]:
        """Unknown words against a disease's name, as a word naming a kind
        of it would stand ("pancreatic cancer", "cancer of the pancreas"),
        not elsewhere in a sentence ("my dad has blood cancer")."""
        spans = [
            m.positions for m in self.matches if m.term.disease_id and not m.term.cjk
        ]
        found = []
        for word in self.ignored:
            if has_cjk(word):
                continue
            places = [i for i, token in enumerate(self.tokens) if token == word]
            if not places or not all(spans):
                # Corrected, or a disease found inside a longer name: as near
                # as can be told.
                found.append(word)
            elif any(_touches(i, span, self.tokens) for i in places for span in spans):
                found.append(word)
        return found

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


# Words joining a name to what narrows it: "cancer of the pancreas",
# "cáncer de páncreas", "cancer du pancréas".
LINKING = {"of", "the", "de", "du", "des", "del", "di", "da", "do", "la", "le"}


def _touches(index, span, tokens) -> bool:
    """Word `index` just before the span ("pancreatic cancer"), or after it
    across a linking word ("cancer of the pancreas"); a word straight after
    it is more often something else ("lymphoma drop table")."""
    if index == min(span) - 1:
        return True
    between = tokens[max(span) + 1 : index]
    return index > max(span) and 1 <= len(between) <= 2 and set(between) <= LINKING


def find_matches(tokens, shouted, whole_query, candidates):
    """The index terms the query names, longest first, without overlaps."""
    if not tokens:
        return []
    found = []
    available = {}
    for index, token in enumerate(tokens):
        available.setdefault(token, []).append(index)
    for term in candidates:
        words = term.term.split()
        if not available.keys() >= set(words):
            continue  # most candidates share one word with the query, not all
        if term.is_abbreviation and not (
            term.term == whole_query
            or set(words) <= shouted
            or all(map(_unmistakable, words))
        ):
            continue
        positions = _positions(words, available)
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


def _unmistakable(word: str) -> bool:
    """An abbreviation no English word is spelled like ("gvhd", "dlbcl"):
    it is meant even typed in small letters inside a sentence."""
    return len(word) >= 3 and word.isalpha() and not set(word) & set("aeiouy")


def _positions(words, available):
    """Where the term's words sit in the query (in any order), or None;
    `available` maps each word of the query to its places."""
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


def _read(tokens, shouted, candidates, corrected=False):
    """Matches and unexplained words for one spelling of the query, also
    looking for the words inside longer names."""
    matches = find_matches(tokens, shouted, " ".join(tokens), candidates)
    covered = set().union(*(m.positions for m in matches)) if matches else set()
    left = [
        token
        for index, token in enumerate(tokens)
        if index not in covered and not ignorable(token)
    ]
    if left:
        return _read_inside(tokens, matches, left, candidates, corrected)
    return matches, left


def _read_inside(tokens, matches, left, candidates, corrected):
    """Words found only inside longer names: first a disease name holding
    every meaningful word ("brain injury" in "traumatic brain injury"), then
    the leftover words beside a kind of therapy ("stem cells for knees")."""
    # The words the vocabulary knows ("worn" in "worn out knee cartilage"
    # is left out, and said so), when one of them is not yet explained.
    known = {word for term in candidates for word in term.term.split()}
    meaningful = [t for t in tokens if not ignorable(t) and t in known]
    words = [t for t in meaningful if t.isalpha()]
    # Two known words, or every word known: one known word beside an
    # unknown one ("rheumatoid arthritis") is not a name held here.
    enough = len(words) >= 2 or (
        words and len(meaningful) == len(left) + _covered(matches, tokens)
    )
    if enough and set(meaningful) & set(left) and len(meaningful) <= MAX_INSIDE_WORDS:
        kept = [m for m in matches if not m.term.disease_id]
        # Words a kind of therapy or a place already explains are not read
        # again inside a disease's name ("células madre" is stem cells).
        taken = {tokens[i] for m in kept for i in m.positions}
        free = [t for t in meaningful if t not in taken]
        whole, used = _inside_names(free, candidates, needed=set(left))
        if whole:
            return kept + whole, [t for t in left if t not in used]
    subjects = _subjects(matches)
    if corrected:
        # A corrected word must name something itself, not sit inside some
        # longer name ("torn" is not "born" of "born without a thymus").
        return matches, left
    if any(m.term.disease_id for m in subjects) or len(left) > MAX_INSIDE_WORDS:
        return matches, left
    if not all(token.isalpha() for token in left):
        return matches, left
    inside = partial_matches(left, candidates)
    if subjects:
        # Beside a kind of therapy or a sponsor, only diseases narrow it:
        # the knee diseases, not every knee product.
        inside = [m for m in inside if m.term.disease_id]
    return (matches + inside, []) if inside else (matches, left)


def _inside_names(words, candidates, needed=frozenset()):
    """Disease names holding every one of `words`, or else every one of the
    most of them (two at least): "spinal cord damage" is the spinal cord
    injury, though no name holds "damage" beside "spinal cord"."""
    for size in range(len(words), min(len(words), 2) - 1, -1):
        found, used = [], set()
        for subset in itertools.combinations(words, size):
            if needed and not needed & set(subset):
                continue  # explains nothing left unexplained
            named = [
                m
                for m in partial_matches(list(subset), candidates)
                if m.term.disease_id and not _adds_negation(m.term.term, subset)
            ]
            if named:
                found += named
                used |= set(subset)
        if found:
            return found, used
    return [], set()


def _covered(matches, tokens) -> int:
    """How many meaningful words of `tokens` the matches explain."""
    positions = set().union(*(m.positions for m in matches)) if matches else set()
    return sum(1 for i in positions if not ignorable(tokens[i]))


NEGATING = {"non", "not", "no", "without"}


def _adds_negation(term: str, words) -> bool:
    """A longer name that negates what was typed ("non hodgkin lymphoma"
    for "hodgkin lymphoma") is not what was meant."""
    return bool(NEGATING & (set(term.split()) - set(words)))


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
            for word, frequency in engine.typo_candidates(token, memo)
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
    every_token = tokenize(rest)
    tokens = every_token[:MAX_QUERY_TOKENS]
    # Past the words read or the words spell-checked, a long query is said
    # to be cut, not silently shortened (and costs no more to answer).
    result.unchecked = [t for t in every_token[MAX_QUERY_TOKENS:] if not ignorable(t)]
    shouted = shouted_tokens(rest)
    matches, left = _read(tokens, shouted, _candidates(tokens))
    if left:
        joined = tokenize(join_hyphens(rest))[:MAX_QUERY_TOKENS]
        if joined != tokens:
            other, other_left = _read(joined, shouted, _candidates(joined))
            if len(other_left) < len(left):
                matches, left, tokens = other, other_left, joined
    if left:
        spelled = set(left[:MAX_SPELLED])
        unread = [t for t in left if t not in spelled]
        matches, left, result.corrections = _corrected(
            tokens, shouted, matches, left, memo, spelled
        )
        left = [t for t in left if t not in unread]
        result.unchecked = unread + result.unchecked
    result.matches = cjk + matches
    result.tokens = tokens
    result.ignored = left + _cjk_leftover(query, cjk)
    return result


def _candidates(tokens):
    return list(engine.candidate_terms(tokens)) if tokens else []


def _corrected(tokens, shouted, matches, left, memo, spelled):
    """Try the likeliest spellings of the unexplained words together
    ("mantel cell" → "mantle cell", not "mactel cell"): fewest edits first;
    keep the spelling that explains the most words."""
    # A word left unexplained is worth correcting even when the vocabulary
    # knows it: "folicular" is Portuguese, and an English typo.
    options = [
        [(0, token)]
        if ignorable(token) or token not in spelled
        else (corrections(token, memo=memo) or [(0, token)])
        for token in tokens
    ]
    words = sorted({word for option in options for _, word in option})
    candidates = _candidates(words)
    known = {word for term in candidates for word in term.term.split()}
    best = (matches, left, [])
    for combination in sorted(
        itertools.islice(itertools.product(*options), MAX_CORRECTIONS),
        key=lambda combo: sum(distance for distance, _ in combo),
    ):
        spelled = [word for _, word in combination]
        if spelled == tokens:
            continue
        found, still = _read(spelled, shouted, candidates, corrected=True)
        changed = [(a, b) for a, b in zip(tokens, spelled, strict=True) if a != b]
        # A real word ("cartilage") is changed only when that explains the
        # whole query, never into a brand name beside words still unknown.
        if still and any(a in known for a, _ in changed):
            continue
        if found and len(still) < len(best[1]):
            back = {b: a for a, b in changed}
            changes = [(a, b) for a, b in changed if b not in still]
            best = (found, [back.get(word, word) for word in still], changes)
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
    # A shorter name typed than the one matched ("骨髄腫") was understood.
    named = [match.term.term for match in matches]
    return [
        part
        for part in text.split()
        if len(part) > 1 and has_cjk(part) and not any(part in n for n in named)
    ]
