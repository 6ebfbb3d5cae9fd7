"""fixtures/evidence/<product>.yaml: what seed accepts, loads and refuses.

The figures below are test data in the file format, not facts about the
products: the real, cited figures live in fixtures/evidence/.
"""

import copy
import datetime
import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from catalog.models import (
    Administration,
    EvidenceSource,
    LabelSafety,
    PivotalTrial,
    ProductEvidence,
    RiskProgramme,
    TrialResult,
)
from catalog.seed import read_dataset
from catalog.seed.evidence import read_evidence
from catalog.seed.reader import _Reader
from tests.conftest import FIXTURES_DIR, make_product

READ = datetime.date(2025, 6, 1)
LABEL = {
    "url": "https://example.org/label.pdf",
    "kind": "label",
    "read": READ,
    "title": "US prescribing information, section 14",
}
PAPER = {"url": "https://example.org/paper", "kind": "journal", "read": READ}
GOOD = {
    "product": "axicabtagene-ciloleucel",
    "last_verified": READ,
    "trials": [
        {
            "key": "zuma-1",
            "name": "ZUMA-1",
            "registry_ids": ["NCT02348216"],
            "phase": "2",
            "design": "single-arm",
            "indications": ["adult-r-r-lbcl-3l"],
            "population": "Adults with refractory large B-cell lymphoma",
            "enrolled": 111,
            "treated": 101,
            "evaluable": 101,
            "median_follow_up_months": 15.4,
            "results": [
                {
                    "endpoint": "overall-response-rate",
                    "primary": True,
                    "reported_in": "fda",
                    "percent": 72,
                    "n": 101,
                    "ci": [62, 81],
                    "sources": [LABEL],
                },
                {
                    "endpoint": "duration-of-response",
                    "median_months": "not-reached",
                    "ci": [10.5, "not-reached"],
                    "sources": [LABEL],
                },
            ],
            "sources": [LABEL],
        },
        {
            "key": "zuma-7",
            "name": "ZUMA-7",
            "registry_ids": ["NCT03391466", "EudraCT 2017-002261-22"],
            "phase": "3",
            "design": "randomised",
            "comparator": "Standard of care: chemotherapy then a transplant",
            "indications": ["adult-lbcl-2l"],
            "population": "Adults whose lymphoma came back within a year",
            "enrolled": 359,
            "results": [
                {
                    "endpoint": "event-free-survival",
                    "primary": True,
                    "hazard_ratio": 0.4,
                    "ci": [0.31, 0.51],
                    "p_value": "<0.0001",
                    "sources": [PAPER],
                }
            ],
            "sources": [PAPER, LABEL],
        },
    ],
    "safety": [
        {
            "agency": "fda",
            "document": "US prescribing information, revised 2025-06",
            "boxed_warnings": ["cytokine-release-syndrome", "neurologic-toxicities"],
            "warnings": [
                "prolonged-cytopenia",
                {"event": "other", "label": "Effects on driving"},
            ],
            "severe_rates": [
                {
                    "event": "cytokine-release-syndrome",
                    "percent": 9,
                    "n": 383,
                    "population": "pooled across trials",
                }
            ],
            "sources": [LABEL],
        }
    ],
    "risk_programmes": [
        {
            "agency": "fda",
            "name": "Test REMS",
            "started": "2017-10",
            "ended": 2025,
            "sources": [LABEL],
        }
    ],
    "administration": {
        "dose": "A single infusion of 2 × 10⁶ CAR-positive T cells per kg",
        "lymphodepletion": "Fludarabine and cyclophosphamide for three days",
        "route": "Intravenous infusion",
        "setting": "Certified treatment centres",
        "manufacturing_days": 16,
        "sources": [LABEL],
    },
}


@pytest.fixture(scope="module")
def real():
    return read_dataset(FIXTURES_DIR)


@pytest.fixture
def check(tmp_path, real):
    """The problems seed finds in one evidence file, as one string."""

    def run(data, name=None):
        folder = tmp_path / "fixtures"
        (folder / "evidence").mkdir(parents=True, exist_ok=True)
        path = folder / "evidence" / f"{name or data.get('product')}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        reader = _Reader(folder)
        reader.dataset.records = {kind: real[kind] for kind in ("product", "agency")}
        read_evidence(reader)
        return "\n".join(reader.errors)

    return run


def changed(change):
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_a_good_file_has_no_problems(check):
    assert check(GOOD) == ""


def test_the_file_name_must_be_the_product(check):
    errors = check(GOOD, name="tisagenlecleucel")
    assert "'product' must be the file's name ('tisagenlecleucel')" in errors


def test_an_unknown_product_is_refused(check):
    data = changed(lambda d: d.update(product="no-such-cel"))
    assert "unknown product 'no-such-cel'" in check(data)


def _trial(key, value, index=0):
    return lambda d: d["trials"][index].__setitem__(key, value)


def _result(key, value, index=0):
    return lambda d: d["trials"][0]["results"][index].__setitem__(key, value)


def _drop_result(key, index=0):
    return lambda d: d["trials"][0]["results"][index].pop(key)


def _both(*changes):
    def change(data):
        for one in changes:
            one(data)

    return change


FUTURE = datetime.date.today() + datetime.timedelta(days=30)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_trial("key", "zuma-7"), "trial key 'zuma-7' is used twice"),
        (
            _trial("indications", ["jp-r-r-lbcl", "no-such-use"]),
            "trial 'zuma-1': indication 'no-such-use' is not one of this product's",
        ),
        (_trial("registry_ids", ["NCT123"]), "registry ID 'NCT123' is not of a known"),
        (
            _trial("registry_ids", ["ChiCTR 1234"]),
            "registry ID 'ChiCTR 1234' is not of a known",
        ),
        (_trial("phase", "5"), "'phase' '5'"),
        (_trial("design", "crossover"), "'design' 'crossover'"),
        (_trial("comparator", "", index=1), "a randomised trial needs its"),
        (_trial("comparator", "Placebo"), "'comparator' is only for a randomised"),
        (_trial("evaluable", 102), "'evaluable' (102) is more than 'treated' (101)"),
        (_trial("enrolled", 100), "'treated' (101) is more than 'enrolled' (100)"),
        (_trial("treated", 0), "'treated' 0 must be a whole number, 1 or more"),
        (_trial("sources", []), "trial 'zuma-1': needs at least one source"),
        (_trial("population", ""), "trial 'zuma-1': 'population' is required"),
        (_trial("blinded", True), "trial 'zuma-1': unknown field 'blinded'"),
        (_result("percent", 120), "'percent' 120 must be at most 100"),
        (_result("ci", [62, 120]), "'ci' bound 120 is outside 0-100"),
        (_result("ci", [75, 81]), "the value 72 is below its 'ci' (75)"),
        (_result("ci", [81, 62]), "'ci' low 81 is above high 62"),
        (_result("ci", [62]), "'ci' must be [low, high]"),
        (_result("ci", [62, "big"]), "'ci' high bound 'big' must be a number"),
        (_result("n", 0), "'n' 0 must be a whole number, 1 or more"),
        (
            _result("median_months", 11.1),
            "needs exactly one of 'percent', 'median_months' or 'hazard_ratio'"
            " (found percent, median_months)",
        ),
        (
            _drop_result("percent"),
            "needs exactly one of 'percent', 'median_months' or 'hazard_ratio'"
            " (found none)",
        ),
        (_result("endpoint", "happiness"), "'endpoint' 'happiness'"),
        (_result("endpoint", "other"), "'label' is required"),
        (_result("reported_in", "nowhere"), "result #1: unknown agency 'nowhere'"),
        (_result("sources", []), "result #1: needs at least one source"),
        (_result("primary", "yes"), "'primary' must be true or false"),
        (_result("odds", 2), "result #1: unknown field 'odds'"),
        (
            lambda d: d["trials"][0]["sources"][0].__setitem__("read", FUTURE),
            "source #1: 'read' is in the future",
        ),
        (
            lambda d: d["safety"][0].__setitem__("agency", "nowhere"),
            "safety 'nowhere': unknown agency 'nowhere'",
        ),
        (
            lambda d: d["safety"].append(copy.deepcopy(d["safety"][0])),
            "safety for agency 'fda' is given twice",
        ),
        (
            lambda d: d["safety"][0].__setitem__("sources", []),
            "safety 'fda': needs at least one source",
        ),
        (
            lambda d: d["safety"][0]["boxed_warnings"].append("bad-luck"),
            "boxed_warnings #3: 'event' 'bad-luck'",
        ),
        (
            lambda d: d["safety"][0]["warnings"].append("other"),
            "warnings #3: 'label' is required",
        ),
        (
            lambda d: d["safety"][0]["severe_rates"][0].__setitem__("percent", -1),
            "'percent' -1 must be at least 0",
        ),
        (
            lambda d: d["safety"][0]["severe_rates"][0].pop("percent"),
            "severe rate #1: 'percent' is required",
        ),
        (
            lambda d: d["risk_programmes"][0].__setitem__("ended", "2016"),
            "'ended' is before 'started'",
        ),
        (
            lambda d: d["risk_programmes"][0].__setitem__("started", "Oct 2017"),
            "'started' 'Oct 2017' must be YYYY-MM-DD, YYYY-MM or YYYY",
        ),
        (
            lambda d: d["risk_programmes"][0].__setitem__("agency", "nowhere"),
            "risk programme #1: unknown agency 'nowhere'",
        ),
        (
            lambda d: d["risk_programmes"][0].__setitem__("sources", []),
            "risk programme #1: needs at least one source",
        ),
        (
            lambda d: d["administration"].__setitem__("sources", []),
            "administration: needs at least one source",
        ),
        (
            lambda d: d["administration"].pop("dose"),
            "administration: 'dose' is required",
        ),
        (lambda d: d.__setitem__("last_verified", FUTURE), "'last_verified' is in"),
        (lambda d: d.__setitem__("notes", "x"), "unknown field 'notes'"),
    ],
)
def test_each_problem_is_refused_with_its_file_and_record(check, change, message):
    errors = check(changed(change))
    assert message in errors
    assert "evidence/axicabtagene-ciloleucel.yaml" in errors


@pytest.mark.parametrize(
    "change",
    [
        # Documents print these without a denominator; nothing is estimated.
        _drop_result("n"),
        lambda d: d["safety"][0]["severe_rates"][0].pop("n"),
        # The phase is not printed in every source.
        lambda d: d["trials"][0].pop("phase"),
        # An `other` endpoint may give its figure in its label alone.
        _both(
            _drop_result("percent"),
            _drop_result("ci"),
            _result("endpoint", "other"),
            _result("label", "Mean change in a motor score: +8.3 against +2.3"),
        ),
    ],
)
def test_what_a_document_may_leave_out_is_accepted(check, change):
    assert check(changed(change)) == ""


def test_every_problem_is_reported_not_only_the_first(check):
    data = changed(_both(_trial("phase", "5"), _result("percent", 120)))
    errors = check(data).splitlines()
    assert len(errors) == 2


@pytest.mark.parametrize(
    "registry_id",
    [
        "NCT02348216",
        "EudraCT 2017-002261-22",
        "2017-002261-22",
        "EU CT 2023-503456-12-00",
        "ChiCTR1800018137",
        "ChiCTR-OPC-17013010",
        "CTRI/2021/06/034249",
        "jRCT2033200018",
        "KCT0005717",
        "ISRCTN12345678",
    ],
)
def test_registry_ids_of_each_register_are_accepted(check, registry_id):
    assert check(changed(_trial("registry_ids", [registry_id]))) == ""


# --- loading ----------------------------------------------------------------


def only_evidence(folder, data):
    """The copy's evidence folder holding this one file: the curated files
    would otherwise join in, and these tests count rows."""
    folder = folder / "evidence"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / f"{data['product']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def seed_with(folder, data):
    only_evidence(folder, data)
    call_command("seed", fixtures=str(folder), verbosity=0)


@pytest.mark.django_db
def test_a_good_file_loads_with_its_sources_numbered_once_each(fixtures_copy):
    seed_with(fixtures_copy, GOOD)
    zuma1, zuma7 = PivotalTrial.objects.filter(product__slug="axicabtagene-ciloleucel")
    assert [i.key for i in zuma1.indications.all()] == ["adult-r-r-lbcl-3l"]
    assert zuma7.registry_ids == ["NCT03391466", "EudraCT 2017-002261-22"]
    assert zuma7.is_randomised and not zuma1.is_randomised
    orr, dor = zuma1.results.all()
    assert (orr.percent, orr.n, orr.ci_low, orr.ci_high) == (72, 101, 62, 81)
    assert orr.reported_in.slug == "fda"
    assert dor.median_not_reached and dor.ci_high_open == "not-reached"
    # The label is cited six times and the paper twice: two sources.
    sources = EvidenceSource.objects.filter(product=zuma1.product)
    assert [s.url for s in sources] == [LABEL["url"], PAPER["url"]]
    assert [s.url for s in zuma7.sources.all()] == [LABEL["url"], PAPER["url"]]
    safety = LabelSafety.objects.get()
    assert [(w.event, w.boxed) for w in safety.warnings.all()] == [
        ("cytokine-release-syndrome", True),
        ("neurologic-toxicities", True),
        ("prolonged-cytopenia", False),
        ("other", False),
    ]
    programme = RiskProgramme.objects.get()
    assert (programme.display_started, programme.display_ended) == (
        "October 2017",
        "2025",
    )
    assert Administration.objects.get().manufacturing_days == 16
    assert ProductEvidence.objects.get().last_verified == READ


@pytest.mark.django_db
def test_seeding_evidence_twice_gives_the_same_rows(fixtures_copy):
    seed_with(fixtures_copy, GOOD)
    first = sorted(TrialResult.objects.values_list("trial__key", "endpoint"))
    seed_with(fixtures_copy, GOOD)
    assert sorted(TrialResult.objects.values_list("trial__key", "endpoint")) == first
    assert PivotalTrial.objects.count() == 2


@pytest.mark.django_db
def test_a_bad_file_loads_nothing(fixtures_copy, capsys):
    with pytest.raises(CommandError):
        seed_with(fixtures_copy, changed(_result("percent", 120)))
    assert "'percent' 120 must be at most 100" in capsys.readouterr().err
    assert not PivotalTrial.objects.exists()


def test_evidence_files_change_the_dataset_digest(fixtures_copy, real):
    only_evidence(fixtures_copy, GOOD)
    dataset = read_dataset(fixtures_copy)
    assert dataset.digest != real.digest
    assert len(dataset["evidence"]) == 1


# --- the database refuses what seed would -------------------------------------


@pytest.fixture
def trial(db):
    return PivotalTrial.objects.create(
        product=make_product(),
        key="t",
        name="T",
        phase="2",
        design="single-arm",
        population="Adults",
        position=0,
    )


@pytest.mark.parametrize(
    "values",
    [
        {"percent": 120, "n": 10},
        {"percent": 50, "n": 0},
        {"percent": 50, "n": 10, "hazard_ratio": 0.5},
        {"median_months": 3, "median_not_reached": True},
        {},
        {"hazard_ratio": 0.5, "ci_low": 0.6, "ci_high": 0.4},
    ],
)
def test_the_database_refuses_an_impossible_result(trial, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrialResult.objects.create(
            trial=trial, endpoint="overall-response-rate", position=0, **values
        )


def test_the_database_refuses_a_comparator_on_a_single_arm_trial(trial):
    trial.comparator = "Placebo"
    with pytest.raises(IntegrityError), transaction.atomic():
        trial.save()


def test_a_source_address_with_letters_beyond_ascii_is_refused(check):
    def greek(data):
        data["trials"][0]["sources"][0]["url"] = "https://example.org/β-thalassemia"

    assert "percent-encode the address" in check(changed(greek))
