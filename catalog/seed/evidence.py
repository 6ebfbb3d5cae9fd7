"""Read and validate fixtures/evidence/<product>.yaml (format: fixtures/README.md).

Called by the main reader once the products and regulators are read, so that
every reference can be checked; problems are collected like the reader's own,
with the file and record, and nothing is written if there is any.
"""

from __future__ import annotations

import datetime
import re

from catalog import models
from catalog.choices import Endpoint, OpenBound, SafetyEvent, TrialDesign
from catalog.seed import reader as base

# Registers a trial may be numbered in; a light check of each one's form.
REGISTRY_PATTERNS = {
    "ClinicalTrials.gov": r"NCT\d{8}",
    "EudraCT": r"(EudraCT )?\d{4}-\d{6}-\d{2}",
    "EU CT": r"(EU CT )?\d{4}-5\d{5}-\d{2}-\d{2}",
    "ChiCTR": r"ChiCTR(-[A-Z]{2,4}-)?\d{8,10}",
    "CTRI": r"CTRI/\d{4}/\d{2,3}/\d{6}",
    "jRCT": r"jRCT[a-z]?\d{9,10}",
    "UMIN": r"UMIN\d{9}",
    "KCT": r"KCT\d{7}",
    "ISRCTN": r"ISRCTN\d{8}",
}
FILE_KEYS = {
    "product",
    "last_verified",
    "trials",
    "safety",
    "risk_programmes",
    "administration",
}
OPEN_BOUNDS = set(OpenBound.values)


def read_evidence(reader):
    """Every evidence file, into `reader.dataset["evidence"]`."""
    folder = reader.root / "evidence"
    products = {row.get("slug"): row for row in reader.dataset["product"]}
    agencies = reader.slugs("agency")
    for path in sorted(folder.glob("*.yaml")):
        raw = reader.load_yaml(path)
        if raw is None:
            continue
        location = path.relative_to(reader.root.parent)
        record = base._Record(reader.errors, str(location), raw, None)
        if not record.raw:
            continue
        clean = _File(reader, record, products, agencies).clean(path.stem)
        clean["_location"] = str(location)
        reader.dataset.records.setdefault("evidence", []).append(clean)


class _File:
    def __init__(self, reader, record, products, agencies):
        self.reader = reader
        self.record = record
        self.products = products
        self.agencies = agencies
        self.indication_keys = set()

    @property
    def errors(self):
        return self.reader.errors

    def clean(self, stem):
        record = self.record
        record.seen.update(FILE_KEYS)
        slug = record.raw.get("product")
        record.clean["product"] = slug
        if slug != stem:
            record.error(f"'product' must be the file's name ('{stem}'), not {slug!r}")
        product = self.products.get(slug)
        if product is None:
            record.error(f"unknown product {slug!r}")
        else:
            self.indication_keys = {i.get("key") for i in product["indications"]}
        record.clean["last_verified"] = self.past_date(
            record, "last_verified", required=True
        )
        record.clean["trials"] = self.trials()
        record.clean["safety"] = self.safety()
        record.clean["risk_programmes"] = self.programmes()
        record.clean["administration"] = self.administration()
        for unknown in sorted(set(record.raw) - FILE_KEYS):
            record.error(f"unknown field '{unknown}'")
        return record.clean

    def child(self, raw, label, model):
        return base._Record(self.errors, f"{self.record.location}, {label}", raw, model)

    def sources(self, child):
        sources = self.reader.clean_pages_read(
            child, "sources", models.EvidenceSource, "source"
        )
        if not sources:
            child.error("needs at least one source")
        for source in sources:
            # The API promises URIs: an address typed with its accents or
            # Greek letters must be percent-encoded first.
            if not str(source.get("url", "")).isascii():
                child.error(f"source {source['url']!r}: percent-encode the address")
        return sources

    # --- trials ---------------------------------------------------------------

    def trials(self):
        trials = []
        for index, raw in enumerate(self.record.mapping_list("trials")):
            key = raw.get("key") if isinstance(raw, dict) else None
            label = f"trial '{key}'" if key else f"trial #{index + 1}"
            trials.append(self.trial(self.child(raw, label, models.PivotalTrial)))
        keys = [trial.get("key") for trial in trials]
        for key in sorted({key for key in keys if key and keys.count(key) > 1}):
            self.record.error(f"trial key '{key}' is used twice")
        return trials

    def trial(self, child):
        for name in ("key", "name", "design", "population"):
            child.field(name)
        child.field("phase", required=False)
        child.field("comparator", required=False)
        for name in ("enrolled", "treated", "evaluable"):
            child.clean[name] = _count(child, name)
        child.clean["median_follow_up_months"] = _number(
            child, "median_follow_up_months", low=0
        )
        child.clean["registry_ids"] = self.registry_ids(child)
        self.check_design(child)
        self.check_numbers(child)
        child.clean["indications"] = child.slug_list("indications", required=True)
        for key in child.clean["indications"]:
            if self.indication_keys and key not in self.indication_keys:
                child.error(
                    f"indication '{key}' is not one of this product's indications"
                )
        child.clean["results"] = [
            self.result(
                base._Record(
                    self.errors,
                    f"{child.location}, result #{index + 1}",
                    raw,
                    models.TrialResult,
                )
            )
            for index, raw in enumerate(child.mapping_list("results"))
        ]
        child.clean["sources"] = self.sources(child)
        return child.finish()

    @staticmethod
    def registry_ids(child):
        ids = child.slug_list("registry_ids")
        for value in ids:
            if not any(re.fullmatch(p, value) for p in REGISTRY_PATTERNS.values()):
                child.error(
                    f"registry ID {value!r} is not of a known form "
                    f"({', '.join(REGISTRY_PATTERNS)})"
                )
        if len(set(ids)) != len(ids):
            child.error("a registry ID is listed twice")
        return ids

    @staticmethod
    def check_design(child):
        randomised = child.clean.get("design") == TrialDesign.RANDOMISED
        if randomised and not child.clean.get("comparator"):
            child.error("a randomised trial needs its 'comparator'")
        if child.clean.get("comparator") and not randomised:
            child.error("'comparator' is only for a randomised trial")

    @staticmethod
    def check_numbers(child):
        enrolled, treated, evaluable = (
            child.clean.get(name) for name in ("enrolled", "treated", "evaluable")
        )
        if treated is not None and evaluable is not None and evaluable > treated:
            child.error(f"'evaluable' ({evaluable}) is more than 'treated' ({treated})")
        if enrolled is not None and treated is not None and treated > enrolled:
            child.error(f"'treated' ({treated}) is more than 'enrolled' ({enrolled})")

    # --- results --------------------------------------------------------------

    def result(self, child):
        child.field("endpoint")
        child.field("label", required=child.raw.get("endpoint") == Endpoint.OTHER)
        child.field("assessed_by", required=False)
        child.field("p_value", required=False)
        child.seen.add("primary")
        primary = child.raw.get("primary", False)
        if not isinstance(primary, bool):
            child.error("'primary' must be true or false")
        child.clean["primary"] = primary is True
        child.clean["reported_in"] = self.agency(child, required=False)
        child.clean["n"] = _count(child, "n")
        child.clean["at_months"] = _number(child, "at_months", low=0)
        child.clean["ci_level"] = _number(child, "ci_level", low=0, high=100) or 95
        self.value(child)
        self.interval(child)
        child.clean["sources"] = self.sources(child)
        return child.finish()

    @staticmethod
    def value(child):
        """Exactly one of a rate, a median or a hazard ratio; an `other`
        endpoint may give its figure in its label instead."""
        kinds = [
            k for k in ("percent", "median_months", "hazard_ratio") if k in child.raw
        ]
        label_only = not kinds and child.raw.get("endpoint") == Endpoint.OTHER
        if len(kinds) != 1 and not label_only:
            child.error(
                "needs exactly one of 'percent', 'median_months' or 'hazard_ratio'"
                f" (found {', '.join(kinds) or 'none'})"
            )
        # `n` is left out where the document prints no denominator.
        child.clean["percent"] = _number(child, "percent", low=0, high=100)
        child.clean["median_not_reached"] = (
            child.raw.get("median_months") == OpenBound.NOT_REACHED
        )
        if child.clean["median_not_reached"]:
            child.seen.add("median_months")
            child.clean["median_months"] = None
        else:
            child.clean["median_months"] = _number(child, "median_months", low=0)
        child.clean["hazard_ratio"] = _number(child, "hazard_ratio", low=0)
        if child.clean["hazard_ratio"] == 0:
            child.error("'hazard_ratio' must be more than 0")

    @staticmethod
    def interval(child):
        """`ci: [low, high]`: numbers or 'not-reached'/'not-estimable',
        in order and around the value."""
        child.seen.add("ci")
        child.clean.update(ci_low=None, ci_high=None, ci_low_open="", ci_high_open="")
        ci = child.raw.get("ci")
        if ci is None:
            return
        if not isinstance(ci, list) or len(ci) != 2:
            child.error("'ci' must be [low, high]")
            return
        for end, bound in zip(("low", "high"), ci, strict=True):
            if bound in OPEN_BOUNDS:
                child.clean[f"ci_{end}_open"] = bound
            elif _is_number(bound):
                child.clean[f"ci_{end}"] = float(bound)
            else:
                child.error(
                    f"'ci' {end} bound {bound!r} must be a number or one of "
                    f"{', '.join(sorted(OPEN_BOUNDS))}"
                )
        low, high = child.clean["ci_low"], child.clean["ci_high"]
        value = next(
            (
                child.clean[k]
                for k in ("percent", "median_months", "hazard_ratio")
                if child.clean.get(k) is not None
            ),
            None,
        )
        if child.clean.get("percent") is not None:
            for bound in (low, high):
                if bound is not None and not 0 <= bound <= 100:
                    child.error(f"'ci' bound {bound:g} is outside 0-100")
        if low is not None and high is not None and low > high:
            child.error(f"'ci' low {low:g} is above high {high:g}")
        if value is not None and low is not None and value < low:
            child.error(f"the value {value:g} is below its 'ci' ({low:g})")
        if value is not None and high is not None and value > high:
            child.error(f"the value {value:g} is above its 'ci' ({high:g})")

    def agency(self, child, required=True):
        child.seen.add("agency" if required else "reported_in")
        slug = child.raw.get("agency" if required else "reported_in")
        if not slug:
            if required:
                child.error("'agency' is required")
            return None
        if slug not in self.agencies:
            child.error(f"unknown agency {slug!r}")
        return slug

    # --- safety, programmes, administration -----------------------------------

    def safety(self):
        entries = []
        for index, raw in enumerate(self.record.mapping_list("safety")):
            agency = raw.get("agency") if isinstance(raw, dict) else None
            label = f"safety '{agency}'" if agency else f"safety #{index + 1}"
            child = self.child(raw, label, models.LabelSafety)
            child.clean["agency"] = self.agency(child)
            child.field("document")
            child.clean["warnings"] = [
                *self.warnings(child, "boxed_warnings", boxed=True),
                *self.warnings(child, "warnings", boxed=False),
            ]
            child.clean["severe_rates"] = self.severe_rates(child)
            child.clean["sources"] = self.sources(child)
            entries.append(child.finish())
        agencies = [entry.get("agency") for entry in entries]
        for slug in sorted({a for a in agencies if a and agencies.count(a) > 1}):
            self.record.error(f"safety for agency '{slug}' is given twice")
        return entries

    def warnings(self, parent, name, boxed):
        """A list of event slugs; `other` is a mapping with its `label`."""
        parent.seen.add(name)
        raw = parent.raw.get(name) or []
        if not isinstance(raw, list):
            parent.error(f"'{name}' must be a list of safety events")
            return []
        warnings = []
        for index, entry in enumerate(raw):
            child = base._Record(
                self.errors,
                f"{parent.location}, {name} #{index + 1}",
                entry if isinstance(entry, dict) else {"event": entry},
                models.LabelWarning,
            )
            self.event(child)
            child.clean["boxed"] = boxed
            warnings.append(child.finish())
        return warnings

    @staticmethod
    def event(child):
        child.field("event")
        is_other = child.raw.get("event") == SafetyEvent.OTHER
        child.field("label", required=is_other)
        if child.clean.get("label") and not is_other:
            child.error("'label' is only for an 'other' event")

    def severe_rates(self, parent):
        rates = []
        for index, raw in enumerate(parent.mapping_list("severe_rates")):
            child = base._Record(
                self.errors,
                f"{parent.location}, severe rate #{index + 1}",
                raw,
                models.SevereRate,
            )
            self.event(child)
            child.field("population", required=False)
            child.clean["percent"] = _number(child, "percent", low=0, high=100)
            child.clean["n"] = _count(child, "n")
            if child.clean["percent"] is None:
                child.error("'percent' is required")
            rates.append(child.finish())
        return rates

    def programmes(self):
        programmes = []
        for index, raw in enumerate(self.record.mapping_list("risk_programmes")):
            child = self.child(
                raw, f"risk programme #{index + 1}", models.RiskProgramme
            )
            child.clean["agency"] = self.agency(child)
            child.field("name")
            started = self.partial_date(child, "started", required=True)
            ended = self.partial_date(child, "ended", required=False)
            if started and ended and ended[0] < started[0]:
                child.error("'ended' is before 'started'")
            child.clean["started"], child.clean["started_precision"] = started or (
                None,
                "",
            )
            child.clean["ended"], child.clean["ended_precision"] = ended or (None, "")
            child.clean["sources"] = self.sources(child)
            programmes.append(child.finish())
        return programmes

    def administration(self):
        self.record.seen.add("administration")
        raw = self.record.raw.get("administration")
        if raw is None:
            return None
        child = self.child(raw, "administration", models.Administration)
        child.fields(models.Administration, exclude={"manufacturing_days"})
        child.clean["manufacturing_days"] = _count(child, "manufacturing_days")
        child.clean["sources"] = self.sources(child)
        return child.finish()

    # --- dates ---------------------------------------------------------------

    @staticmethod
    def past_date(child, name, required):
        child.seen.add(name)
        value = child.raw.get(name)
        if value is None:
            if required:
                child.error(f"'{name}' is required")
            return None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            child.error(f"'{name}' must be a day (YYYY-MM-DD)")
            return None
        if value > base._today():
            child.error(f"'{name}' is in the future")
        return value

    @staticmethod
    def partial_date(child, name, required):
        """(date, precision) from YYYY-MM-DD, YYYY-MM or YYYY, or None."""
        child.seen.add(name)
        value = child.raw.get(name)
        if value in (None, ""):
            if required:
                child.error(f"'{name}' is required")
            return None
        try:
            date, precision = base.parse_date(value)
        except ValueError as exc:
            child.error(f"'{name}' {value!r} {exc}")
            return None
        if date > base._today():
            child.error(f"'{name}' {date.isoformat()} is in the future")
        return date, precision


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(child, name, low=None, high=None):
    """A number within [low, high] as float, or None when absent."""
    child.seen.add(name)
    value = child.raw.get(name)
    if value is None:
        return None
    if not _is_number(value):
        child.error(f"'{name}' {value!r} must be a number")
        return None
    if low is not None and value < low:
        child.error(f"'{name}' {value:g} must be at least {low}")
        return None
    if high is not None and value > high:
        child.error(f"'{name}' {value:g} must be at most {high}")
        return None
    return float(value)


def _count(child, name):
    """A whole number of people (or days), 1 or more, or None when absent."""
    child.seen.add(name)
    value = child.raw.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        child.error(f"'{name}' {value!r} must be a whole number, 1 or more")
        return None
    return value
