"""The search vocabulary, built at seed time into the SearchTerm table.

Names come from the catalog (diseases and their synonyms, product names and
aliases, targets, sponsors, regulators), from the curated term lists in
fixtures/search/ (lay names and names in other languages, each with its
source), and from the small tables below: the words for kinds of therapy,
places and qualifiers, which map onto the catalog's own choices.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from django.conf import settings

from catalog.choices import SynonymKind
from catalog.search.normalise import cjk_text, has_cjk, term_variants

# Abbreviations and very short names match only when they are the whole
# query or typed in capitals: "ALL" is a leukaemia, "all" inside a sentence is
# just a word.
SHORT_TERM_LENGTH = 4

# Kinds of therapy: the words people use → a predicate on products
# (see catalog.search.results.THERAPY_KINDS).
THERAPY_WORDS = {
    "car-t": [
        "CAR-T", "CAR T", "CAR T-cell", "CART", "CAR-T cell therapy",
        "chimeric antigen receptor", "chimeric antigen receptor T cell",
    ],
    "tcr-t": ["TCR-T", "TCR T", "TCR", "T-cell receptor", "T cell receptor therapy"],
    "til": ["TIL", "tumour-infiltrating lymphocytes", "tumor infiltrating lymphocyte"],
    "msc": [
        "MSC", "mesenchymal", "mesenchymal stem cell", "mesenchymal stromal cell",
        "stromal cell",
    ],
    "stem-cell": ["stem cell", "stem cell therapy", "stem-cell treatment"],
    "cord-blood": ["cord blood", "umbilical cord blood", "cord blood bank"],
    "gene-modified": [
        "gene therapy", "gene-modified", "genetically modified", "gene modified cell",
        "gene edited", "gene editing", "CRISPR", "lentiviral", "retroviral",
        "genetically engineered",
    ],
    "tissue-engineered": [
        "tissue-engineered", "tissue engineering", "engineered tissue",
        "cultured skin", "cultured epidermis", "skin substitute", "cell sheet",
    ],
    "nk": ["NK cell", "natural killer cell"],
    "dendritic": ["dendritic cell", "dendritic cell vaccine", "cancer vaccine"],
    "islet": ["islet cell", "islet transplant", "pancreatic islet"],
    "thymus": ["thymus tissue", "thymus transplant"],
    "virus-specific-t": ["virus-specific T cell", "antiviral T cell"],
    "chondrocyte": ["chondrocyte", "cartilage cell", "ACI", "MACI"],
    "keratinocyte": ["keratinocyte", "skin cell"],
    "fibroblast": ["fibroblast"],
}  # fmt: skip

# Places: country names and adjectives → Agency.country codes.
PLACE_WORDS = {
    "us": ["United States", "USA", "US", "U.S.", "America", "American"],
    "eu": ["European Union", "EU", "Europe", "European", "EMA"],
    "jp": ["Japan", "Japanese"],
    "kr": ["Korea", "South Korea", "Korean", "Republic of Korea"],
    "cn": ["China", "Chinese", "mainland China"],
    "gb": ["United Kingdom", "UK", "Britain", "British", "England"],
    "ca": ["Canada", "Canadian"],
    "au": ["Australia", "Australian"],
    "ch": ["Switzerland", "Swiss"],
    "in": ["India", "Indian"],
    "br": ["Brazil", "Brazilian"],
    "es": ["Spain", "Spanish"],
    "de": ["Germany", "German"],
    "sg": ["Singapore"],
    "hk": ["Hong Kong"],
    "mo": ["Macao", "Macau"],
    "nz": ["New Zealand"],
    "sa": ["Saudi Arabia"],
    "bh": ["Bahrain"],
    "ir": ["Iran"],
}
# Qualifiers: population, line of therapy and setting, stage, status.
QUALIFIER_WORDS = {
    "population:child": [
        "child", "children", "kid", "kids", "paediatric", "pediatric",
        "infant", "baby", "babies", "toddler", "teenager", "teen", "adolescent",
        "young people", "young adult", "under 18", "boy", "girl",
    ],
    "population:adult": ["adult", "grown up", "elderly", "older people"],
    "line:1": [
        "newly diagnosed", "first line", "front line", "frontline", "1L",
        "untreated", "initial treatment", "first treatment",
    ],
    "line:2": ["second line", "2L", "after one line", "after 1 prior line"],
    "line:3": [
        "third line", "3L", "after two lines", "after 2 prior lines",
        "after 2 lines",
    ],
    "line:4": ["fourth line", "4L", "after three lines", "after 3 prior lines"],
    "line:relapsed": [
        "relapsed", "relapse", "refractory", "recurrent", "came back",
        "returned", "resistant", "r/r",
    ],
    "stage:advanced": [
        "advanced", "metastatic", "unresectable", "inoperable", "late stage",
        "stage 4", "spread",
    ],
    "status:authorised": [
        "approved", "authorised", "authorized", "licensed", "marketed",
        "available", "approval",
    ],
    "status:withdrawn": [
        "withdrawn", "discontinued", "pulled", "no longer available", "lapsed",
        "expired", "suspended",
    ],
    "status:refused": ["refused", "rejected", "complete response letter", "CRL"],
    "status:under-review": ["under review", "pending", "filed", "submitted"],
}  # fmt: skip
# Entity words that are also everyday English: abbreviations, matched only
# in capitals or alone ("US" the country, "us" the pronoun).
EVERYDAY = {"us", "aci", "crl", "tcr", "til", "msc", "spread", "returned"}

VOCABULARY_DIR = "search"
LANGUAGE_KINDS = ("ja", "zh", "ko", "es", "fr", "de", "it", "pt")


def catalog_entries():
    """(display, kind, short, fields) for every name in the catalog."""
    from catalog.models import (
        Agency,
        Company,
        Disease,
        DiseaseSynonym,
        Product,
        ProductAlias,
        Target,
    )

    for pk, name in Disease.objects.values_list("pk", "name"):
        yield name, "disease", False, {"disease_id": pk}
    for disease_id, term, kind in DiseaseSynonym.objects.values_list(
        "disease_id", "term", "kind"
    ):
        short = kind == SynonymKind.ABBREVIATION or len(term) <= SHORT_TERM_LENGTH
        yield term, f"synonym:{kind}", short, {"disease_id": disease_id}
    for pk, *names in Product.objects.values_list(
        "pk", "brand_name", "nonproprietary_name", "fda_proper_name"
    ):
        for kind, name in zip(("brand", "inn", "proper-name"), names, strict=True):
            if name:
                yield name, kind, len(name) <= SHORT_TERM_LENGTH, {"product_id": pk}
    for product_id, name, kind in ProductAlias.objects.values_list(
        "product_id", "name", "kind"
    ):
        short = len(name) <= SHORT_TERM_LENGTH
        yield name, f"alias:{kind}", short, {"product_id": product_id}
    for pk, name in Target.objects.values_list("pk", "name"):
        yield name, "target", False, {"target_id": pk}
        short = name.split(" (")[0]  # "Claudin 18.2 (CLDN18.2)" → "Claudin 18.2"
        if short != name:
            yield short, "target", False, {"target_id": pk}
    for pk, name in Company.objects.values_list("pk", "name"):
        for variant in company_names(name):
            yield variant, "sponsor", False, {"company_id": pk, "display": name}
    for slug, short_name, name in Agency.objects.values_list(
        "slug", "short_name", "name"
    ):
        for variant in {short_name, *short_name.split("/"), name.split(",")[0]}:
            yield variant, "agency", len(variant) <= 3, {"value": slug}


# Words that end a company's name without naming it ("Kite Pharma" is Kite).
COMPANY_SUFFIXES = re.compile(
    r"(\s+(therapeutics|pharmaceuticals?|pharma|biotech|biotherapeutics|"
    r"corporation|company|inc\.?|gmbh|labs|biologics|research|life science|"
    r"laboratories|cell therapy|sciences|biosciences|bio|cell|ltd|plc|ag))+$",
    re.IGNORECASE,
)


def company_names(name: str) -> set[str]:
    """A company's name, the names in brackets ("formerly bluebird bio"),
    and the name without its legal or trade suffix."""
    names = {name}
    main, _, bracket = name.partition(" (")
    names.add(main)
    for part in bracket.rstrip(")").split(", "):
        part = re.sub(r"^formerly\s+", "", part).strip()
        if part:
            names.add(part)
    for each in list(names):
        core = COMPANY_SUFFIXES.sub("", each)
        if core and len(core) > 3:
            names.add(core)
    return names


def word_entries():
    """The fixed words for kinds of therapy, places and qualifiers."""
    tables = (
        ("therapy", THERAPY_WORDS),
        ("place", PLACE_WORDS),
        ("qualifier", QUALIFIER_WORDS),
    )
    for kind, table in tables:
        for value, words in table.items():
            for word in words:
                short = word.casefold().replace(".", "") in EVERYDAY
                yield word, kind, short, {"value": value}


def curated_entries(folder: Path | None = None):
    """Lay names and names in other languages from fixtures/search/."""
    from catalog.models import Disease

    folder = folder or Path(settings.FIXTURES_DIR) / VOCABULARY_DIR
    ids = dict(Disease.objects.values_list("slug", "pk"))
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        for entry in load_vocabulary(path):
            # A test catalog holds a few diseases; the rest are skipped.
            if entry["disease"] in ids:
                fields = {"disease_id": ids[entry["disease"]]}
                yield entry["term"], f"name:{entry['language']}", False, fields


def load_vocabulary(path: Path) -> list[dict]:
    """The terms of one vocabulary file, each with its language."""
    data = yaml.safe_load(path.read_text()) or {}
    language = data.get("language", "en")
    return [
        {**term, "language": term.get("language", language)}
        for term in data.get("terms", ())
    ]


def rebuild_index():
    """Recreate the search index from the catalog; `seed` calls this."""
    from catalog.models import SearchTerm, SearchToken

    SearchTerm.objects.all().delete()
    SearchToken.objects.all().delete()
    terms, frequency = [], Counter()
    entries = (catalog_entries(), word_entries(), curated_entries())
    for source in entries:
        for display, kind, short, fields in source:
            fields = dict(fields)
            shown = fields.pop("display", display)
            for variant in _variants(display):
                frequency.update(variant.split())
                terms.append(
                    SearchTerm(
                        term=variant[:300],
                        display=shown[:300],
                        kind=kind,
                        is_abbreviation=short,
                        cjk=has_cjk(variant),
                        **fields,
                    )
                )
    SearchTerm.objects.bulk_create(terms, batch_size=1000)
    SearchToken.objects.bulk_create(
        (SearchToken(token=token[:100], frequency=n) for token, n in frequency.items()),
        batch_size=1000,
    )
    _link_tokens()


def _variants(display: str) -> set[str]:
    if has_cjk(display):
        return {cjk_text(display)}
    return term_variants(display)


def _link_tokens():
    from catalog.models import SearchTerm, SearchToken

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
