import datetime
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.choices import EventType
from catalog.models import (
    Agency,
    CellSource,
    Company,
    DecisionSource,
    Disease,
    DiseaseLineage,
    GlossaryTerm,
    Guide,
    Indication,
    IndicationDisease,
    Mechanism,
    Product,
    ProductMechanism,
    RegulatoryEvent,
)
from catalog.seed.derive import refresh_statuses

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # The manifest storage needs `collectstatic`; tests render without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    # The test client speaks plain HTTP; tests/test_security.py covers HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # Tests change the data under one dataset version; tests/test_page_cache.py
    # turns the cache on where it is the subject.
    settings.PAGE_CACHE = False


@pytest.fixture
def seeded(db):
    """The real dataset, loaded exactly as `make run` loads it."""
    call_command("seed", verbosity=0)


@pytest.fixture
def fixtures_copy(tmp_path):
    """A private copy of fixtures/ that a test may break."""
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, target)
    return target


def make_company(**fields):
    fields.setdefault("slug", "acme-cells")
    fields.setdefault("name", "Acme Cells")
    return Company.objects.create(**fields)


def make_agency(**fields):
    fields.setdefault("slug", "fda")
    fields.setdefault("short_name", "FDA")
    fields.setdefault("name", "U.S. Food and Drug Administration")
    fields.setdefault("region", "United States")
    fields.setdefault("country", "us")
    return Agency.objects.create(**fields)


def make_cell_source(**fields):
    fields.setdefault("slug", "autologous-peripheral-blood")
    fields.setdefault("name", "Patient's own blood cells")
    fields.setdefault("donor_relation", "autologous")
    fields.setdefault("tissue", "peripheral-blood")
    fields.setdefault("explanation", "Collected by leukapheresis.")
    return CellSource.objects.create(**fields)


def make_mechanism(**fields):
    fields.setdefault("slug", "car-directed-cytotoxicity")
    fields.setdefault("name", "CAR-directed cytotoxicity")
    fields.setdefault("summary", "Engineered receptors steer T cells to kill.")
    fields.setdefault("in_short", "Your T cells are changed to find the cancer.")
    fields.setdefault("body", "## How it works\n\nT cells are engineered.")
    fields.setdefault("last_reviewed", datetime.date(2026, 11, 26))
    return Mechanism.objects.create(**fields)


def make_term(**fields):
    fields.setdefault("slug", "apheresis")
    fields.setdefault("term", "Apheresis")
    fields.setdefault("definition", "Blood is separated.")
    fields.setdefault("last_reviewed", datetime.date(2026, 11, 26))
    return GlossaryTerm.objects.create(**fields)


def make_guide(**fields):
    fields.setdefault("slug", "cell-therapy-101")
    fields.setdefault("title", "Cell therapy 101")
    fields.setdefault("summary", "The basics.")
    fields.setdefault("body", "## Autologous\n\nYour own cells.")
    fields.setdefault("last_reviewed", datetime.date(2026, 11, 26))
    return Guide.objects.create(**fields)


def make_disease(**fields):
    parents = fields.pop("parents", [])
    fields.setdefault("slug", "follicular-lymphoma")
    fields.setdefault("name", "Follicular lymphoma")
    fields.setdefault("therapeutic_area", "cancer")
    disease = Disease.objects.create(**fields)
    disease.parents.set(parents)
    DiseaseLineage.rebuild()  # as `seed` does after writing the diseases
    return disease


def make_product(mechanism=None, **fields):
    fields.setdefault("slug", "testaleucel")
    fields.setdefault("brand_name", "Testcel")
    fields.setdefault("nonproprietary_name", fields["slug"])
    fields.setdefault("modality", "car-t")
    fields.setdefault("cell_type", "T cells")
    fields.setdefault("gene_modification", "lentiviral")
    fields.setdefault("summary", "An autologous CAR-T product.")
    fields.setdefault("last_verified", datetime.date(2026, 11, 1))
    if "sponsor" not in fields:
        fields["sponsor"] = Company.objects.first() or make_company()
    if "cell_source" not in fields:
        fields["cell_source"] = CellSource.objects.first() or make_cell_source()
    product = Product.objects.create(**fields)
    mechanism = mechanism or Mechanism.objects.first() or make_mechanism()
    ProductMechanism.objects.create(
        product=product, mechanism=mechanism, is_primary=True, position=0
    )
    return product


def make_indication(product, *diseases, **fields):
    fields.setdefault("key", diseases[0].slug)
    fields.setdefault("population", "Adults")
    fields.setdefault("position", product.indications.count())
    indication = Indication.objects.create(product=product, **fields)
    for position, disease in enumerate(diseases):
        IndicationDisease.objects.create(
            indication=indication, product=product, disease=disease, position=position
        )
    return indication


def make_event(product, indications=(), source_url="https://www.fda.gov/x", **fields):
    fields.setdefault("agency", Agency.objects.first() or make_agency())
    fields.setdefault("event_type", "approval")
    fields.setdefault("date", datetime.date(2020, 1, 15))
    fields.setdefault("date_precision", "day")
    fields.setdefault("position", product.events.count())
    if not indications and not EventType(fields["event_type"]).may_cover_whole_licence:
        # A decision on "the product" is a decision on its (first) indication.
        indications = product.indications.all()[:1] or [
            make_indication(product, Disease.objects.first() or make_disease())
        ]
    event = RegulatoryEvent.objects.create(product=product, **fields)
    event.indications.set(indications)
    DecisionSource.objects.create(
        event=event,
        url=source_url,
        kind="regulator",
        read_on=datetime.date(2026, 11, 1),
        position=0,
    )
    # Statuses and dates are derived at seed time; keep them in step here too.
    refresh_statuses()
    return event


def make_approved_product(disease, **fields):
    """A product approved by the FDA for `disease`."""
    product = make_product(**fields)
    indication = make_indication(product, disease)
    make_event(product, [indication])
    return product


@pytest.fixture
def lymphoma_tree(db):
    """lymphoma → non-Hodgkin lymphoma → follicular lymphoma."""
    lymphoma = make_disease(slug="lymphoma", name="Lymphoma")
    nhl = make_disease(
        slug="non-hodgkin-lymphoma", name="Non-Hodgkin lymphoma", parents=[lymphoma]
    )
    follicular = make_disease(parents=[nhl])
    return lymphoma, nhl, follicular


def make_many_products(disease, count):
    """`count` products approved for `disease` by the FDA and the EC."""
    fda = Agency.objects.filter(slug="fda").first() or make_agency()
    ec = Agency.objects.filter(slug="ec").first() or make_agency(
        slug="ec", short_name="EC/EMA", name="European Commission"
    )
    products = []
    for number in range(count):
        product = make_product(
            slug=f"product-{number:03d}", brand_name=f"Product {number:03d}"
        )
        indications = [make_indication(product, disease)]
        make_event(product, indications, agency=fda)
        make_event(product, indications, agency=ec)
        products.append(product)
    return products
