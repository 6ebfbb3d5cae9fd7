"""What the page says about a search: what was understood, how far the
diseases reach, and why each product was found."""

from __future__ import annotations

from django.db.models import Q, prefetch_related_objects

from catalog.search.results import NARROWER, SYNONYM

CANCER = "cancer"  # the therapeutic area whose unknown words name subtypes
QUALIFIER_LABELS = {
    "population": "population",
    "line": "line of therapy",
    "stage": "stage",
    "status": "status",
}
ALIAS_LABELS = {
    "brand": "brand name",
    "inn": "nonproprietary name",
    "proper-name": "FDA proper name",
    "alias:code": "code name",
    "alias:brand": "brand name",
    "alias:former": "former name",
}


def describe(result, understanding):
    """Fill in what was understood, corrected and ignored."""
    seen = set()
    for match in understanding.matches:
        term = match.term
        key = (term.kind, term.value) if term.value else _understood(term)
        if key not in seen:
            seen.add(key)
            result.understood.append(_understood(term))
    result.ignored = understanding.ignored
    result.unchecked = understanding.unchecked
    result.corrections = understanding.corrections


def _understood(term):
    if term.disease_id:
        return ("disease", term.disease.name)
    if term.product_id:
        return ("product", term.product.brand_name)
    if term.target_id:
        return ("target", term.target.name)
    if term.company_id:
        return ("sponsor", term.company.name)
    if term.kind == "therapy":
        return ("kind of therapy", term.display)
    if term.kind in ("place", "agency"):
        return ("authorised in" if term.kind == "place" else "regulator", term.display)
    kind = term.value.partition(":")[0]
    return (QUALIFIER_LABELS.get(kind, kind), term.display)


def reach(result, understanding, exact_only):
    """The diseases found and everything below them (disease id → (disease
    named, match)), and the diseases to look for in label wording."""
    from catalog.models import Disease

    diseases = understanding.diseases
    below = Disease.objects.descendants_map(ancestors=[d.pk for d in diseases])
    if not exact_only:
        # "non hodgkin" names NHL and, inside longer names, its subtypes: the
        # broadest disease found already covers the narrower ones.
        diseases = {
            disease: match
            for disease, match in diseases.items()
            if not any(
                other != disease and disease.pk in below.get(other.pk, ())
                for other in diseases
            )
        }
    result.matched_diseases = sorted(diseases, key=lambda d: d.name)
    subjects_only_diseases = all(m.term.disease_id for m in understanding.subjects)
    # One query each for what the page needs of the diseases found: their
    # parents (areas, broader searches) and synonyms (label wording).
    prefetch_related_objects(list(diseases), "parents", "synonyms")
    roots = {d.pk for d in diseases if not d.parents.all()}
    broad = [
        d
        for d in diseases
        if d.pk in roots
        or (d.therapeutic_area == CANCER and len(below.get(d.pk, ())) > 1)
    ]
    # Text left over around a CJK name is mostly grammar ("の治療"): only
    # unknown words in other scripts make the query a narrower one.
    unknown = understanding.beside_a_disease()
    if unknown and broad and subjects_only_diseases:
        # Part of the query names nothing we know ("pancreatic" in
        # "pancreatic cancer"), next to a whole area or a cancer with kinds
        # below it: the unknown word most likely names a kind we do not
        # hold, so the disease found becomes a broader suggestion instead.
        # Elsewhere an unknown word ("skin" in "skin burns") is ignored and
        # said so.
        result.partly_understood = True
        result.broader = sorted(broad, key=lambda d: d.name)
        return {}, []
    expanded = {}
    for disease, match in diseases.items():
        reach = {disease.pk} if exact_only else below.get(disease.pk, {disease.pk})
        for disease_id in reach:
            expanded.setdefault(disease_id, (disease, match))
    result.narrower_count = len(set(expanded) - {d.pk for d in diseases})
    result.broader = sorted(
        {p for d in diseases for p in d.parents.all() if p not in diseases},
        key=lambda d: d.name,
    )
    # Labels whose own wording names a disease found also count: a large
    # B-cell lymphoma label that covers DLBCL in its text, a leukoderma label
    # naming vitiligo (see results._by_label_text).
    label_diseases = list(diseases)
    return expanded, label_diseases


def hits(ids, understanding, expanded, found):
    """Cards for the products `ids`, each with why it was found."""
    from catalog.models import Disease, IndicationDisease, IndicationStatus, Product
    from catalog.search import Hit

    if not ids:
        return []
    why = {pid: [] for pid in ids}
    pairs = IndicationDisease.objects.filter(
        product_id__in=ids, disease_id__in=list(expanded)
    ).values_list("product_id", "disease_id", "indication_id")
    indications = set(found.indications)
    for pid, disease_id, indication_id in pairs:
        indications.add(indication_id)
        origin, match = expanded[disease_id]
        if disease_id != origin.pk:
            why[pid].append((NARROWER, ("narrower", disease_id, origin)))
        elif match.term.kind == "disease":
            why[pid].append((1, f"for {origin.name}"))
        else:
            text = f"matched “{match.term.display}” ({origin.name})"
            why[pid].append((SYNONYM, text))
    products = Product.objects.filter(pk__in=ids)
    by_name = _direct_reasons(understanding, products)
    for pid, reasons in by_name.items():
        why[pid] += reasons
    rows = IndicationStatus.objects.all()
    if indications:
        rows = rows.filter(
            Q(indication_id__in=indications)
            | Q(product_id__in=[p for p in ids if p not in _with_pairs(pairs)])
        )
    cards = products.for_listing(rows).in_bulk()
    narrower = {
        reason[1]
        for notes in why.values()
        for _, reason in notes
        if isinstance(reason, tuple)
    }
    names = dict(Disease.objects.filter(pk__in=narrower).values_list("pk", "name"))
    return [Hit(cards[pid], _reasons(why[pid], names)) for pid in ids]


def _with_pairs(pairs):
    return {pid for pid, _, _ in pairs}


def _direct_reasons(understanding, products):
    """Reasons for products found by name, target, sponsor or kind."""
    reasons = {}
    named = {
        m.term.product_id: m.term for m in understanding.matches if m.term.product_id
    }
    targets = {
        m.term.target_id: m.term for m in understanding.matches if m.term.target_id
    }
    companies = {
        m.term.company_id: m.term for m in understanding.matches if m.term.company_id
    }
    for pid, brand, target_id, sponsor_id, parent_id in products.values_list(
        "pk", "brand_name", "target_id", "sponsor_id", "sponsor__parent_id"
    ):
        notes = reasons.setdefault(pid, [])
        if pid in named:
            notes.append((0, _name_reason(named[pid], brand)))
        if target_id in targets:
            notes.append((1, f"targets {targets[target_id].target.name}"))
        for company_id in (sponsor_id, parent_id):
            if company_id in companies:
                notes.append((1, f"from {companies[company_id].company.name}"))
    return reasons


def _name_reason(term, brand) -> str:
    if term.display.casefold() == brand.casefold():
        return "brand name"
    return f"{ALIAS_LABELS.get(term.kind, 'also known as')} “{term.display}”"


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


def _reasons(notes, disease_names) -> list[str]:
    """Why a product matched, in plain words, strongest reason first."""
    reasons = []
    for _, reason in sorted(notes, key=lambda note: note[0]):
        if isinstance(reason, str):
            text = reason
        else:
            name = disease_names[reason[1]]
            text = f"{name}, a kind of {in_sentence(reason[2].name)}"
        if text not in reasons:
            reasons.append(text)
    return reasons
