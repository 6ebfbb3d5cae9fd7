"""The one search entry point: find products by disease, name, code or target.

A query is normalised (case, accents, hyphens and apostrophes, British
spellings, plurals), then matched against every name in the search index:
disease names and synonyms, product brand names, INNs, code names and target
names. Diseases found expand to everything narrower in the hierarchy, so
"lymphoma" finds the follicular lymphoma products, with the reason shown.

The database finds candidate terms (full-text search on PostgreSQL, the token
table on SQLite); which candidates match, and how they rank, is decided here in
Python, identically for both engines.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, IntegerField, Min, Q, Value, When
from django.db.models.functions import Length

from catalog.choices import SynonymKind

MAX_QUERY_LENGTH = 200
MAX_QUERY_TOKENS = 12
# Abbreviations and very short names match only when they are the whole
# query or typed in capitals: "ALL" is a leukaemia, "all" inside a sentence is
# just a word.
SHORT_TERM_LENGTH = 4
SUGGESTION_LIMIT = 8
TYPO_CANDIDATES = 60
MAX_CORRECTIONS = 27  # spellings tried together for one query
# "auto" uses PostgreSQL's full-text and trigram search where available;
# "portable" forces the token-table path every database has (the parity test
# runs both against the same PostgreSQL data).
ENGINE = "auto"

GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa"}
# British spellings → the American ones the vocabulary is keyed on.
SPELLING_RULES = [
    (re.compile(r"aem"), "em"),  # haem-, anaem-, leukaem-, ischaem-, thalassaem-
    (re.compile(r"^paed"), "ped"),
    (re.compile(r"^oe(?=d|s)"), "e"),  # oedema, oesophageal
    (re.compile(r"^tumour"), "tumor"),
    (re.compile(r"^leuc(?=o|y)"), "leuk"),  # leucodystrophy, leucocyte
    (re.compile(r"^naev"), "nev"),
    (re.compile(r"^foet"), "fet"),
]
# Common words never "corrected" into disease words.
COMMON_WORDS = set(
    """a about after all an and any approved are as at be before best by can car
    cell cells child children disease do does drug first for from get give have
    how i in is it line lines medicine my new no not of on or our patient
    patients product products second the therapy therapies third to treat
    treated treatment treatments two type what when where which who with
    year years you vs versus anti based directed targeted targeting there any
    available stem gene genetic engineered regenerative modified option
    options""".split()
)
# Words that narrow a question without naming a disease: they are noted, not
# matched ("relapsed follicular lymphoma" is about follicular lymphoma).
QUALIFIERS = set(
    """adult adults advanced babies baby child children cure cures diagnosed early
    elderly infant infants kid kids latest late man men newly option options
    patient patients pediatric people recurrent refractory relapse relapsed
    severe stage steroid resistant dependent symptom symptoms t woman women
    young""".split()
)


def normalise(text: str | None) -> str:
    """Printable text, single-spaced, at most MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if ch.isprintable())
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_LENGTH]


def _fold(text: str) -> str:
    for letter, word in GREEK.items():
        text = text.replace(letter, f" {word} ")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(token: str) -> str:
    """One spelling per word: American spelling, singular."""
    if token == "vs":
        return "versus"
    for pattern, replacement in SPELLING_RULES:
        token = pattern.sub(replacement, token)
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if (
        len(token) > 3
        and token.endswith("s")
        and not token.endswith(("ss", "us", "is"))
    ):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Words of `text`, folded and stemmed; apostrophes vanish ("Crohn's")."""
    text = re.sub(r"['’`´]", "", _fold(text))
    return [stem(token) for token in re.findall(r"[^\W_]+", text)]


def term_variants(text: str) -> set[str]:
    """The forms a name is indexed under: "non-Hodgkin" also as "nonhodgkin"."""
    variants = {" ".join(tokenize(text))}
    joined = re.sub(r"(?<=\w)[-‐–/](?=\w)", "", text)
    variants.add(" ".join(tokenize(joined)))
    return {variant for variant in variants if variant}


def shouted_tokens(text: str) -> set[str]:
    """Words typed in capitals (ALL, MM): abbreviations the visitor meant."""
    return {
        stem(word.casefold())
        for word in re.findall(r"[A-Za-z0-9]+", text)
        if len(word) >= 2 and word.isupper()
    }


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, giving up (limit + 1) beyond `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(token: str) -> int:
    if len(token) <= 3 or token.isdigit():
        return 0
    return 1 if len(token) <= 6 else 2


# --- the index ----------------------------------------------------------------


def index_entries():
    """(display, kind, is_abbreviation, disease_id, product_id, target_id) rows
    for everything that can be searched, read from the catalog."""
    from catalog.models import Disease, DiseaseSynonym, Product, ProductAlias, Target

    for pk, name in Disease.objects.values_list("pk", "name"):
        yield name, "disease", False, pk, None, None
    for disease_id, term, kind in DiseaseSynonym.objects.values_list(
        "disease_id", "term", "kind"
    ):
        short = kind == SynonymKind.ABBREVIATION or len(term) <= SHORT_TERM_LENGTH
        yield term, f"synonym:{kind}", short, disease_id, None, None
    for pk, *names in Product.objects.values_list(
        "pk", "brand_name", "nonproprietary_name", "fda_proper_name"
    ):
        for kind, name in zip(("brand", "inn", "proper-name"), names, strict=True):
            if name:
                yield name, kind, len(name) <= SHORT_TERM_LENGTH, None, pk, None
    for product_id, name, kind in ProductAlias.objects.values_list(
        "product_id", "name", "kind"
    ):
        yield (
            name,
            f"alias:{kind}",
            len(name) <= SHORT_TERM_LENGTH,
            None,
            product_id,
            None,
        )
    for pk, name in Target.objects.values_list("pk", "name"):
        yield name, "target", False, None, None, pk
        short = name.split(" (")[0]  # "Claudin 18.2 (CLDN18.2)" → "Claudin 18.2"
        if short != name:
            yield short, "target", False, None, None, pk


def rebuild_index():
    """Recreate the search index from the catalog; `seed` calls this."""
    from catalog.models import SearchTerm, SearchToken

    SearchTerm.objects.all().delete()
    SearchToken.objects.all().delete()
    terms, frequency = [], Counter()
    for display, kind, short, disease_id, product_id, target_id in index_entries():
        for variant in term_variants(display):
            frequency.update(variant.split())
            terms.append(
                SearchTerm(
                    term=variant[:300],
                    display=display[:300],
                    kind=kind,
                    is_abbreviation=short,
                    disease_id=disease_id,
                    product_id=product_id,
                    target_id=target_id,
                )
            )
    SearchTerm.objects.bulk_create(terms, batch_size=1000)
    SearchToken.objects.bulk_create(
        (SearchToken(token=token[:100], frequency=n) for token, n in frequency.items()),
        batch_size=1000,
    )
    token_ids = dict(SearchToken.objects.values_list("token", "pk"))
    through = SearchTerm.tokens.through
    links = {
        (term.pk, token_ids[token[:100]])
        for term in SearchTerm.objects.only("pk", "term")
        for token in term.term.split()
    }
    through.objects.bulk_create(
        (through(searchterm_id=term, searchtoken_id=token) for term, token in links),
        batch_size=1000,
    )


# What matching and the reasons read of a term and the record it names.
TERM_COLUMNS = (
    "term", "display", "kind", "is_abbreviation",
    "disease__slug", "disease__name",
    "product__slug", "product__brand_name",
    "target__slug", "target__name",
)  # fmt: skip


def _postgres() -> bool:
    return ENGINE == "auto" and connection.vendor == "postgresql"


def candidate_terms(tokens: list[str]):
    """Index rows sharing at least one word with the query."""
    from catalog.models import SearchTerm

    rows = SearchTerm.objects.select_related("disease", "product", "target").only(
        *TERM_COLUMNS
    )
    if _postgres():
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
    if _postgres():
        from django.contrib.postgres.search import TrigramSimilarity

        words = (
            words.annotate(similarity=TrigramSimilarity("token", token))
            .filter(similarity__gt=0.1)
            .order_by("-similarity")[:TYPO_CANDIDATES]
        )
    return list(words.values_list("token", "frequency"))


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
            for word, frequency in typo_candidates(token)
            if (distance := edit_distance(token, word, allowed)) <= allowed
        )
        found = [(distance, word) for distance, _, word in scored]
        if memo is None:
            return found[:limit]
        memo[token] = found
    return memo[token][:limit]


def correct(token: str, memo: dict | None = None) -> str | None:
    """The single best correction for `token`, if any."""
    found = corrections(token, limit=1, memo=memo)
    return found[0][1] if found else None


# --- matching -------------------------------------------------------------------


@dataclass
class Match:
    """One index term found in the query."""

    term: object  # SearchTerm
    positions: frozenset
    exact: bool

    @property
    def size(self):
        return len(self.positions)


def find_matches(tokens: list[str], shouted: set[str], whole_query: str, candidates):
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


def partial_matches(tokens: list[str], candidates):
    """Terms that contain every word of a short query ("knee cartilage")."""
    if not tokens or len(tokens) > 3:
        return []
    found = []
    for term in candidates:
        words = term.term.split()
        if term.is_abbreviation or not set(tokens) <= set(words):
            continue
        found.append(Match(term, frozenset(range(len(tokens))), exact=False))
    return sorted(found, key=lambda m: (len(m.term.term), m.term.term, m.term.pk))


# --- results --------------------------------------------------------------------


@dataclass
class Hit:
    product: object
    rank: tuple
    reasons: list = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    exact_only: bool = False
    corrected: str = ""
    matched_diseases: list = field(default_factory=list)
    narrower_count: int = 0
    hits: list = field(default_factory=list)
    broader: list = field(default_factory=list)
    did_you_mean: list = field(default_factory=list)
    diseases_without_products: list = field(default_factory=list)
    unexplained: list = field(default_factory=list)
    total: int = 0

    @property
    def shown_all(self):
        return len(self.hits) == self.total

    @property
    def products(self):
        return [hit.product for hit in self.hits]

    @property
    def diseases(self):
        return self.matched_diseases


@dataclass
class Resolution:
    """What the query was understood to name."""

    matches: list
    corrected: str = ""
    unexplained: list = field(default_factory=list)

    @property
    def complete(self):
        """Every meaningful word is accounted for by a match."""
        return bool(self.matches) and not self.unexplained


def _resolve_tokens(tokens, shouted, candidates=None):
    """Match `tokens`; `candidates` (index rows for a superset of the words)
    lets several spellings of one query share a single database query."""
    if candidates is None:
        candidates = list(candidate_terms(tokens)) if tokens else []
    matches = find_matches(
        tokens, shouted, " ".join(tokens), candidates
    ) or partial_matches(tokens, candidates)
    covered = set().union(*(m.positions for m in matches)) if matches else set()
    unexplained = [
        token
        for index, token in enumerate(tokens)
        if index not in covered and not ignorable(token)
    ]
    return Resolution(matches, unexplained=unexplained)


def ignorable(token: str) -> bool:
    return len(token) <= 1 or token in COMMON_WORDS or token in QUALIFIERS


def resolve(query: str, memo: dict | None = None) -> Resolution:
    """The matches for `query`, trying typo fixes and joined spellings
    ("CD-19") when words are left unexplained."""
    from catalog.models import SearchToken

    tokens = tokenize(query)[:MAX_QUERY_TOKENS]
    shouted = shouted_tokens(query)
    best = _resolve_tokens(tokens, shouted)
    if best.complete or not tokens:
        return best
    joined = tokenize(re.sub(r"(?<=\w)[-‐–/](?=\w)", "", query))[:MAX_QUERY_TOKENS]
    if joined != tokens:
        candidate = _resolve_tokens(joined, shouted)
        if candidate.complete:
            return candidate
    known = set(
        SearchToken.objects.filter(token__in=tokens).values_list("token", flat=True)
    )
    options = [
        [(0, token)]
        if token in known or ignorable(token)
        else (corrections(token, memo=memo) or [(0, token)])
        for token in tokens
    ]
    words = {word for option in options for _, word in option}
    candidates = list(candidate_terms(sorted(words)))
    # Try the likeliest spellings together ("mantel cell" → "mantle cell",
    # not "mactel cell"): fewest edits first, and keep the first that
    # explains the whole query.
    for combination in sorted(
        itertools.islice(itertools.product(*options), MAX_CORRECTIONS),
        key=lambda combo: sum(distance for distance, _ in combo),
    ):
        corrected = [word for _, word in combination]
        if corrected == tokens:
            continue
        candidate = _resolve_tokens(corrected, shouted, candidates)
        if candidate.matches and len(candidate.unexplained) < len(best.unexplained):
            candidate.corrected = " ".join(corrected)
            if candidate.complete:
                return candidate
            best = candidate
    return best


def search(
    raw_query: str | None,
    exact_only: bool = False,
    limit: int | None = None,
    with_products: bool = True,
) -> SearchResult:
    """Everything the search page shows for `raw_query`."""
    from catalog.models import Disease

    query = normalise(raw_query)
    result = SearchResult(query=query, exact_only=exact_only)
    if not query:
        return result
    memo = {}  # typo corrections, shared with the suggestions below
    resolution = resolve(query, memo)
    result.corrected = resolution.corrected
    if not resolution.complete:
        # Part of the query names nothing we know ("pancreatic" in
        # "pancreatic cancer"): offering every cancer product would mislead,
        # so the diseases found become broader suggestions instead.
        result.broader = sorted(
            {m.term.disease for m in resolution.matches if m.term.disease_id},
            key=lambda d: d.name,
        )
        result.unexplained = resolution.unexplained
        result.did_you_mean = suggestions(query, limit=5, memo=memo)
        return result
    matches = resolution.matches
    disease_matches = {}
    for match in matches:
        if match.term.disease_id:
            disease_matches.setdefault(match.term.disease, match)
    product_reasons = {}
    for match in matches:
        term = match.term
        if term.product_id:
            product_reasons.setdefault(term.product_id, (0, _product_reason(term)))
        if term.target_id:
            reason = f"targets {term.target.name}"
            product_reasons.setdefault(("target", term.target_id), (1, reason))
    below = Disease.objects.descendants_map(ancestors=[d.pk for d in disease_matches])
    if not exact_only:
        # "non hodgkin" names NHL and, inside longer names, its subtypes: the
        # broadest disease found already covers the narrower ones.
        disease_matches = {
            disease: match
            for disease, match in disease_matches.items()
            if not any(
                other != disease and disease.pk in below.get(other.pk, ())
                for other in disease_matches
            )
        }
    result.matched_diseases = sorted(disease_matches, key=lambda d: d.name)
    expanded = {}
    for disease, match in disease_matches.items():
        reach = {disease.pk} if exact_only else below.get(disease.pk, {disease.pk})
        for disease_id in reach:
            expanded.setdefault(disease_id, (disease, match))
    result.narrower_count = len(set(expanded) - {d.pk for d in disease_matches})
    result.hits, result.total = _hits(expanded, product_reasons, limit, with_products)
    parents = Disease.parents.through.objects.filter(
        from_disease__in=disease_matches
    ).select_related("to_disease")
    shown = set(disease_matches)
    result.broader = sorted(
        {link.to_disease for link in parents if link.to_disease not in shown},
        key=lambda d: d.name,
    )
    # With no product at all, each disease named has none: say so plainly.
    result.diseases_without_products = [] if result.hits else result.matched_diseases
    if not result.hits:
        result.did_you_mean = suggestions(query, limit=5, memo=memo)
    return result


def in_sentence(name: str) -> str:
    """A disease name as it reads mid-sentence: 'Lymphoma' → 'lymphoma', but
    "Crohn's disease", "B-cell lymphoma" and "Epstein-Barr …" keep capitals."""
    first = name.split(" ")[0]
    if (
        len(first) > 1
        and first[1:].islower()
        and first[1].isalpha()
        and "'" not in first
    ):
        return name[0].lower() + name[1:]
    return name


def _product_reason(term) -> str:
    labels = {
        "brand": "brand name",
        "inn": "nonproprietary name",
        "proper-name": "FDA proper name",
        "alias:code": "code name",
        "alias:brand": "brand name",
        "alias:former": "former name",
    }
    label = labels.get(term.kind, "also known as")
    if term.display.casefold() == term.product.brand_name.casefold():
        return "brand name"
    return f"{label} “{term.display}”"


def _hits(expanded, product_reasons, limit=None, with_products=True):
    """Products for the expanded diseases and direct name/target matches,
    ranked: named directly, then exact disease, synonym, narrower disease.
    A label for a broader disease counts when its indication names the
    disease found (an indication lists every disease its label covers).

    Works on plain (product, disease) pairs: a broad term on a large catalog
    reaches thousands of indications, and only the shown hits need words.
    """
    from catalog.models import IndicationDisease, IndicationStatus, Product

    ranks, names, why = {}, {}, {}  # product id → best rank; sort key; reasons

    def note(pid, rank, reason):
        why.setdefault(pid, []).append((rank, reason))

    rank_of = _disease_ranks(expanded)
    if rank_of:
        # The database ranks each product by its best indication, so a broad
        # term on a large catalog sends back one row per product, not one per
        # indication.
        by_rank = {}
        for disease_id, rank in rank_of.items():
            by_rank.setdefault(rank, []).append(disease_id)
        best = Case(
            *(
                When(disease_id__in=ids, then=Value(rank))
                for rank, ids in by_rank.items()
            ),
            output_field=IntegerField(),
        )
        rows = (
            IndicationDisease.objects.filter(disease_id__in=rank_of)
            .values("product_id")
            .annotate(
                best=Min(best),
                name=Min("product__brand_name"),
                slug=Min("product__slug"),
            )
            .values_list("product_id", "best", "name", "slug")
        )
        for pid, rank, name, slug in rows:
            ranks[pid] = rank
            names[pid] = (name.casefold(), slug)
    target_ids = [key[1] for key in product_reasons if isinstance(key, tuple)]
    direct = [pid for pid in product_reasons if not isinstance(pid, tuple)]
    extra = Product.objects.filter(Q(target_id__in=target_ids) | Q(pk__in=direct))
    for pid, target_id, name, slug in extra.values_list(
        "pk", "target_id", "brand_name", "slug"
    ):
        names[pid] = (name.casefold(), slug)
        for key in (pid, ("target", target_id)):
            if key in product_reasons:
                rank, reason = product_reasons[key]
                ranks[pid] = min(ranks.get(pid, 9), rank)
                note(pid, rank, reason)
    order = sorted((ranks[pk], *names[pk], pk) for pk in ranks)
    if not with_products:
        return [Hit(pk, tuple(rank)) for *rank, pk in order], len(order)
    shown = [pk for *_, pk in order[:limit]]
    pairs = IndicationDisease.objects.filter(
        product_id__in=shown, disease_id__in=rank_of
    ).values_list("product_id", "disease_id", "indication_id")
    matched_indications = set()
    for pid, disease_id, indication_id in pairs:
        matched_indications.add(indication_id)
        origin, match = expanded[disease_id]
        if disease_id != origin.pk:
            note(pid, 3, ("narrower", disease_id, origin))
        elif match.term.kind == "disease":
            note(pid, 1, ("disease", origin))
        else:
            note(pid, 2, ("synonym", match.term.display, origin))
    # Cards sum up, per regulator, the indications for the diseases found
    # (every indication of a product found by name).
    rows = IndicationStatus.objects.filter(
        Q(indication_id__in=matched_indications) | Q(product_id__in=direct)
    )
    products = Product.objects.filter(pk__in=shown).for_listing(rows).in_bulk()
    disease_names = _disease_names(why, shown)
    hits = [
        Hit(products[pk], tuple(rank), _reasons(why[pk], disease_names))
        for *rank, pk in order[:limit]
    ]
    return hits, len(order)


def _disease_ranks(expanded) -> dict:
    """Each reachable disease's rank: 1 named, 2 by synonym, 3 narrower."""
    ranks = {}
    for disease_id, (origin, match) in expanded.items():
        if disease_id != origin.pk:
            ranks[disease_id] = 3
        else:
            ranks[disease_id] = 1 if match.term.kind == "disease" else 2
    return ranks


def _disease_names(why, shown):
    from catalog.models import Disease

    ids = {
        reason[1]
        for pk in shown
        for _, reason in why[pk]
        if isinstance(reason, tuple) and reason[0] == "narrower"
    }
    return dict(Disease.objects.filter(pk__in=ids).values_list("pk", "name"))


def _reasons(notes, disease_names) -> list[str]:
    """Why a product matched, in plain words, strongest reason first."""
    reasons = []
    for _, reason in sorted(notes, key=lambda note: note[0]):
        if isinstance(reason, str):
            text = reason
        elif reason[0] == "disease":
            text = f"for {reason[1].name}"
        elif reason[0] == "synonym":
            text = f"matched “{reason[1]}” ({reason[2].name})"
        else:
            name = disease_names[reason[1]]
            text = f"{name}, a kind of {in_sentence(reason[2].name)}"
        if text not in reasons:
            reasons.append(text)
    return reasons


def search_products(queryset, query: str):
    """`queryset` narrowed to what `query` finds (the list page and API use this)."""
    query = normalise(query)
    if not query:
        return queryset.none()
    ids = [hit.product for hit in search(query, with_products=False).hits]
    return queryset.filter(pk__in=ids)


def suggestions(prefix: str, limit: int = SUGGESTION_LIMIT, memo=None) -> list:
    """Index terms starting with what has been typed so far (or close to it)."""
    from catalog.models import SearchTerm

    tokens = tokenize(normalise(prefix))
    if not tokens:
        return []
    start = " ".join(tokens)
    rows = (
        SearchTerm.objects.filter(
            Q(term__startswith=start) | Q(term__contains=f" {start}")
        )
        .select_related("disease", "product", "target")
        .order_by("term")[: limit * 4]
    )
    if not rows:
        corrected = [correct(token, memo) or token for token in tokens]
        if corrected != tokens:
            return suggestions(" ".join(corrected), limit, memo)
    seen, found = set(), []
    for row in sorted(rows, key=lambda r: (not r.term.startswith(start), len(r.term))):
        target = row.disease or row.product or row.target
        key = (type(target).__name__, target.pk)
        if key in seen:
            continue
        seen.add(key)
        found.append(Suggestion(row.display, target))
        if len(found) == limit:
            break
    return found


@dataclass
class Suggestion:
    label: str
    target: object

    @property
    def url(self):
        return self.target.get_absolute_url()

    @property
    def kind(self):
        return type(self.target).__name__.lower()

    @property
    def name(self):
        return str(self.target)
