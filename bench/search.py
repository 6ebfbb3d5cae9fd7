"""Search speed: server time per query, on the real data and at 10,000 products.

Run with `make bench`. Each scenario runs in its own process so that its
DATABASE_URL can differ; results are printed as one table:

    python bench/search.py real        # real fixtures, on DATABASE_URL
    python bench/search.py synthetic   # 10,000 products, 50,000 indications

Server time is measured through Django's test client: URL routing, the view,
the search and the template, as a visitor's request would run, without the
network. Targets (issue 5): p95 under 50 ms on the real data and under
150 ms on the synthetic data on PostgreSQL.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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

from catalog.evaluation import load_queries  # noqa: E402
from catalog.models import (  # noqa: E402
    Disease,
    Indication,
    IndicationDisease,
    Product,
    ProductAlias,
)
from catalog.search import rebuild_index  # noqa: E402

SYNTHETIC_PRODUCTS = 10_000
INDICATIONS_PER_PRODUCT = 5
ROUNDS = 5
TARGET_MS = {"real": 50, "synthetic": 150}


def add_synthetic_products(
    count=SYNTHETIC_PRODUCTS, per_product=INDICATIONS_PER_PRODUCT
):
    """Copies of real products with made-up names spread over real diseases."""
    rng = random.Random(20261126)
    templates = list(Product.objects.all())
    diseases = list(Disease.objects.values_list("pk", flat=True))
    existing = Product.objects.count()
    new = []
    for number in range(count - existing):
        template = rng.choice(templates)
        new.append(
            Product(
                slug=f"synthetic-{number:05d}",
                brand_name=f"Synthecel {number:05d}",
                nonproprietary_name=f"synthecabtagene {number:05d}",
                modality=template.modality,
                cell_source_id=template.cell_source_id,
                cell_type=template.cell_type,
                target_id=template.target_id,
                gene_modification=template.gene_modification,
                sponsor_id=template.sponsor_id,
                summary=template.summary,
                last_verified=template.last_verified,
            )
        )
    Product.objects.bulk_create(new, batch_size=1000)
    created = Product.objects.filter(slug__startswith="synthetic-")
    Indication.objects.bulk_create(
        (
            Indication(product=product, key=f"i{n}", population="Adults", position=n)
            for product in created
            for n in range(per_product)
        ),
        batch_size=2000,
    )
    IndicationDisease.objects.bulk_create(
        (
            IndicationDisease(
                indication_id=pk,
                product_id=product_id,
                disease_id=rng.choice(diseases),
                position=0,
            )
            for pk, product_id in Indication.objects.filter(
                product__slug__startswith="synthetic-"
            ).values_list("pk", "product_id")
        ),
        batch_size=2000,
    )
    ProductAlias.objects.bulk_create(
        (ProductAlias(product=p, name=f"SYN-{p.pk}", kind="code") for p in created),
        batch_size=2000,
    )
    rebuild_index()


def timed(client, query):
    start = time.perf_counter()
    response = client.get("/search/", {"q": query})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (query, response.status_code)
    return elapsed


def main(scenario):
    setup_test_environment()
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    if scenario == "synthetic":
        add_synthetic_products()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as seed does after loading
    queries = [entry["query"] for entry in load_queries()]
    client = Client()
    for query in queries:  # warm caches and connections once
        timed(client, query)
    times = [timed(client, query) for _ in range(ROUNDS) for query in queries]
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    verdict = "ok" if p95 < TARGET_MS[scenario] else "SLOW"
    print(
        f"| {scenario:<9} | {connection.vendor:<10} | {Product.objects.count():>8} "
        f"| {Indication.objects.count():>11} | {len(times):>8} "
        f"| {statistics.median(times):7.1f} | {p95:7.1f} | {times[-1]:7.1f} "
        f"| {TARGET_MS[scenario]:>6} {verdict:<4} |"
    )


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "header":
        print(
            "| scenario  | engine     | products | indications | requests "
            "| p50 ms  | p95 ms  | max ms  | target      |"
        )
        print("|" + "|".join("-" * w for w in (11, 12, 10, 13, 10, 9, 9, 9, 13)) + "|")
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "real")
