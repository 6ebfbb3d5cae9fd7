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
        "CAR T therapy", "CAR-T treatment", "CAR-T cells", "CAR-T療法", "CAR-T細胞療法",
        "CAR-T细胞疗法", "CAR-T细胞治疗", "CAR-T세포치료", "terapia CAR-T", "thérapie CAR-T",
    ],
    "tcr-t": ["TCR-T", "TCR T", "TCR", "T-cell receptor", "T cell receptor therapy"],
    "til": ["TIL", "tumour-infiltrating lymphocytes", "tumor infiltrating lymphocyte"],
    "msc": [
        "MSC", "mesenchymal", "mesenchymal stem cell",
        "mesenchymal stromal cell", "stromal cell",
    ],
    "stem-cell": [
        "stem cell", "stem cell therapy", "stem-cell treatment", "stem cell transplant",
        "blood stem cell", "haematopoietic stem cell", "progenitor cell",
        "células madre", "cellule staminali", "cellules souches", "Stammzellen",
        "células-tronco", "células tronco", "幹細胞", "干细胞", "줄기세포",
    ],
    "ips": ["iPS cell", "iPSC", "induced pluripotent", "pluripotent stem cell", "iPS細胞"],
    "cord-blood": ["cord blood", "umbilical cord blood"],
    # Blood-forming cord blood units, not the other cells grown from cord blood.
    "cord-blood-transplant": [
        "cord blood transplant", "cord blood bank", "cord blood unit",
        "cord blood transplantation", "HPC cord blood",
    ],
    "gene-modified": [
        "gene therapy", "gene-modified", "genetically modified", "gene modified cell",
        "gene edited", "gene editing", "CRISPR", "lentiviral", "retroviral",
        "genetically engineered", "gene transfer", "gene-corrected", "viral vector",
        "gene-based therapy", "terapia génica", "terapia gênica", "terapia genica",
        "thérapie génique", "Gentherapie", "遺伝子治療", "基因治疗", "基因治療", "유전자 치료",
    ],
    "tissue-engineered": [
        "tissue-engineered", "tissue engineering", "engineered tissue",
        "cultured epidermis", "cell sheet", "bioengineered", "tissue engineered product",
    ],
    # Skin grown or cultured from cells, not the fibroblast injections for
    # wrinkles: see catalog.search.results.THERAPY_KINDS.
    "skin": [
        "tissue engineered skin", "engineered skin", "bioengineered skin",
        "skin substitute", "cultured skin", "skin graft", "artificial skin",
        "lab grown skin", "skin equivalent", "living skin", "grown skin",
        "cultured epidermal autograft", "skin grafting",
    ],
    # Made of T cells, engineered or not ("T-cell therapy", "adoptive cell
    # therapy"); engineered ones are CAR-T and TCR-T.
    "t-cell": [
        "T cell", "T-cell therapy", "T lymphocyte", "adoptive cell therapy",
        "adoptive cell transfer", "adoptive T cell", "killer T cell",
    ],
    "engineered-t": [
        "engineered T cell", "genetically engineered T cell", "gene modified T cell",
        "modified T cell", "redirected T cell", "designer T cell",
    ],
    "immune": [
        "immunotherapy", "immune cell therapy", "cellular immunotherapy",
        "cell immunotherapy", "immune cell", "adoptive immunotherapy",
        "cancer immunotherapy", "immuno-oncology", "immunocell",
    ],
    # Every product here is a cell therapy: the words select everything and
    # narrow nothing ("cell therapy for myeloma" is myeloma).
    "any": [
        "cell therapy", "cellular therapy", "cell-based therapy", "cell treatment",
        "cell-based medicine", "cell and gene therapy", "regenerative medicine",
        "living drug", "ATMP", "advanced therapy medicinal product",
        "advanced therapy", "terapia celular", "terapia cellulare", "thérapie cellulaire",
        "Zelltherapie", "細胞治療", "细胞治疗", "세포치료", "再生医療", "再生医学", "재생의료",
        "medicina regenerativa", "médecine régénérative", "regenerative Medizin",
    ],
    # Whose cells and from where: narrow any other kind ("allogeneic CAR-T").
    "autologous": [
        "autologous", "own cells", "patients own cells", "self derived",
        "autologous cell", "personalised cell therapy",
    ],
    "allogeneic": [
        "allogeneic", "allogenic", "donor cells", "donor derived", "off the shelf",
        "off-the-shelf", "universal donor", "donated cells",
    ],
    "adipose": [
        "adipose", "adipose derived", "fat derived", "fat cells", "fat stem cells",
        "adipose stem cells", "fat tissue",
    ],
    "nk": ["NK cell", "natural killer cell", "natural killer"],
    "dendritic": ["dendritic cell", "dendritic cell vaccine", "cancer vaccine", "DC vaccine"],
    "islet": ["islet cell", "islet transplant", "pancreatic islet"],
    "thymus": ["thymus tissue", "thymus transplant"],
    "virus-specific-t": ["virus-specific T cell", "antiviral T cell"],
    "chondrocyte": [
        "chondrocyte", "cartilage cell", "ACI", "MACI", "cartilage implant",
        "cartilage repair", "cartilage regeneration", "cartilage transplant",
        "grown cartilage",
    ],
    "keratinocyte": ["keratinocyte", "skin cell"],
    "fibroblast": ["fibroblast"],
}  # fmt: skip

# Places: country names and adjectives → Agency.country codes.
PLACE_WORDS = {
    "us": [
        "United States",
        "USA",
        "US",
        "U.S.",
        "America",
        "American",
        "United States of America",
        "Estados Unidos",
        "美国",
        "米国",
        "アメリカ",
        "미국",
    ],
    "eu": [
        "European Union",
        "EU",
        "Europe",
        "European",
        "EMA",
        "Europa",
        "Union européenne",
        "欧州",
        "ヨーロッパ",
        "欧洲",
        "歐洲",
        "유럽",
    ],
    "jp": ["Japan", "Japanese", "Japón", "Japon", "Giappone", "Japão", "日本", "일본"],
    "kr": [
        "Korea",
        "South Korea",
        "Korean",
        "Republic of Korea",
        "Corea",
        "Corée",
        "Coreia",
        "Korea del Sur",
        "韓国",
        "韩国",
        "韓國",
        "한국",
        "대한민국",
    ],
    "cn": [
        "China",
        "Chinese",
        "mainland China",
        "Chine",
        "Cina",
        "中国",
        "中國",
        "중국",
    ],
    "gb": [
        "United Kingdom",
        "UK",
        "Britain",
        "British",
        "England",
        "Great Britain",
        "Scotland",
        "Wales",
        "Reino Unido",
        "Royaume-Uni",
        "Großbritannien",
        "英国",
        "영국",
    ],
    "ca": ["Canada", "Canadian"],
    "au": ["Australia", "Australian", "Australie", "Australien"],
    "ch": ["Switzerland", "Swiss", "Schweiz", "Suisse", "Svizzera"],
    "in": ["India", "Indian", "Inde", "Indien"],
    "br": ["Brazil", "Brazilian", "Brasil", "Brésil", "Brasilien"],
    "es": ["Spain", "Spanish", "España", "Espagne", "Spanien"],
    "de": ["Germany", "German", "Deutschland", "Alemania", "Allemagne", "Germania"],
    "sg": ["Singapore", "Singapur", "Singapour"],
    "hk": ["Hong Kong", "香港"],
    "mo": ["Macao", "Macau", "澳門", "澳门"],
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
        "young people", "young adult", "under 18", "boy", "girl", "newborn",
        "neonate", "youth", "juvenile", "young patient", "school age", "childhood",
        "infancy", "adolescence", "paediatrics",
        "niño", "niños", "niña", "infantil", "pediátrico", "enfant", "enfants",
        "pédiatrique", "Kind", "Kinder", "Kindern", "bambino", "bambini",
        "pediatrico", "criança", "crianças", "小児", "子供", "子ども", "儿童", "兒童",
        "소아", "어린이",
    ],
    "population:adult": [
        "adult", "grown up", "elderly", "older people", "older adult", "over 18",
        "senior", "aged over", "geriatric", "old age", "grownup", "adulto",
        "adultos", "adulte", "adultes", "Erwachsene", "Erwachsenen", "adulti", "成人",
        "성인",
    ],
    "line:1": [
        "newly diagnosed", "first line", "front line", "frontline", "1L",
        "untreated", "initial treatment", "first treatment", "treatment naive",
        "never treated", "previously untreated", "just diagnosed",
        "recently diagnosed", "new diagnosis", "1st line",
    ],
    "line:2": [
        "second line", "2L", "first relapse", "relapsed once", "2nd line",
        "after first line", "after 1st line",
    ],
    "line:3": ["third line", "3L", "second relapse", "3rd line"],
    "line:4": ["fourth line", "4L", "third relapse", "4th line", "later line"],
    "line:relapsed": [
        "relapsed", "relapse", "refractory", "recurrent", "came back",
        "returned", "resistant", "r/r", "relapsing", "recurrence", "recurred",
        "not responding", "stopped working", "failed treatment", "did not respond",
        "didn't respond", "no longer responding", "treatment failure", "pretreated",
        "previously treated", "heavily pretreated",
    ],
    "stage:advanced": [
        "advanced", "metastatic", "unresectable", "inoperable", "late stage",
        "stage 4", "spread", "metastasized", "terminal", "end stage",
    ],
    "status:authorised": [
        "approved", "authorised", "authorized", "licensed", "marketed",
        "available", "approval", "authorisation", "on the market", "cleared",
        "registered", "market authorisation", "aprobado", "aprobada", "approuvé",
        "autorisé", "zugelassen", "Zulassung", "approvato", "autorizzato", "aprovado",
        "承認", "批准", "获批", "승인", "허가",
    ],
    "status:conditional": [
        "conditional", "conditionally approved", "conditional approval",
        "conditional authorisation", "accelerated approval", "provisional approval",
        "time limited approval", "conditional and time limited",
    ],
    "status:withdrawn": [
        "withdrawn", "discontinued", "pulled", "no longer available", "lapsed",
        "expired", "suspended", "off the market", "taken off the market",
        "no longer marketed", "no longer approved", "revoked", "cancelled",
    ],
    "status:refused": [
        "refused", "rejected", "complete response letter", "CRL", "denied",
        "not approved",
    ],
    "status:under-review": [
        "under review", "pending", "filed", "submitted", "in review",
        "awaiting approval", "being reviewed", "under evaluation",
    ],
}  # fmt: skip
# "after two treatments", "after 3 prior lines": the earlier treatments a
# visitor counts, in the words they count them with (1 to 4; more is line 4).
PRIOR_TREATMENT_NOUNS = ("line", "treatment", "therapy", "regimen")
# Only with "after", "prior", "previous" or "failed": a bare "2 treatments"
# would take the 2 of "type 2 diabetes treatment".
COUNTED_TREATMENTS = ("after {n} {noun}", "after {n} prior {noun}",
    "{n} prior {noun}", "{n} previous {noun}", "failed {n} {noun}",
    "after {n} previous {noun}", "after {n} failed {noun}")  # fmt: skip
for _count in range(1, 5):
    QUALIFIER_WORDS[f"line:{min(_count + 1, 4)}"] += [
        phrase.format(n=_count, noun=noun)
        for noun in PRIOR_TREATMENT_NOUNS
        for phrase in COUNTED_TREATMENTS
    ]
# "my 5 year old", "aged 70": an age typed is a population.
AGE_PHRASES = ("{n} year old", "{n} years old", "{n} yo", "aged {n}", "age {n}")
for _age in range(0, 100):
    QUALIFIER_WORDS["population:child" if _age < 18 else "population:adult"] += [
        phrase.format(n=_age) for phrase in AGE_PHRASES
    ]
QUALIFIER_WORDS["population:child"] += [
    f"{n} month old" for n in range(1, 24)
]  # fmt: skip
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
