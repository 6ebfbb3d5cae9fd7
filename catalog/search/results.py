"""From what the query names to the products found, ranked and explained.

Entities become the same criteria the product list uses, applied to the
per-indication status table: diseases (with everything narrower), places
and status words select status rows; products, targets, sponsors and kinds
of therapy select products; qualifiers keep the indications whose wording
fits. Names of one kind add up ("Kymriah or Yescarta"); kinds narrow each
other ("CAR-T for myeloma in Japan").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Min, Q, Value, When

from catalog.choices import AUTHORISED_STATUSES, Status
from catalog.search.qualifiers import fits

# Ranks, best first: named directly, the disease's own name, a synonym, a
# narrower disease, a label whose wording names the disease, anything else.
NAMED, DISEASE, SYNONYM, NARROWER, LABEL_TEXT, OTHER = range(6)
ENDED = [Status.WITHDRAWN, Status.EXPIRED, Status.LAPSED, Status.SUSPENDED]
STATUS_WORDS = {
    "status:withdrawn": ENDED,
    "status:refused": [Status.REFUSED, Status.CRL],
    "status:under-review": [Status.UNDER_REVIEW],
    "status:conditional": [Status.CONDITIONAL, Status.ACCELERATED],
}
# Products made of T cells, engineered or not.
T_CELLS = Q(modality__in=["car-t", "tcr-t", "til", "virus-specific-t"]) | (
    # "T cells" as words: not the end of "fat cells" or "pigment cells", nor
    # the T cells a stem-cell graft happens to include.
    Q(cell_type__iregex=r"(^|[^a-z])t (cells|lymphocytes)")
    & ~Q(cell_type__icontains="including T cells")
)
# Kinds of therapy: the predicate on products each word stands for.
THERAPY_KINDS = {
    "stem-cell": Q(modality__in=["msc", "gene-modified-hsc", "cord-blood-hpc"])
    | Q(cell_type__icontains="stem")
    | Q(cell_type__icontains="progenitor"),
    "cord-blood-transplant": Q(modality="cord-blood-hpc"),
    "cord-blood": Q(modality="cord-blood-hpc")
    | Q(cell_source__tissue__icontains="cord-blood"),
    "gene-modified": ~Q(gene_modification="none"),
    "chondrocyte": Q(cell_type__icontains="chondrocyte"),
    "keratinocyte": Q(cell_type__icontains="keratinocyte"),
    "fibroblast": Q(cell_type__icontains="fibroblast"),
    # Grown skin: keratinocyte products, and fibroblasts on a scaffold (not
    # the fibroblast injections for wrinkles and scars).
    "skin": Q(cell_type__icontains="keratinocyte")
    | (Q(modality="tissue-engineered") & Q(cell_type__icontains="fibroblast")),
    "t-cell": T_CELLS,
    "ips": Q(cell_type__icontains="pluripotent") | Q(cell_source__tissue="ipsc"),
    "autologous": Q(cell_source__donor_relation="autologous"),
    "allogeneic": Q(cell_source__donor_relation="allogeneic"),
    "adipose": Q(cell_source__tissue="adipose-tissue"),
    "engineered-t": Q(modality__in=["car-t", "tcr-t"]),
    "immune": T_CELLS | Q(modality__in=["nk", "dendritic"]),
    "any": Q(pk__isnull=False),
}


@dataclass
class Found:
    """Products found, best first, with why each was found."""

    order: list = field(default_factory=list)  # product ids
    reasons: dict = field(default_factory=dict)  # product id → [(rank, reason)]
    indications: set = field(default_factory=set)  # the indications that matched
    # Products the qualifiers set aside (shown apart, clearly labelled).
    set_aside: list = field(default_factory=list)


# Kinds of therapy along separate axes narrow each other ("gene-modified
# stem cells", "tissue-engineered cartilage"); kinds of cell add up ("CAR-T or
# TCR-T"), the most specific named winning ("TCR T-cell therapy" is TCR-T,
# not every T-cell product).
THERAPY_AXES = (
    {"gene-modified"},
    {"tissue-engineered"},
    {"autologous", "allogeneic"},
    {"adipose"},
)
BROADER_KINDS = {"any": 0, "immune": 1, "t-cell": 2, "engineered-t": 3}


def therapy_filter(values) -> Q:
    values = set(values)
    query = Q()
    for axis in THERAPY_AXES:
        if named := values & axis:
            query &= _any_of(named)
            values -= axis
    if values:
        best = max(BROADER_KINDS.get(value, 9) for value in values)
        query &= _any_of(v for v in values if BROADER_KINDS.get(v, 9) == best)
    return query


def _any_of(values) -> Q:
    query = Q()
    for value in sorted(values):
        query |= THERAPY_KINDS.get(value, Q(modality=value))
    return query


def product_filter(understanding) -> Q | None:
    """Products, targets, sponsors and kinds of therapy, each kind narrowing."""
    parts = []
    if ids := understanding.ids("product_id"):
        parts.append(Q(pk__in=ids))
    if ids := understanding.ids("target_id"):
        parts.append(Q(target_id__in=ids))
    if ids := understanding.ids("company_id"):
        parts.append(Q(sponsor_id__in=ids) | Q(sponsor__parent_id__in=ids))
    if values := understanding.values("therapy"):
        parts.append(therapy_filter(values))
    if not parts:
        return None
    query = Q()
    for part in parts:
        query &= part
    return query


def row_filter(understanding) -> Q | None:
    """Places and status words, on the status rows."""
    query = Q()
    countries = understanding.values("place")
    agencies = understanding.values("agency")
    if countries or agencies:
        query &= Q(agency__country__in=countries) | Q(agency__slug__in=agencies)
    qualifiers = understanding.values("qualifier")
    statuses = [s for q in qualifiers for s in STATUS_WORDS.get(q, ())]
    if statuses:
        query &= Q(status__in=statuses)
    elif countries or agencies or "status:authorised" in qualifiers:
        query &= Q(first_authorised_on__isnull=False)
    return query if query != Q() else None


def disease_ranks(expanded) -> dict:
    """Each reachable disease's rank: named, by synonym, or narrower."""
    ranks = {}
    for disease_id, (origin, match) in expanded.items():
        if disease_id != origin.pk:
            ranks[disease_id] = NARROWER
        else:
            ranks[disease_id] = DISEASE if match.term.kind == "disease" else SYNONYM
    return ranks


def find(understanding, expanded, label_diseases=()) -> Found:
    """The products the understood query selects, ranked."""
    from catalog.models import IndicationStatus, Product

    found = Found()
    rows = IndicationStatus.objects.all()
    if (rows_q := row_filter(understanding)) is not None:
        rows = rows.filter(rows_q)
    narrowing = [
        q
        for q in understanding.values("qualifier")
        if q.startswith(("population:", "line:"))
    ]
    ranks = {}
    if expanded:
        ranks = _by_disease(expanded, rows, rows_q is not None)
    if label_diseases:
        for pid, indication in _by_label_text(label_diseases, rows):
            ranks.setdefault(pid, LABEL_TEXT)
            found.indications.add(indication)
    products = Product.objects.all()
    if (products_q := product_filter(understanding)) is not None:
        products = products.filter(products_q)
    elif not ranks and rows_q is None and not narrowing:
        return found
    if expanded or label_diseases:
        products = products.filter(pk__in=list(ranks))
    elif rows_q is not None:
        products = products.filter(pk__in=rows.values("product_id"))
    named = understanding.ids("product_id")
    authorised = _authorised(rows, products)
    keyed = []
    for pid, name, slug in products.values_list("pk", "brand_name", "slug"):
        rank = NAMED if pid in named else ranks.get(pid, OTHER)
        keyed.append(((rank, pid not in authorised, name.casefold(), slug), pid))
    keyed.sort()
    order = [pid for _, pid in keyed]
    if narrowing and order:
        order, found.set_aside = _narrowed(order, narrowing, rows, expanded)
    found.order = order
    return found


def _by_disease(expanded, rows, filtered):
    """Product → best disease rank, ranked in the database: a broad term on a
    large catalog sends back one row per product, not one per indication."""
    from catalog.models import IndicationDisease

    rank_of = disease_ranks(expanded)
    by_rank = {}
    for disease_id, rank in rank_of.items():
        by_rank.setdefault(rank, []).append(disease_id)
    best = Case(
        *(When(disease_id__in=ids, then=Value(rank)) for rank, ids in by_rank.items()),
        output_field=IntegerField(),
    )
    links = IndicationDisease.objects.filter(disease_id__in=rank_of)
    if filtered:
        links = links.filter(indication_id__in=rows.values("indication_id"))
    return dict(
        links.values("product_id")
        .annotate(best=Min(best))
        .values_list("product_id", "best")
    )


def _by_label_text(diseases, rows):
    """(product, indication) whose wording names one of the diseases: a label
    for a broader disease that covers the narrower one in its text."""
    from catalog.models import Indication

    names = {n.casefold() for disease in diseases for n in _names(disease)}
    query = Q()
    for name in names:
        query |= (
            Q(population__icontains=name)
            | Q(line_of_therapy__icontains=name)
            | Q(restrictions__icontains=name)
            | Q(statuses__wording__icontains=name)
        )
    if query == Q():
        return []
    indications = Indication.objects.filter(query).filter(
        pk__in=rows.values("indication_id")
    )
    texts = indications.values_list(
        "product_id",
        "pk",
        "population",
        "line_of_therapy",
        "restrictions",
        "statuses__wording",
    )
    return sorted(
        {
            (pid, pk)
            for pid, pk, *parts in texts
            if any(_names_it(" ".join(filter(None, parts)), name) for name in names)
        }
    )


# Words that turn a disease named in a label into one it leaves out.
NEGATIONS = re.compile(r"\b(not|no|exclud\w*|except\w*|other than|without)\b")


def _names_it(text: str, name: str) -> bool:
    """Whether `text` names `name` other than to leave it out: a negation
    earlier in the same clause ("Excludes …, graft-versus-host disease")."""
    text = text.casefold()
    for match in re.finditer(re.escape(name), text):
        clause = re.split(r"[.;]", text[: match.start()])[-1]
        if not NEGATIONS.search(clause):
            return True
    return False


def _names(disease):
    """A disease's English names long enough to look for in label wording."""
    names = [disease.name] + [
        s.term
        for s in disease.synonyms.all()
        if s.kind != "abbreviation" and len(s.term) > 5
    ]
    return [name for name in names if len(name) > 5]


def _authorised(rows, products):
    authorised = rows.filter(status__in=[s.value for s in AUTHORISED_STATUSES])
    return set(
        authorised.filter(product__in=products.values("pk")).values_list(
            "product_id", flat=True
        )
    )


def _narrowed(order, qualifiers, rows, expanded):
    """Keep the products with an indication fitting every qualifier; the
    others are set aside, so the page can show them apart."""
    from catalog.models import IndicationDisease

    rows = rows.filter(product_id__in=order)
    if expanded:
        rows = rows.filter(
            indication_id__in=IndicationDisease.objects.filter(
                disease_id__in=list(expanded)
            ).values("indication_id")
        )
    fitting = {
        pid
        for pid, population, line, restrictions in rows.values_list(
            "product_id",
            "indication__population",
            "indication__line_of_therapy",
            "indication__restrictions",
        ).distinct()
        if all(fits(q, population, f"{line} {restrictions}") for q in qualifiers)
    }
    kept = [pid for pid in order if pid in fitting]
    return kept, [pid for pid in order if pid not in fitting]
