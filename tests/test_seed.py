import datetime

import pytest
import yaml
from django.core.management import CommandError, call_command

from catalog.models import (
    CoverageSweep,
    DecisionSource,
    Disease,
    IndicationStatus,
    Product,
    ProductIdentifier,
    RegulatoryEvent,
)
from catalog.seed import DatasetError, read_dataset

pytestmark = pytest.mark.django_db

PRODUCT = "products/tisagenlecleucel.yaml"


def snapshot():
    """The catalog's content, by natural keys, in a comparable form."""
    return {
        "products": sorted(
            Product.objects.values_list(
                "slug", "brand_name", "sponsor__slug", "modality"
            )
        ),
        "events": sorted(
            RegulatoryEvent.objects.values_list(
                "product__slug", "agency__slug", "event_type", "date"
            )
        ),
        "sources": sorted(
            DecisionSource.objects.values_list("event__product__slug", "url")
        ),
        "statuses": sorted(
            IndicationStatus.objects.values_list(
                "indication__key", "agency__slug", "status", "since"
            )
        ),
        "diseases": sorted(Disease.objects.values_list("slug", "parents__slug")),
        "product_ids": sorted(Product.objects.values_list("slug", "pk")),
    }


def edit(folder, name, change):
    path = folder / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def seed_from(folder, **options):
    call_command("seed", fixtures=str(folder), verbosity=0, **options)


def test_it_loads_the_real_fixtures_and_says_what_it_loaded(capsys):
    call_command("seed")
    out = capsys.readouterr().out
    assert f"{Product.objects.count():5d} product record(s)" in out
    assert Product.objects.filter(slug="tisagenlecleucel").exists()
    assert "Loaded dataset" in out


def test_seeding_twice_gives_the_same_database():
    call_command("seed", verbosity=0)
    first = snapshot()
    call_command("seed", verbosity=0)
    assert snapshot() == first


def test_a_dry_run_validates_without_writing(capsys):
    call_command("seed", dry_run=True)
    assert "Fixtures are valid" in capsys.readouterr().out
    assert not Product.objects.exists()


def test_a_product_removed_from_the_fixtures_leaves_the_database(fixtures_copy):
    extra = yaml.safe_load((fixtures_copy / PRODUCT).read_text())
    extra.update(
        slug="extra-cel", brand_name="Extracel", nonproprietary_name="extracel"
    )
    extra_file = fixtures_copy / "products/extra-cel.yaml"
    extra_file.write_text(yaml.safe_dump(extra, sort_keys=False, allow_unicode=True))
    seed_from(fixtures_copy)
    kept_pk = Product.objects.get(slug="axicabtagene-ciloleucel").pk
    assert Product.objects.filter(slug="extra-cel").exists()
    extra_file.unlink()
    seed_from(fixtures_copy)
    assert not Product.objects.filter(slug="extra-cel").exists()
    assert Product.objects.get(slug="axicabtagene-ciloleucel").pk == kept_pk


def test_removing_a_product_that_prose_links_to_is_refused(fixtures_copy, capsys):
    (fixtures_copy / PRODUCT).unlink()
    with pytest.raises(CommandError):
        seed_from(fixtures_copy)
    assert "link to unknown product 'tisagenlecleucel'" in capsys.readouterr().err


def _first_event(data):
    return data["decisions"][0]


def _set(key, value):
    def change(data):
        data[key] = value

    return change


def _set_event(key, value):
    def change(data):
        _first_event(data)[key] = value

    return change


def _drop_event_key(key):
    def change(data):
        del _first_event(data)[key]

    return change


def _set_source(key, value):
    def change(data):
        _first_event(data)["sources"][0][key] = value

    return change


def _add_decision(**decision):
    def change(data):
        data["decisions"].append(
            {
                "agency": "fda",
                "sources": [{"url": "https://www.fda.gov/y", "kind": "regulator"}],
                **decision,
            }
        )
        for source in data["decisions"][-1]["sources"]:
            source["read"] = datetime.date(2026, 11, 26)

    return change


def _add_indication(data):
    data["indications"].append(
        {"key": "unused", "diseases": ["melanoma"], "population": "Adults"}
    )


def _add_disease(entry):
    def change(data):
        data.append(entry)

    return change


def _make_cycle(data):
    by_slug = {row["slug"]: row for row in data}
    by_slug["cancer"]["parents"] = ["leukemia"]


def _drop_root_area(data):
    del data[0]["therapeutic_area"]


def _share_a_synonym(data):
    by_slug = {row["slug"]: row for row in data}
    by_slug["melanoma"]["synonyms"].append({"term": "DLBCL", "kind": "abbreviation"})


def _drop_in_short(data):
    del data[0]["in_short"]


BROKEN = [
    (
        "mechanisms.yaml",
        _drop_in_short,
        "mechanism 'car-directed-cytotoxicity': 'in_short' is required",
    ),
    (
        PRODUCT,
        _set("brand_name", None),
        "product 'tisagenlecleucel': 'brand_name' is required",
    ),
    (PRODUCT, _set("sponsor", "no-such-company"), "unknown company 'no-such-company'"),
    (
        PRODUCT,
        _set("modality", "car-x"),
        "'modality' 'car-x': Value 'car-x' is not a valid",
    ),
    (PRODUCT, _set("mechanisms", ["telepathy"]), "unknown mechanism 'telepathy'"),
    (PRODUCT, _set("brand_nam", "Kymriah"), "unknown field 'brand_nam'"),
    (PRODUCT, _set("slug", "kymriah"), "the file name must be the product's slug"),
    (
        PRODUCT,
        _set("decisions", []),
        "needs at least one regulatory decision with a source",
    ),
    (PRODUCT, _set_event("date", "2017-13-45"), "decision #1: 'date' '2017-13-45'"),
    (PRODUCT, _set_event("date", "30/08/2017"), "must be YYYY-MM-DD, YYYY-MM or YYYY"),
    (PRODUCT, _set_event("date", "2099-01-01"), "'date' 2099-01-01 is in the future"),
    (PRODUCT, _set_event("date", "1985-01-01"), "'date' 1985-01-01 is before 1990"),
    (PRODUCT, _drop_event_key("sources"), "decision #1: needs at least one source"),
    (
        PRODUCT,
        _set_source("url", "fda dot gov"),
        "'url' 'fda dot gov': Enter a valid URL",
    ),
    (PRODUCT, _set_source("kind", "blog"), "'kind' 'blog': Value 'blog'"),
    (PRODUCT, _set_source("read", "soon"), "'read' must be the day the source"),
    (PRODUCT, _set_event("type", "approved-ish"), "'type' 'approved-ish'"),
    (PRODUCT, _set_event("agency", "fdaa"), "unknown agency 'fdaa'"),
    (
        PRODUCT,
        _set_event("indications", ["nope"]),
        "indication 'nope' is not one of this product's",
    ),
    (
        PRODUCT,
        _set_event("indications", []),
        "a decision of type 'approval' must name the indications",
    ),
    (
        PRODUCT,
        lambda data: data["indications"][0].update(diseases=["no-such-disease"]),
        "names unknown disease 'no-such-disease'",
    ),
    (PRODUCT, _add_indication, "indication 'unused' is named by no decision"),
    (
        PRODUCT,
        _add_decision(type="withdrawal", date="2016-01-01"),
        "decisions at 'fda': the withdrawal of 2016-01-01 comes before any",
    ),
    (
        PRODUCT,
        _add_decision(
            type="refusal",
            date=datetime.date(2017, 8, 30),
            indications=["paediatric-young-adult-b-all"],
        ),
        "two conflicting decisions on paediatric-young-adult-b-all on 2017-08-30",
    ),
    (
        "diseases.yaml",
        _add_disease(
            {"slug": "cancer", "name": "Cancer again", "therapeutic_area": "cancer"}
        ),
        "slug 'cancer' is used twice",
    ),
    ("diseases.yaml", _make_cycle, "the hierarchy has a cycle"),
    ("diseases.yaml", _drop_root_area, "a disease without parents is a root and needs"),
    ("diseases.yaml", _share_a_synonym, "the term 'dlbcl' names several diseases"),
    (
        "diseases.yaml",
        _add_disease({"slug": "orphan", "name": "Orphan", "parents": ["nowhere"]}),
        "unknown disease 'nowhere' in 'parents'",
    ),
]


@pytest.mark.parametrize(("filename", "change", "message"), BROKEN)
def test_a_broken_fixture_is_named_and_nothing_changes(
    fixtures_copy, capsys, filename, change, message
):
    seed_from(fixtures_copy)
    before = snapshot()
    edit(fixtures_copy, filename, change)
    with pytest.raises(CommandError, match="nothing was loaded"):
        seed_from(fixtures_copy)
    errors = capsys.readouterr().err
    assert f"fixtures/{filename}" in errors
    assert message in errors
    assert snapshot() == before


def test_invalid_yaml_names_the_file(fixtures_copy, capsys):
    (fixtures_copy / PRODUCT).write_text("slug: [unclosed\n")
    with pytest.raises(CommandError):
        seed_from(fixtures_copy)
    assert f"fixtures/{PRODUCT}: not valid YAML" in capsys.readouterr().err
    assert not Product.objects.exists()


def test_a_missing_vocabulary_file_is_reported(fixtures_copy, capsys):
    (fixtures_copy / "agencies.yaml").unlink()
    with pytest.raises(CommandError):
        seed_from(fixtures_copy)
    assert "fixtures/agencies.yaml: file is missing" in capsys.readouterr().err


def test_month_precision_dates_are_kept_as_months(fixtures_copy):
    edit(fixtures_copy, PRODUCT, _set_event("date", "2017-08"))
    seed_from(fixtures_copy)
    event = RegulatoryEvent.objects.filter(product__slug="tisagenlecleucel").first()
    assert (event.date, event.date_precision) == (datetime.date(2017, 8, 1), "month")


# --- sweep records, identifiers with sources, terms --------------------------

SWEEP = {
    "agency": "fda",
    "swept_on": datetime.date(2026, 12, 1),
    "lists": [
        {
            "title": "Approved cellular and gene therapy products",
            "url": "https://www.fda.gov/approved-products",
            "kind": "regulator",
            "read": datetime.date(2026, 12, 1),
        }
    ],
    "products_in_scope": 41,
    "scope_note": "Gene therapies without cells are out of scope.",
    "not_found": "The PMA list was not in the stored copies.",
}


def _write_sweep(folder, name="fda.yaml", **changes):
    (folder / "coverage").mkdir(exist_ok=True)
    sweep = {**SWEEP, **changes}
    sweep = {key: value for key, value in sweep.items() if value is not None}
    (folder / "coverage" / name).write_text(yaml.safe_dump(sweep, sort_keys=False))


def _errors(folder):
    with pytest.raises(DatasetError) as raised:
        read_dataset(folder)
    return "\n".join(raised.value.errors)


def test_it_loads_sweep_records(fixtures_copy):
    _write_sweep(fixtures_copy)
    seed_from(fixtures_copy)
    sweep = CoverageSweep.objects.get(agency__slug="fda")
    assert sweep.products_in_scope == 41
    assert sweep.swept_on == datetime.date(2026, 12, 1)
    assert sweep.not_found.startswith("The PMA list")
    assert [(i.title, i.kind) for i in sweep.lists.all()] == [
        ("Approved cellular and gene therapy products", "regulator")
    ]


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("ec.yaml", {}, "the file name must be the regulator's slug ('fda.yaml')"),
        ("fda.yaml", {"lists": []}, "'lists' needs at least one list"),
        ("fda.yaml", {"products_in_scope": -1}, "'products_in_scope' must be a whole"),
        ("fda.yaml", {"products_in_scope": "many"}, "'products_in_scope'"),
        ("fda.yaml", {"scope_note": None}, "'scope_note' is required"),
        ("fda.yaml", {"swept_on": "2099-01-01"}, "'swept_on' is in the future"),
        ("fda.yaml", {"regions": ["us"]}, "unknown field 'regions'"),
        (
            "fda.yaml",
            {"lists": [{**SWEEP["lists"][0], "read": "yesterday"}]},
            "list #1: 'read' must be the day",
        ),
        ("fda.yaml", {"lists": [{"title": "x"}]}, "list #1: 'url' is required"),
        ("nowhere.yaml", {"agency": "nowhere"}, "unknown agency 'nowhere'"),
    ],
)
def test_a_broken_sweep_record_is_named(fixtures_copy, name, changes, message):
    _write_sweep(fixtures_copy, name, **changes)
    errors = _errors(fixtures_copy)
    assert f"fixtures/coverage/{name}, sweep" in errors or f"coverage/{name}:" in errors
    assert message in errors


def test_identifiers_may_carry_the_page_they_were_read_in(fixtures_copy):
    epar = "https://www.ema.europa.eu/en/medicines/human/EPAR/kymriah"
    edit(
        fixtures_copy,
        PRODUCT,
        _set(
            "identifiers",
            {
                "ema_product_number": {
                    "value": "EMEA/H/C/004090",
                    "url": epar,
                    "kind": "regulator",
                    "read": datetime.date(2026, 11, 26),
                },
                "atc_code": "L01XL04",
                "fda_stn": ["125646", {"value": "125647"}],
            },
        ),
    )
    seed_from(fixtures_copy)
    rows = ProductIdentifier.objects.filter(product__slug="tisagenlecleucel")
    assert list(rows.values_list("scheme", "value", "url", "kind")) == [
        ("ema_product_number", "EMEA/H/C/004090", epar, "regulator"),
        ("atc_code", "L01XL04", "", ""),
        ("fda_stn", "125646", "", ""),
        ("fda_stn", "125647", "", ""),
    ]


@pytest.mark.parametrize(
    ("identifiers", "message"),
    [
        ({"ndc": "123"}, "unknown identifier 'ndc'"),
        ({"ema_product_number": "EU/1/18/1297"}, "does not look like a"),
        ({"fda_stn": ["125646", "125646"]}, "'fda_stn' '125646' is listed twice"),
        (
            {"fda_stn": {"value": "125646", "url": "https://www.fda.gov/x"}},
            "identifier 'fda_stn': 'kind' is required",
        ),
        (
            {"fda_stn": {"value": "125646", "source": "https://www.fda.gov/x"}},
            "identifier 'fda_stn': unknown field 'source'",
        ),
        ({"fda_stn": {"url": "https://www.fda.gov/x"}}, "'value' is required"),
    ],
)
def test_a_broken_identifier_is_named(fixtures_copy, identifiers, message):
    edit(fixtures_copy, PRODUCT, _set("identifiers", identifiers))
    errors = _errors(fixtures_copy)
    assert f"fixtures/{PRODUCT}, product 'tisagenlecleucel'" in errors
    assert message in errors


def _set_japan_term(value, event_type=None):
    def change(data):
        decision = next(d for d in data["decisions"] if d["agency"] == "mhlw")
        decision["term_ends"] = value
        if event_type:
            decision["type"] = event_type

    return change


def test_a_decision_may_record_the_end_of_its_term(fixtures_copy):
    edit(fixtures_copy, PRODUCT, _set_japan_term(datetime.date(2026, 3, 24)))
    seed_from(fixtures_copy)
    event = RegulatoryEvent.objects.get(term_ends__isnull=False)
    assert (event.agency.slug, event.term_ends) == ("mhlw", datetime.date(2026, 3, 24))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set_japan_term("2026-03"), "'term_ends' '2026-03'"),
        (_set_japan_term(datetime.date(2010, 1, 1)), "'term_ends' must be after"),
        (
            _set_japan_term(datetime.date(2030, 1, 1), event_type="refusal"),
            "'term_ends' is only for an authorisation",
        ),
    ],
)
def test_a_broken_term_is_named(fixtures_copy, change, message):
    edit(fixtures_copy, PRODUCT, change)
    assert message in _errors(fixtures_copy)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"disease": "no-such-disease"},
            "fixtures/search/names-es.yaml, term #1: unknown disease 'no-such-disease'",
        ),
        (
            {"term": " linfoma "},
            "fixtures/search/names-es.yaml, term #1: 'term' must be a name without"
            " surrounding spaces",
        ),
        (
            {"source": {"url": "https://example.org/", "kind": "other"}},
            "fixtures/search/names-es.yaml, term #1, source: 'read' must be the day"
            " the source was read (YYYY-MM-DD)",
        ),
    ],
)
def test_a_broken_search_term_loads_nothing(fixtures_copy, change, message):
    path = fixtures_copy / "search" / "names-es.yaml"
    data = yaml.safe_load(path.read_text())
    data["terms"][0].update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DatasetError) as problem:
        read_dataset(fixtures_copy)
    assert message in problem.value.errors


def test_search_terms_are_part_of_the_dataset_version(fixtures_copy):
    before = read_dataset(fixtures_copy).digest
    path = fixtures_copy / "search" / "names-es.yaml"
    path.write_text(path.read_text() + "\n# a curator's comment\n")
    assert read_dataset(fixtures_copy).digest != before
