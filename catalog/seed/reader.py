"""Read and validate the catalog's fixtures, before anything is written.

`read_dataset()` parses every file under `fixtures/` and checks all of it
(required fields, enumerations, dates, URLs, references between records, and
that each regulator's decisions make a history the status rules can replay),
collecting every problem with the file and record it belongs to.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog import models
from catalog.choices import DatePrecision, EventType, IdentifierScheme
from catalog.seed.fields import plain_fields
from catalog.seed.history import history_problems
from catalog.spreadsheet import starts_like_formula
from catalog.text import LINK_KINDS, citation_problems, internal_links

EARLIEST_EVENT = datetime.date(1990, 1, 1)
# fixtures/search/: English lay names and names in these languages.
SEARCH_LANGUAGES = {
    "en",
    "ja",
    "zh-hans",
    "zh-hant",
    "ko",
    "es",
    "fr",
    "de",
    "it",
    "pt",
}
# A light check of each register's format, to catch a value in the wrong slot.
IDENTIFIER_PATTERNS = {
    IdentifierScheme.FDA_STN: r"\d{6}",
    IdentifierScheme.FDA_PMA: r"P\d{6}",
    IdentifierScheme.FDA_HDE: r"H\d{6}",
    IdentifierScheme.EMA_PRODUCT_NUMBER: r"EMEA/H/C/\d{6}",
    IdentifierScheme.ATC_CODE: r"[A-Z](\d\d([A-Z]([A-Z](\d\d)?)?)?)?",
    IdentifierScheme.UNII: r"[A-Z0-9]{10}",
    IdentifierScheme.NCIT_CODE: r"C\d+",
    IdentifierScheme.CHEMBL_ID: r"CHEMBL\d+",
}
REQUIRED_FILES = {
    "agencies.yaml",
    "companies.yaml",
    "cell_sources.yaml",
    "diseases.yaml",
    "mechanisms.yaml",
}


class DatasetError(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class Dataset:
    """Validated records, keyed by kind, as plain dictionaries."""

    records: dict[str, list[dict]] = field(default_factory=dict)
    digest: str = ""

    def __getitem__(self, kind):
        return self.records.get(kind, [])

    def counts(self):
        return {kind: len(rows) for kind, rows in self.records.items()}


class _Record:
    """Validates one YAML mapping against a model's fields, collecting errors."""

    def __init__(self, errors, location, raw, model):
        self.errors = errors
        self.location = location
        self.raw = raw if isinstance(raw, dict) else {}
        self.model = model
        self.clean = {}
        self.seen = set()
        if not isinstance(raw, dict):
            self.error("must be a mapping of field names to values")

    def error(self, message):
        self.errors.append(f"{self.location}: {message}")

    def field(self, name, required=True, model_field=None):
        """Clean `name` with the model field's own validation (length, choices, URL)."""
        self.seen.add(name)
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                self.error(f"'{name}' is required")
            elif self.model._meta.get_field(model_field or name).null:
                self.clean[name] = None
            return ""
        if isinstance(value, (dict, list)):
            self.error(f"'{name}' must be a single value, not a list or mapping")
            return ""
        model_field = self.model._meta.get_field(model_field or name)
        value = (
            str(value).strip()
            if not isinstance(value, (datetime.date, bool))
            else value
        )
        if starts_like_formula(value):
            # Every text field reaches a CSV download, and a spreadsheet would
            # run this as a formula.
            self.error(
                f"'{name}' {value!r} must not begin with {value[0]!r}"
                " (a spreadsheet would read it as a formula)"
            )
            return ""
        try:
            self.clean[name] = model_field.clean(value, None)
        except ValidationError as exc:
            self.error(f"'{name}' {value!r}: {' '.join(exc.messages)}")
            return ""
        return self.clean[name]

    def fields(self, model, exclude=()):
        """Clean every plain column of `model`; required unless it may be blank."""
        for name in plain_fields(model, exclude):
            self.field(name, required=not model._meta.get_field(name).blank)

    def slug_list(self, name, required=False):
        self.seen.add(name)
        value = self.raw.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"'{name}' must be a list of slugs")
            return []
        if required and not value:
            self.error(f"'{name}' needs at least one entry")
        return value

    def mapping_list(self, name):
        self.seen.add(name)
        value = self.raw.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(f"'{name}' must be a list of mappings")
            return []
        return value

    def finish(self):
        for unknown in sorted(set(self.raw) - self.seen):
            self.error(f"unknown field '{unknown}'")
        return self.clean


def _label(raw, kind, index):
    slug = (raw.get("slug") or raw.get("agency")) if isinstance(raw, dict) else None
    return f"{kind} '{slug}'" if slug else f"{kind} #{index + 1}"


def parse_date(value):
    """A fixture date and its precision: YYYY-MM-DD, YYYY-MM or YYYY."""
    if isinstance(value, datetime.datetime):
        raise ValueError("must be a date without a time")
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    text = str(value).strip()
    for pattern, precision in (
        (r"(\d{4})-(\d{2})-(\d{2})", DatePrecision.DAY),
        (r"(\d{4})-(\d{2})", DatePrecision.MONTH),
        (r"(\d{4})", DatePrecision.YEAR),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            parts = [int(part) for part in match.groups()] + [1, 1]
            return datetime.date(*parts[:3]), precision
    raise ValueError("must be YYYY-MM-DD, YYYY-MM or YYYY")


class _Reader:
    def __init__(self, fixtures_dir):
        self.root = Path(fixtures_dir)
        self.errors = []
        self.dataset = Dataset()
        self.hasher = hashlib.sha256()
        self.search_term_diseases = []

    def load_yaml(self, path):
        relative = path.relative_to(self.root.parent)
        text = path.read_bytes()
        self.hasher.update(str(path.relative_to(self.root)).encode() + b"\0" + text)
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            self.errors.append(f"{relative}: not valid YAML: {exc}")
            return None

    def read(self):
        if not self.root.is_dir():
            raise DatasetError([f"{self.root}: fixtures folder not found"])
        for filename, (kind, cleaner) in VOCABULARY_FILES.items():
            path = self.root / filename
            if not path.exists():
                if filename in REQUIRED_FILES:
                    self.errors.append(
                        f"{path.relative_to(self.root.parent)}: file is missing"
                    )
                continue
            rows = self.load_yaml(path)
            if rows is None:
                continue
            location = path.relative_to(self.root.parent)
            if not isinstance(rows, list):
                self.errors.append(f"{location}: must be a list")
                continue
            for index, raw in enumerate(rows):
                self.add(kind, cleaner, location, raw, index)
        product_files = sorted((self.root / "products").glob("*.yaml"))
        for path in product_files:
            raw = self.load_yaml(path)
            if raw is not None:
                self.add(
                    "product",
                    _Reader.clean_product,
                    path.relative_to(self.root.parent),
                    raw,
                    0,
                )
                if isinstance(raw, dict) and raw.get("slug") != path.stem:
                    self.errors.append(
                        f"{path.relative_to(self.root.parent)}: the file name must be "
                        f"the product's slug ('{raw.get('slug')}.yaml')"
                    )
        for path in sorted((self.root / "guides").glob("*.md")):
            self.read_guide(path)
        for path in sorted((self.root / "coverage").glob("*.yaml")):
            self.read_coverage(path)
        for path in sorted((self.root / "search").glob("*.yaml")):
            self.read_search_terms(path)
        self.check_search_term_diseases()
        read_evidence(self)
        self.check_unique_slugs()
        self.check_references()
        if self.errors:
            raise DatasetError(self.errors)
        self.dataset.digest = self.hasher.hexdigest()
        return self.dataset

    def read_guide(self, path):
        """A guide is markdown with YAML front matter between two '---' lines."""
        location = path.relative_to(self.root.parent)
        text = path.read_text(encoding="utf-8")
        self.hasher.update(
            str(path.relative_to(self.root)).encode() + b"\0" + text.encode()
        )
        match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
        if not match:
            self.errors.append(
                f"{location}: must start with YAML front matter between '---' lines"
            )
            return
        try:
            front = yaml.safe_load(match[1])
        except yaml.YAMLError as exc:
            self.errors.append(f"{location}: front matter is not valid YAML: {exc}")
            return
        if isinstance(front, dict):
            front["body"] = match[2]
        self.add("guide", _Reader.clean_guide, location, front, 0)

    def read_coverage(self, path):
        """A sweep record: one file per regulator, named by its slug."""
        raw = self.load_yaml(path)
        if raw is None:
            return
        location = path.relative_to(self.root.parent)
        self.add("sweep", _Reader.clean_sweep, location, raw, 0)
        if isinstance(raw, dict) and raw.get("agency") != path.stem:
            self.errors.append(
                f"{location}: the file name must be the regulator's slug "
                f"('{raw.get('agency')}.yaml')"
            )

    def read_search_terms(self, path):
        """Lay names and names in other languages. The search index reads them
        when `seed` rebuilds it; they are validated (and in the digest) here
        with everything else, so a bad term loads nothing."""
        raw = self.load_yaml(path)
        if raw is None:
            return
        location = path.relative_to(self.root.parent)
        if not isinstance(raw, dict) or not isinstance(raw.get("terms"), list):
            self.errors.append(f"{location}: must have 'language' and a list 'terms'")
            return
        if raw.get("language") not in SEARCH_LANGUAGES:
            self.errors.append(
                f"{location}: 'language' must be one of {sorted(SEARCH_LANGUAGES)}"
            )
        seen = set()
        for index, term in enumerate(raw["terms"]):
            record = _Record(self.errors, f"{location}, term #{index + 1}", term, None)
            record.seen.update({"disease", "term", "source"})
            text = record.raw.get("term")
            if not isinstance(text, str) or not text or text != text.strip():
                record.error("'term' must be a name without surrounding spaces")
            key = (record.raw.get("disease"), text)
            if key in seen:
                record.error("is listed twice")
            seen.add(key)
            self.search_term_diseases.append((record.location, key[0]))
            source = _Record(
                self.errors,
                f"{record.location}, source",
                record.raw.get("source"),
                models.DecisionSource,
            )
            source.fields(models.DecisionSource, exclude={"read_on", "position"})
            self.clean_read(source)
            source.finish()
            record.finish()

    def check_search_term_diseases(self):
        diseases = {disease["slug"] for disease in self.dataset["disease"]}
        for location, slug in self.search_term_diseases:
            if slug not in diseases:
                self.errors.append(f"{location}: unknown disease '{slug}'")

    def add(self, kind, cleaner, location, raw, index):
        record = _Record(
            self.errors, f"{location}, {_label(raw, kind, index)}", raw, None
        )
        if record.raw:
            clean = cleaner(self, record)
            clean["_location"] = record.location
            self.dataset.records.setdefault(kind, []).append(clean)

    # --- one cleaner per kind of record ------------------------------------

    def clean_company(self, record):
        record.model = models.Company
        record.fields(models.Company)
        record.clean["parent"] = record.raw.get("parent") or ""
        record.seen.add("parent")
        return record.finish()

    def clean_mechanism(self, record):
        record.model = models.Mechanism
        record.fields(models.Mechanism)
        record.clean["references"] = self.clean_references(record)
        _check_reviewed(record)
        return record.finish()

    def clean_references(self, record):
        references = []
        for index, raw in enumerate(record.mapping_list("references")):
            ref = _Record(
                self.errors,
                f"{record.location}, reference #{index + 1}",
                raw,
                models.Reference,
            )
            ref.fields(models.Reference)
            references.append(ref.finish())
        return references

    def clean_glossary_term(self, record):
        record.model = models.GlossaryTerm
        record.fields(models.GlossaryTerm)
        record.clean["see_also"] = record.slug_list("see_also")
        record.clean["references"] = self.clean_references(record)
        _check_reviewed(record)
        return record.finish()

    def clean_guide(self, record):
        record.model = models.Guide
        record.fields(models.Guide)
        record.clean["references"] = self.clean_references(record)
        _check_reviewed(record)
        return record.finish()

    def clean_sweep(self, record):
        record.model = models.CoverageSweep
        record.fields(models.CoverageSweep)
        record.seen.add("agency")
        record.clean["agency"] = record.raw.get("agency") or ""
        if not record.clean["agency"]:
            record.error("'agency' is required")
        count = record.raw.get("products_in_scope")
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or count < 0
        ):
            record.error("'products_in_scope' must be a whole number, 0 or more")
        swept_on = record.clean.get("swept_on")
        if swept_on and swept_on > _today():
            record.error("'swept_on' is in the future")
        lists = self.clean_pages_read(record, "lists", models.SweptList, "list")
        if not lists:
            record.error("'lists' needs at least one list the sweep went through")
        record.clean["lists"] = lists
        return record.finish()

    def clean_disease(self, record):
        record.model = models.Disease
        record.fields(models.Disease, exclude={"therapeutic_area"})
        record.field("therapeutic_area", required=False)
        record.clean["parents"] = record.slug_list("parents")
        if not record.clean["parents"] and not record.clean.get("therapeutic_area"):
            record.error(
                "a disease without parents is a root and needs a 'therapeutic_area'"
            )
        synonyms = []
        for index, raw in enumerate(record.mapping_list("synonyms")):
            synonym = _Record(
                self.errors,
                f"{record.location}, synonym #{index + 1}",
                raw,
                models.DiseaseSynonym,
            )
            synonym.fields(models.DiseaseSynonym)
            synonym.seen.add("ambiguous")
            synonym.clean["ambiguous"] = bool(synonym.raw.get("ambiguous"))
            synonyms.append(synonym.finish())
        terms = [synonym.get("term", "").casefold() for synonym in synonyms]
        for term in sorted({term for term in terms if terms.count(term) > 1}):
            record.error(f"synonym '{term}' is listed twice")
        record.clean["synonyms"] = synonyms
        return record.finish()

    def clean_product(self, record):
        record.model = models.Product
        record.fields(models.Product)
        for name in ("sponsor", "cell_source", "target", "family"):
            record.seen.add(name)
            record.clean[name] = record.raw.get(name) or ""
            if not record.clean[name] and name in ("sponsor", "cell_source"):
                record.error(f"'{name}' is required")
        record.clean["identifiers"] = self.clean_identifiers(record)
        record.clean["mechanisms"] = record.slug_list("mechanisms", required=True)
        record.clean["aliases"] = [
            self.clean_child(record, "alias", index, raw, models.ProductAlias).finish()
            for index, raw in enumerate(record.mapping_list("aliases"))
        ]
        record.clean["indications"] = self.clean_indications(record)
        record.clean["decisions"] = self.clean_decisions(record)
        record.clean["holder_changes"] = self.clean_holder_changes(record)
        if (
            record.clean.get("last_verified")
            and record.clean["last_verified"] > _today()
        ):
            record.error("'last_verified' is in the future")
        return record.finish()

    def clean_identifiers(self, record):
        """`scheme: value`, `scheme: {value, url, kind, read}`, or a list of
        either for several values; returns a list of identifier records."""
        record.seen.add("identifiers")
        raw = record.raw.get("identifiers") or {}
        if not isinstance(raw, dict):
            record.error("'identifiers' must be a mapping")
            return []
        identifiers = []
        for scheme, entries in raw.items():
            location = f"{record.location}, identifier '{scheme}'"
            if IdentifierScheme.parse(scheme) is None:
                record.error(
                    f"unknown identifier '{scheme}' (one of: "
                    f"{', '.join(IdentifierScheme.values)})"
                )
                continue
            for entry in entries if isinstance(entries, list) else [entries]:
                identifiers.append(self.clean_identifier(location, scheme, entry))
        pairs = [(i["scheme"], i.get("value")) for i in identifiers]
        for scheme, value in sorted({p for p in pairs if pairs.count(p) > 1}):
            record.error(f"identifier '{scheme}' {value!r} is listed twice")
        return identifiers

    def clean_identifier(self, location, scheme, entry):
        if not isinstance(entry, dict):
            entry = {"value": entry}
        child = _Record(self.errors, location, entry, models.ProductIdentifier)
        child.clean["read_on"] = None
        value = child.field("value")
        pattern = IDENTIFIER_PATTERNS.get(scheme)
        if value and pattern and not re.fullmatch(pattern, value):
            child.error(f"'value' {value!r} does not look like a {scheme}")
        if "url" in entry or "kind" in entry or "read" in entry:
            child.field("url")
            child.field("kind")
            self.clean_read(child)
        child.clean["scheme"] = scheme
        return child.finish()

    def clean_read(self, record):
        """`read`: the day a source was read, into `read_on`."""
        record.seen.add("read")
        read = record.raw.get("read")
        if not isinstance(read, datetime.date) or isinstance(read, datetime.datetime):
            record.error("'read' must be the day the source was read (YYYY-MM-DD)")
        elif read > _today():
            record.error("'read' is in the future")
        else:
            record.clean["read_on"] = read

    def clean_child(self, record, kind, index, raw, model, exclude=()):
        """A record nested in a product; its plain fields come from `model`."""
        child = _Record(
            self.errors, f"{record.location}, {kind} #{index + 1}", raw, model
        )
        child.fields(model, exclude={"position", *exclude})
        return child

    def clean_indications(self, record):
        indications = []
        for index, raw in enumerate(record.mapping_list("indications")):
            child = self.clean_child(
                record, "indication", index, raw, models.Indication
            )
            child.clean["diseases"] = child.slug_list("diseases", required=True)
            indications.append(child.finish())
        keys = [indication.get("key") for indication in indications]
        for key in sorted({key for key in keys if key and keys.count(key) > 1}):
            record.error(f"indication key '{key}' is used twice")
        return indications

    def clean_decisions(self, record):
        decisions = []
        keys = {indication.get("key") for indication in record.clean["indications"]}
        raw_decisions = record.mapping_list("decisions")
        if not raw_decisions:
            record.error("needs at least one regulatory decision with a source")
        for index, raw in enumerate(raw_decisions):
            child = self.clean_child(
                record,
                "decision",
                index,
                raw,
                models.RegulatoryEvent,
                exclude={"event_type", "date", "date_precision", "unverified"},
            )
            child.field("type", model_field="event_type")
            child.clean["event_type"] = child.clean.pop("type", "")
            child.seen.update({"agency", "date", "unverified"})
            child.clean["agency"] = child.raw.get("agency") or ""
            if not child.clean["agency"]:
                child.error("'agency' is required")
            child.clean["unverified"] = bool(child.raw.get("unverified"))
            self.clean_date(child)
            self.check_term(child)
            child.clean["indications"] = self.clean_decision_indications(child, keys)
            child.clean["sources"] = self.clean_sources(child)
            decisions.append(child.finish())
        mentioned = {key for d in decisions for key in d["indications"]}
        for key in sorted(keys - mentioned - {None}):
            record.error(f"indication '{key}' is named by no decision")
        return decisions

    @staticmethod
    def check_term(child):
        """A term ends after its decision, and only an authorisation has one."""
        term_ends, date = child.clean.get("term_ends"), child.clean.get("date")
        if not term_ends:
            return
        kind = EventType.parse(child.clean.get("event_type"))
        if kind and not kind.is_authorising:
            child.error(f"'term_ends' is only for an authorisation, not '{kind}'")
        if date and term_ends <= date:
            child.error("'term_ends' must be after the decision's 'date'")

    def clean_decision_indications(self, child, keys):
        """Indication keys, as a list or as a mapping of key to the
        regulator's own wording; returns {key: wording}."""
        child.seen.add("indications")
        raw = child.raw.get("indications") or []
        if isinstance(raw, list) and all(isinstance(key, str) for key in raw):
            named = dict.fromkeys(raw, "")
        elif isinstance(raw, dict) and all(
            isinstance(v, str | None) for v in raw.values()
        ):
            named = {
                key: " ".join((wording or "").split()) for key, wording in raw.items()
            }
        else:
            child.error(
                "'indications' must be a list of indication keys or a mapping "
                "of keys to the regulator's wording"
            )
            return {}
        for key in named:
            if key not in keys:
                child.error(
                    f"indication '{key}' is not one of this product's indications"
                )
        kind = EventType.parse(child.clean.get("event_type"))
        if not named and kind and not kind.may_cover_whole_licence:
            child.error(
                f"a decision of type '{kind.value}' must name the indications it concerns"
            )
        return named

    def clean_sources(self, child):
        sources = self.clean_pages_read(
            child, "sources", models.DecisionSource, "source"
        )
        if not sources:
            child.error("needs at least one source")
        return sources

    def clean_pages_read(self, parent, name, model, label):
        """A list of pages someone read (a decision's sources, a sweep's
        lists): each with its read date, none listed twice."""
        pages = []
        for index, raw in enumerate(parent.mapping_list(name)):
            page = _Record(
                self.errors, f"{parent.location}, {label} #{index + 1}", raw, model
            )
            page.fields(model, exclude={"read_on", "position"})
            self.clean_read(page)
            pages.append(page.finish())
        urls = [page.get("url") for page in pages]
        if len(set(urls)) != len(urls):
            parent.error(f"a {label} is listed twice")
        return pages

    def clean_holder_changes(self, record):
        changes = []
        for index, raw in enumerate(record.mapping_list("holder_changes")):
            child = self.clean_child(
                record,
                "holder change",
                index,
                raw,
                models.HolderChange,
                exclude={"date", "date_precision"},
            )
            child.seen.update({"from", "to", "date"})
            for name in ("from", "to"):
                child.clean[name] = child.raw.get(name) or ""
                if not child.clean[name]:
                    child.error(f"'{name}' is required")
            self.clean_date(child)
            changes.append(child.finish())
        return changes

    def clean_date(self, child):
        if child.raw.get("date") in (None, ""):
            child.error("'date' is required")
            return
        try:
            date, precision = parse_date(child.raw["date"])
        except ValueError as exc:
            child.error(f"'date' {child.raw['date']!r} {exc}")
            return
        if date > _today():
            child.error(f"'date' {date.isoformat()} is in the future")
        elif date < EARLIEST_EVENT:
            child.error(f"'date' {date.isoformat()} is before {EARLIEST_EVENT.year}")
        child.clean["date"], child.clean["date_precision"] = date, precision

    # --- checks across records -------------------------------------------------

    def slugs(self, kind):
        return {row.get("slug") for row in self.dataset[kind]}

    def check_unique_slugs(self):
        for kind in [
            *(kind for kind, _ in VOCABULARY_FILES.values()),
            "product",
            "guide",
        ]:
            seen = set()
            for row in self.dataset[kind]:
                slug = row.get("slug")
                if slug in seen:
                    self.errors.append(
                        f"{row['_location']}: slug '{slug}' is used twice"
                    )
                seen.add(slug)

    def check_references(self):
        self.check_refs("company", "parent", "company")
        self.check_refs("disease", "parents", "disease")
        self.check_refs("glossary term", "see_also", "glossary term")
        self.check_internal_links()
        self.check_notes()
        self.check_disease_hierarchy()
        self.check_shared_synonyms()
        for name, kind in (
            ("sponsor", "company"),
            ("cell_source", "cell source"),
            ("target", "target"),
            ("family", "family"),
            ("mechanisms", "mechanism"),
        ):
            self.check_refs("product", name, kind)
        diseases, agencies = self.slugs("disease"), self.slugs("agency")
        for sweep in self.dataset["sweep"]:
            if sweep.get("agency") and sweep["agency"] not in agencies:
                self.errors.append(
                    f"{sweep['_location']}: unknown agency '{sweep['agency']}'"
                )
        for product in self.dataset["product"]:
            for indication in product["indications"]:
                for disease in indication["diseases"]:
                    if disease not in diseases:
                        self.errors.append(
                            f"{product['_location']}: indication "
                            f"'{indication.get('key')}' names unknown disease '{disease}'"
                        )
            for index, decision in enumerate(product["decisions"]):
                if decision.get("agency") and decision["agency"] not in agencies:
                    self.errors.append(
                        f"{product['_location']}, decision #{index + 1}: "
                        f"unknown agency '{decision['agency']}'"
                    )
            if not self.errors:
                self.errors += [
                    f"{product['_location']}: {problem}"
                    for problem in history_problems(product["decisions"])
                ]
            companies = self.slugs("company")
            for index, change in enumerate(product["holder_changes"]):
                for name in ("from", "to"):
                    if change.get(name) and change[name] not in companies:
                        self.errors.append(
                            f"{product['_location']}, holder change #{index + 1}: "
                            f"unknown company '{change[name]}'"
                        )
            mechanisms = product["mechanisms"]
            if len(set(mechanisms)) != len(mechanisms):
                self.errors.append(
                    f"{product['_location']}: a mechanism is listed twice"
                )

    def check_internal_links(self):
        """Every product:, disease:, glossary:… link in prose must resolve."""
        known = {
            "glossary": self.slugs("glossary term"),
            "product": self.slugs("product"),
            "disease": self.slugs("disease"),
            "mechanism": self.slugs("mechanism"),
            "guide": self.slugs("guide"),
        }
        for row, text in self.prose():
            for link_kind, slug in internal_links(text):
                if slug not in known[link_kind]:
                    self.errors.append(
                        f"{row['_location']}: link to unknown "
                        f"{LINK_KINDS[link_kind]} '{slug}'"
                    )

    def check_notes(self):
        """Sources in prose are cited as notes: defined, dated, read (text.py)."""
        for row, text in self.prose():
            for problem in citation_problems(text, _today()):
                self.errors.append(f"{row['_location']}: {problem}")

    def prose(self):
        """(record, markdown) for every piece of prose in the dataset."""
        for kind, name in PROSE_FIELDS.items():
            for row in self.dataset[kind]:
                yield row, row.get(name, "")

    def check_refs(self, kind, name, target_kind):
        known = self.slugs(target_kind)
        for row in self.dataset[kind]:
            value = row.get(name)
            for slug in value if isinstance(value, list) else [value]:
                if slug and slug not in known:
                    self.errors.append(
                        f"{row['_location']}: unknown {target_kind} '{slug}' in '{name}'"
                    )

    def check_disease_hierarchy(self):
        """The hierarchy has no cycles; every disease inherits a root's area."""
        by_slug = {row.get("slug"): row for row in self.dataset["disease"]}
        cycle = _find_cycle({slug: row["parents"] for slug, row in by_slug.items()})
        if cycle:
            location = by_slug[cycle[0]]["_location"]
            self.errors.append(
                f"{location}: the hierarchy has a cycle: {' → '.join(cycle)}"
            )
            return

        def area(slug):
            row = by_slug.get(slug)
            if row is None:
                return None
            if not row.get("therapeutic_area"):
                found = (area(parent) for parent in row["parents"])
                row["therapeutic_area"] = next((a for a in found if a), None)
            return row["therapeutic_area"]

        for slug in by_slug:
            area(slug)

    def check_shared_synonyms(self):
        """A term naming two diseases must be marked ambiguous on each of them."""
        owners = {}
        for row in self.dataset["disease"]:
            terms = {(row.get("name") or "").casefold(): False}
            for synonym in row["synonyms"]:
                terms[synonym.get("term", "").casefold()] = synonym["ambiguous"]
            for term, ambiguous in terms.items():
                owners.setdefault(term, []).append((row, ambiguous))
        for term, rows in sorted(owners.items()):
            if len(rows) > 1 and not all(ambiguous for _, ambiguous in rows):
                slugs = ", ".join(row.get("slug") for row, _ in rows)
                self.errors.append(
                    f"{rows[-1][0]['_location']}: the term '{term}' names several "
                    f"diseases ({slugs}); mark the synonym 'ambiguous: true' where intended"
                )


def _find_cycle(parents_of):
    """A list of slugs that loops back on itself, or None."""
    state = {}

    def visit(slug, trail):
        state[slug] = "open"
        for parent in parents_of.get(slug, ()):
            if state.get(parent) == "open":
                return [*trail[trail.index(parent) :], parent]
            if parent not in state:
                found = visit(parent, [*trail, parent])
                if found:
                    return found
        state[slug] = "done"
        return None

    for slug in parents_of:
        if slug not in state:
            found = visit(slug, [slug])
            if found:
                return found
    return None


def _today():
    return timezone.localdate()


def _check_reviewed(record):
    reviewed = record.clean.get("last_reviewed")
    if reviewed and reviewed > _today():
        record.error("'last_reviewed' is in the future")


def read_evidence(reader):
    """fixtures/evidence/: its own module, which builds on this one."""
    from catalog.seed.evidence import read_evidence

    read_evidence(reader)


def read_dataset(fixtures_dir) -> Dataset:
    """Parse and validate every fixture; raise DatasetError listing all problems."""
    return _Reader(fixtures_dir).read()


def _plain(model):
    """The cleaner of a record that is just the model's plain fields."""

    def clean(reader, record):
        record.model = model
        record.fields(model)
        return record.finish()

    return clean


# The markdown field of each kind of record that holds prose.
PROSE_FIELDS = {"mechanism": "body", "glossary term": "definition", "guide": "body"}

# Vocabulary files in the order they are read, each with its kind and cleaner.
VOCABULARY_FILES = {
    "agencies.yaml": ("agency", _plain(models.Agency)),
    "companies.yaml": ("company", _Reader.clean_company),
    "cell_sources.yaml": ("cell source", _plain(models.CellSource)),
    "targets.yaml": ("target", _plain(models.Target)),
    "families.yaml": ("family", _plain(models.ProductFamily)),
    "mechanisms.yaml": ("mechanism", _Reader.clean_mechanism),
    "diseases.yaml": ("disease", _Reader.clean_disease),
    "glossary.yaml": ("glossary term", _Reader.clean_glossary_term),
}
