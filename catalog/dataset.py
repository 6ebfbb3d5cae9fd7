"""Read, validate and write the catalog's fixtures.

`read_dataset()` parses every file under `fixtures/` and checks all of it
(required fields, enumerations, dates, URLs, references between records) before
anything touches the database, collecting every problem it finds with the file
and record it belongs to. `write_dataset()` then replaces the catalog in one
transaction, updating rows in place by slug so that primary keys stay stable.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from catalog import models
from catalog.choices import DatePrecision, EventType
from catalog.search import rebuild_index
from catalog.text import LINK_KINDS, internal_links

EARLIEST_EVENT = datetime.date(1990, 1, 1)
EVENT_FIELDS = (
    "event_type",
    "date",
    "date_precision",
    "pathway",
    "source_url",
    "note",
    "unverified",
)
IDENTIFIERS = models.Product.IDENTIFIERS
VOCABULARY_FILES = {
    "agencies.yaml": "agency",
    "companies.yaml": "company",
    "cell_sources.yaml": "cell source",
    "targets.yaml": "target",
    "families.yaml": "family",
    "mechanisms.yaml": "mechanism",
    "diseases.yaml": "disease",
    "glossary.yaml": "glossary term",
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
        try:
            self.clean[name] = model_field.clean(value, None)
        except ValidationError as exc:
            self.error(f"'{name}' {value!r}: {' '.join(exc.messages)}")
            return ""
        return self.clean[name]

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
    slug = raw.get("slug") if isinstance(raw, dict) else None
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
        for filename, kind in VOCABULARY_FILES.items():
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
            if not isinstance(rows, list):
                self.errors.append(
                    f"{path.relative_to(self.root.parent)}: must be a list"
                )
                continue
            location = path.relative_to(self.root.parent)
            for index, raw in enumerate(rows):
                self.add(
                    kind,
                    getattr(self, f"clean_{kind.replace(' ', '_')}"),
                    location,
                    raw,
                    index,
                )
        product_files = sorted((self.root / "products").glob("*.yaml"))
        for path in product_files:
            raw = self.load_yaml(path)
            if raw is not None:
                self.add(
                    "product",
                    self.clean_product,
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
        self.add("guide", self.clean_guide, location, front, 0)

    def add(self, kind, cleaner, location, raw, index):
        record = _Record(
            self.errors, f"{location}, {_label(raw, kind, index)}", raw, None
        )
        if record.raw:
            clean = cleaner(record)
            clean["_location"] = record.location
            self.dataset.records.setdefault(kind, []).append(clean)

    # --- one cleaner per kind of record ------------------------------------

    def clean_agency(self, record):
        record.model = models.Agency
        for name in ("slug", "short_name", "name", "region"):
            record.field(name)
        record.field("website", required=False)
        return record.finish()

    def clean_company(self, record):
        record.model = models.Company
        record.field("slug")
        record.field("name")
        for name in ("country", "website"):
            record.field(name, required=False)
        record.clean["parent"] = record.raw.get("parent") or ""
        record.seen.add("parent")
        return record.finish()

    def clean_cell_source(self, record):
        record.model = models.CellSource
        for name in ("slug", "name", "donor_relation", "tissue", "explanation"):
            record.field(name)
        return record.finish()

    def clean_target(self, record):
        record.model = models.Target
        record.field("slug")
        record.field("name")
        record.field("description", required=False)
        return record.finish()

    def clean_family(self, record):
        record.model = models.ProductFamily
        for name in ("slug", "name", "description"):
            record.field(name)
        return record.finish()

    def clean_mechanism(self, record):
        record.model = models.Mechanism
        for name in ("slug", "name", "summary", "body"):
            record.field(name)
        record.clean["references"] = self.clean_references(record)
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
            ref.field("url")
            ref.field("title")
            ref.field("publisher", required=False)
            references.append(ref.finish())
        return references

    def clean_glossary_term(self, record):
        record.model = models.GlossaryTerm
        for name in ("slug", "term", "definition"):
            record.field(name)
        record.clean["see_also"] = record.slug_list("see_also")
        record.clean["references"] = self.clean_references(record)
        return record.finish()

    def clean_guide(self, record):
        record.model = models.Guide
        for name in ("slug", "title", "summary", "body"):
            record.field(name)
        record.clean["references"] = self.clean_references(record)
        return record.finish()

    def clean_disease(self, record):
        record.model = models.Disease
        record.field("slug")
        record.field("name")
        for name in (
            "therapeutic_area",
            "description",
            "mondo_id",
            "mesh_id",
            "icd10_code",
        ):
            record.field(name, required=False)
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
            synonym.field("term")
            synonym.field("kind")
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
        for name in (
            "slug",
            "brand_name",
            "modality",
            "cell_type",
            "gene_modification",
        ):
            record.field(name)
        record.field("summary")
        record.field("last_verified")
        for name in (
            "nonproprietary_name",
            "fda_proper_name",
            "vector",
            "costimulatory_domain",
        ):
            record.field(name, required=False)
        for name in ("sponsor", "cell_source", "target", "family"):
            record.seen.add(name)
            record.clean[name] = record.raw.get(name) or ""
            if not record.clean[name] and name in ("sponsor", "cell_source"):
                record.error(f"'{name}' is required")
        record.clean["identifiers"] = self.clean_identifiers(record)
        record.clean["mechanisms"] = record.slug_list("mechanisms", required=True)
        record.clean["aliases"] = [
            self.clean_child(
                record,
                "alias",
                index,
                raw,
                models.ProductAlias,
                required=("name", "kind"),
                optional=("region",),
            ).finish()
            for index, raw in enumerate(record.mapping_list("aliases"))
        ]
        record.clean["indications"] = self.clean_indications(record)
        record.clean["events"] = self.clean_events(record)
        record.clean["holder_changes"] = self.clean_holder_changes(record)
        if (
            record.clean.get("last_verified")
            and record.clean["last_verified"] > _today()
        ):
            record.error("'last_verified' is in the future")
        return record.finish()

    def clean_identifiers(self, record):
        record.seen.add("identifiers")
        raw = record.raw.get("identifiers") or {}
        if not isinstance(raw, dict):
            record.error("'identifiers' must be a mapping")
            return {}
        identifiers = _Record(
            self.errors, f"{record.location}, identifiers", raw, models.Product
        )
        for name in IDENTIFIERS:
            identifiers.field(name, required=False)
        return identifiers.finish()

    def clean_child(self, record, kind, index, raw, model, required, optional=()):
        child = _Record(
            self.errors, f"{record.location}, {kind} #{index + 1}", raw, model
        )
        for name in required:
            child.field(name)
        for name in optional:
            child.field(name, required=False)
        return child

    def clean_indications(self, record):
        indications = []
        for index, raw in enumerate(record.mapping_list("indications")):
            child = self.clean_child(
                record,
                "indication",
                index,
                raw,
                models.Indication,
                required=("key", "population"),
                optional=("line_of_therapy",),
            )
            child.seen.add("disease")
            child.clean["disease"] = child.raw.get("disease") or ""
            if not child.clean["disease"]:
                child.error("'disease' is required")
            indications.append(child.finish())
        keys = [indication.get("key") for indication in indications]
        for key in sorted({key for key in keys if key and keys.count(key) > 1}):
            record.error(f"indication key '{key}' is used twice")
        return indications

    def clean_events(self, record):
        events = []
        keys = {indication.get("key") for indication in record.clean["indications"]}
        raw_events = record.mapping_list("events")
        if not raw_events:
            record.error("needs at least one regulatory event with a source")
        for index, raw in enumerate(raw_events):
            child = self.clean_child(
                record,
                "event",
                index,
                raw,
                models.RegulatoryEvent,
                required=("source_url",),
                optional=("pathway", "note"),
            )
            child.field("type", model_field="event_type")
            child.clean["event_type"] = child.clean.pop("type", "")
            child.seen.update({"agency", "date", "indications", "unverified"})
            child.clean["agency"] = child.raw.get("agency") or ""
            if not child.clean["agency"]:
                child.error("'agency' is required")
            child.clean["unverified"] = bool(child.raw.get("unverified"))
            self.clean_date(child)
            indications = child.raw.get("indications") or []
            if not isinstance(indications, list):
                child.error("'indications' must be a list of indication keys")
                indications = []
            for key in indications:
                if key not in keys:
                    child.error(
                        f"indication '{key}' is not one of this product's indications"
                    )
            child.clean["indications"] = indications
            if (
                not indications
                and child.clean.get("event_type") in _EVENTS_NEEDING_INDICATIONS
            ):
                child.error(
                    "an authorising event must name the indications it concerns"
                )
            events.append(child.finish())
        return events

    def clean_holder_changes(self, record):
        changes = []
        for index, raw in enumerate(record.mapping_list("holder_changes")):
            child = self.clean_child(
                record,
                "holder change",
                index,
                raw,
                models.HolderChange,
                required=("source_url",),
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
        for kind in [*VOCABULARY_FILES.values(), "product", "guide"]:
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
        for product in self.dataset["product"]:
            for indication in product["indications"]:
                if indication.get("disease") and indication["disease"] not in diseases:
                    self.errors.append(
                        f"{product['_location']}: indication '{indication.get('key')}' "
                        f"names unknown disease '{indication['disease']}'"
                    )
            for index, event in enumerate(product["events"]):
                if event.get("agency") and event["agency"] not in agencies:
                    self.errors.append(
                        f"{product['_location']}, event #{index + 1}: "
                        f"unknown agency '{event['agency']}'"
                    )
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
        prose = {
            "mechanism": ("body",),
            "glossary term": ("definition",),
            "guide": ("body",),
        }
        for kind, fields in prose.items():
            for row in self.dataset[kind]:
                for name in fields:
                    for link_kind, slug in internal_links(row.get(name, "")):
                        if slug not in known[link_kind]:
                            self.errors.append(
                                f"{row['_location']}: link to unknown "
                                f"{LINK_KINDS[link_kind]} '{slug}'"
                            )

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


_EVENTS_NEEDING_INDICATIONS = {
    EventType.APPROVAL,
    EventType.ACCELERATED_APPROVAL,
    EventType.CONDITIONAL_APPROVAL,
    EventType.LABEL_EXPANSION,
}


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


def read_dataset(fixtures_dir) -> Dataset:
    """Parse and validate every fixture; raise DatasetError listing all problems."""
    return _Reader(fixtures_dir).read()


def _fields(row, *names):
    return {name: row.get(name, "") for name in names}


class _Writer:
    """Writes a validated Dataset; slugs find the rows to update in place.

    Rows that left the fixtures are deleted last, products first, so that
    nothing still refers to a vocabulary entry when it goes.
    """

    def __init__(self, dataset):
        self.dataset = dataset
        self.stale = []

    def upsert(self, model, rows, key="slug", **getters):
        """Create or update one row per fixture record, in bulk, by `key`."""
        existing = model.objects.in_bulk(field_name=key)
        new, changed = [], []
        for row in rows:
            values = {name: getter(row) for name, getter in getters.items()}
            obj = existing.get(row[key])
            if obj is None:
                new.append(model(**{key: row[key]}, **values))
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
                changed.append(obj)
        model.objects.bulk_create(new)
        if changed and getters:
            model.objects.bulk_update(changed, list(getters), batch_size=500)
        kept = [row[key] for row in rows]
        self.stale.append(model.objects.exclude(**{f"{key}__in": kept}))
        return model.objects.filter(**{f"{key}__in": kept}).in_bulk(field_name=key)

    @staticmethod
    def replace_links(through, pairs):
        """Replace every row of a many-to-many table with `pairs` in one go."""
        through.objects.all().delete()
        names = [f.attname for f in through._meta.concrete_fields if not f.primary_key]
        through.objects.bulk_create(
            through(**dict(zip(names, pair, strict=True))) for pair in pairs
        )

    def write(self):
        data = self.dataset
        references = self.write_references()
        self.write_glossary_and_guides(references)
        lookups = {
            "agency": self.upsert(
                models.Agency,
                data["agency"],
                **_getters("short_name", "name", "region", "website"),
            ),
            "company": self.write_companies(),
            "cell source": self.upsert(
                models.CellSource,
                data["cell source"],
                **_getters("name", "donor_relation", "tissue", "explanation"),
            ),
            "target": self.upsert(
                models.Target, data["target"], **_getters("name", "description")
            ),
            "family": self.upsert(
                models.ProductFamily, data["family"], **_getters("name", "description")
            ),
            "mechanism": self.write_mechanisms(references),
            "disease": self.write_diseases(),
        }
        self.write_products(lookups)
        for stale in reversed(self.stale):
            stale.delete()

    def write_companies(self):
        rows = self.dataset["company"]
        companies = self.upsert(
            models.Company, rows, **_getters("name", "country", "website")
        )
        for row in rows:
            companies[row["slug"]].parent = companies.get(row["parent"])
        models.Company.objects.bulk_update(companies.values(), ["parent"])
        return companies

    def write_references(self):
        """Every cited reference, by URL; returns them keyed by URL."""
        rows = [
            ref
            for kind in ("mechanism", "glossary term", "guide")
            for row in self.dataset[kind]
            for ref in row["references"]
        ]
        unique = {ref["url"]: ref for ref in rows}.values()
        return self.upsert(
            models.Reference, unique, key="url", **_getters("title", "publisher")
        )

    def write_mechanisms(self, references):
        rows = self.dataset["mechanism"]
        mechanisms = self.upsert(
            models.Mechanism, rows, **_getters("name", "summary", "body")
        )
        models.MechanismReference.objects.all().delete()
        models.MechanismReference.objects.bulk_create(
            models.MechanismReference(
                mechanism=mechanisms[row["slug"]],
                reference=references[ref["url"]],
                position=position,
            )
            for row in rows
            for position, ref in enumerate(row["references"])
        )
        return mechanisms

    def write_glossary_and_guides(self, references):
        terms = self.upsert(
            models.GlossaryTerm,
            self.dataset["glossary term"],
            **_getters("term", "definition"),
        )
        rows = self.dataset["glossary term"]
        self.replace_links(
            models.GlossaryTerm.see_also.through,
            [(terms[r["slug"]].pk, terms[s].pk) for r in rows for s in r["see_also"]],
        )
        self.replace_links(
            models.GlossaryTerm.references.through,
            [
                (terms[r["slug"]].pk, references[ref["url"]].pk)
                for r in rows
                for ref in r["references"]
            ],
        )
        guides = self.upsert(
            models.Guide, self.dataset["guide"], **_getters("title", "summary", "body")
        )
        self.replace_links(
            models.Guide.references.through,
            [
                (guides[r["slug"]].pk, references[ref["url"]].pk)
                for r in self.dataset["guide"]
                for ref in r["references"]
            ],
        )

    def write_diseases(self):
        rows = self.dataset["disease"]
        diseases = self.upsert(
            models.Disease,
            rows,
            **_getters(
                "name",
                "therapeutic_area",
                "description",
                "mondo_id",
                "mesh_id",
                "icd10_code",
            ),
        )
        models.DiseaseSynonym.objects.all().delete()
        models.DiseaseSynonym.objects.bulk_create(
            models.DiseaseSynonym(
                disease=diseases[row["slug"]], **_fields(synonym, "term", "kind")
            )
            for row in rows
            for synonym in row["synonyms"]
        )
        self.replace_links(
            models.Disease.parents.through,
            [
                (diseases[row["slug"]].pk, diseases[slug].pk)
                for row in rows
                for slug in row["parents"]
            ],
        )
        return diseases

    def write_products(self, lookups):
        rows = self.dataset["product"]
        products = self.upsert(
            models.Product,
            rows,
            **_getters(
                "brand_name",
                "nonproprietary_name",
                "fda_proper_name",
                "modality",
                "cell_type",
                "gene_modification",
                "vector",
                "costimulatory_domain",
                "summary",
                "last_verified",
            ),
            **{
                name: (lambda row, name=name: row["identifiers"].get(name, ""))
                for name in IDENTIFIERS
            },
            sponsor=lambda row: lookups["company"][row["sponsor"]],
            cell_source=lambda row: lookups["cell source"][row["cell_source"]],
            target=lambda row: lookups["target"].get(row["target"]),
            family=lambda row: lookups["family"].get(row["family"]),
        )
        # Children have no identity of their own: rebuild them wholesale.
        for model in (
            models.RegulatoryEvent,
            models.Indication,
            models.ProductAlias,
            models.ProductMechanism,
            models.HolderChange,
        ):
            model.objects.all().delete()
        aliases, links, indications, events, changes = [], [], [], [], []
        for row in rows:
            product = products[row["slug"]]
            aliases += [
                models.ProductAlias(
                    product=product, **_fields(a, "name", "kind", "region")
                )
                for a in row["aliases"]
            ]
            links += [
                models.ProductMechanism(
                    product=product,
                    mechanism=lookups["mechanism"][slug],
                    is_primary=position == 0,
                    position=position,
                )
                for position, slug in enumerate(row["mechanisms"])
            ]
            indications += [
                models.Indication(
                    product=product,
                    disease=lookups["disease"][indication["disease"]],
                    position=position,
                    **_fields(indication, "key", "population", "line_of_therapy"),
                )
                for position, indication in enumerate(row["indications"])
            ]
            events += [
                models.RegulatoryEvent(
                    product=product,
                    agency=lookups["agency"][event["agency"]],
                    position=position,
                    **_fields(event, *EVENT_FIELDS),
                )
                for position, event in enumerate(row["events"])
            ]
            changes += [
                models.HolderChange(
                    product=product,
                    position=position,
                    from_company=lookups["company"][change["from"]],
                    to_company=lookups["company"][change["to"]],
                    **_fields(change, "date", "date_precision", "source_url"),
                )
                for position, change in enumerate(row["holder_changes"])
            ]
        for model, objects in (
            (models.ProductAlias, aliases),
            (models.ProductMechanism, links),
            (models.Indication, indications),
            (models.RegulatoryEvent, events),
            (models.HolderChange, changes),
        ):
            model.objects.bulk_create(objects, batch_size=500)
        self.link_events_to_indications(rows, products)

    def link_events_to_indications(self, rows, products):
        # bulk_create set the primary keys, but look them up by natural key
        # so the links never depend on the order rows came back in.
        indication_ids = {
            (product_id, key): pk
            for pk, product_id, key in models.Indication.objects.values_list(
                "pk", "product_id", "key"
            )
        }
        event_ids = {
            (product_id, position): pk
            for pk, product_id, position in models.RegulatoryEvent.objects.values_list(
                "pk", "product_id", "position"
            )
        }
        pairs = []
        for row in rows:
            product_id = products[row["slug"]].pk
            for position, event in enumerate(row["events"]):
                for key in event["indications"]:
                    pairs.append(
                        (
                            event_ids[product_id, position],
                            indication_ids[product_id, key],
                        )
                    )
        self.replace_links(models.RegulatoryEvent.indications.through, pairs)


def _getters(*names):
    return {name: (lambda row, name=name: row.get(name, "")) for name in names}


def write_dataset(dataset: Dataset) -> models.DatasetVersion:
    """Replace the catalog with `dataset` in one transaction; return its version."""
    with transaction.atomic():
        _Writer(dataset).write()
        models.Product.objects.all().refresh_derived()
        rebuild_index()
        version, _ = models.DatasetVersion.objects.get_or_create(
            digest=dataset.digest,
            defaults={
                "seeded_at": timezone.now(),
                "product_count": len(dataset["product"]),
                "event_count": sum(len(p["events"]) for p in dataset["product"]),
            },
        )
    _refresh_planner_statistics()
    return version


def _refresh_planner_statistics():
    """A freshly loaded table has no statistics, and PostgreSQL then plans
    searches as if it were empty (sequential scans, hash joins); ANALYZE now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
