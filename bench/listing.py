"""The product list at 10,000 products: facet counts, filters and search.

    DATABASE_URL=postgres://.../celltx_bench_listing python bench/listing.py

Builds the real data plus the synthetic products of bench/search.py, and
gives each synthetic indication status rows copied from real ones (a
regulator, a status, dates), so that the regulator and status facets and
filters have rows to count. Then times each list page through Django's test
client with the page cache off (every request renders: routing, filters,
facet counts, the page of cards and the template), as the minimum and the
median of ROUNDS requests. Target (issue 15): under 60 ms median on
PostgreSQL. Numbers move with load: compare runs on a quiet machine.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
os.environ["CELLTX_PAGE_CACHE"] = "0"
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # plain HTTP, as here
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "celltx.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from search import add_synthetic_products  # noqa: E402

from catalog.models import Indication, IndicationStatus, Product  # noqa: E402

ROUNDS = 15
TARGET_MS = 60
PAGES = [
    ("product list", "/products/"),
    ("list, page 3", "/products/?page=3"),
    ("list, three filters", "/products/?modality=car-t&agency=fda&status=authorised"),
    ("list, one disease", "/products/?disease=multiple-myeloma"),
    ("list, search", "/products/?q=multiple+myeloma"),
    ("list, search and filter", "/products/?q=lymphoma&agency=ema"),
]
STATUS_FIELDS = [
    "agency_id",
    "status",
    "since",
    "since_precision",
    "since_event_id",
    "first_authorised_on",
    "first_authorised_precision",
    "under_review_since",
    "restricted_on",
    "source_url",
]


def add_synthetic_statuses(rng):
    """One or two real rows' regulator and standing for most synthetic
    indications (at most one row per indication and regulator)."""
    real = list(IndicationStatus.objects.values(*STATUS_FIELDS))
    indications = Indication.objects.filter(
        product__slug__startswith="synthetic-"
    ).values_list("pk", "product_id")
    rows = []
    for indication_id, product_id in indications:
        if rng.random() < 0.3:
            continue
        agencies = set()
        for template in rng.sample(real, 2)[: rng.randint(1, 2)]:
            if template["agency_id"] in agencies:
                continue
            agencies.add(template["agency_id"])
            rows.append(
                IndicationStatus(
                    **template, product_id=product_id, indication_id=indication_id
                )
            )
    IndicationStatus.objects.bulk_create(rows, batch_size=2000)


def build():
    setup_test_environment()
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    add_synthetic_products()
    add_synthetic_statuses(random.Random(20261203))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as seed does after loading


def measure():
    client = Client()
    print(
        f"{connection.vendor}: {Product.objects.count()} products,"
        f" {IndicationStatus.objects.count()} status rows"
    )
    print(f"{'page':26} {'min ms':>7} {'p50 ms':>7} {'target':>7}")
    for name, path in PAGES:
        assert client.get(path).status_code == 200, path  # warm
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        verdict = "ok" if median < TARGET_MS else "SLOW"
        print(f"{name:26} {min(times):7.1f} {median:7.1f} {verdict:>7}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] != ["--reuse"]:
        build()
    measure()
