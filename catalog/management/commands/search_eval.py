"""Print recall and precision of the search, per class of query.

The development set (tests/search/evaluation.yaml) may be listed query by
query; the held-out set (tests/search/heldout.yaml) is only ever reported in
aggregate, class by class, so that nobody tunes the search to its queries.
Both are scored through the search page and through the API.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalog.evaluation import (
    EVALUATION_FILE,
    HELDOUT_FILE,
    by_class,
    evaluate,
    load_queries,
)
from catalog.search import search

API_PAGE_SIZE = 200


class Command(BaseCommand):
    help = "Score the search on the development and held-out sets, per class."

    def add_arguments(self, parser):
        parser.add_argument(
            "--failures",
            action="store_true",
            help="List the development queries below 100% (never held-out ones).",
        )
        parser.add_argument("--path", choices=["page", "api", "both"], default="both")
        parser.add_argument(
            "--set", dest="which", choices=["dev", "heldout", "both"], default="both"
        )

    def handle(self, *args, failures, path, which, **options):
        paths = {"page": page_slugs, "api": ApiSearch()}
        sets = {"dev": EVALUATION_FILE, "heldout": HELDOUT_FILE}
        for name, file in sets.items():
            if which not in (name, "both"):
                continue
            queries = load_queries(file)
            for label, slugs in paths.items():
                if path not in (label, "both"):
                    continue
                scores = evaluate(queries, slugs)
                if failures and name == "dev":
                    self.list_failures(scores)
                self.summary(f"{name} set, {label}", scores)

    def list_failures(self, scores):
        for score in scores:
            if score.recall == score.precision == 1:
                continue
            line = f"{score.recall:4.0%} {score.precision:4.0%}  {score.query}"
            if score.missing:
                line += f"  missing: {', '.join(score.missing)}"
            if score.extra:
                line += f"  extra: {', '.join(score.extra)}"
            self.stdout.write(line)

    def summary(self, title, scores):
        self.stdout.write(self.style.MIGRATE_HEADING(f"{title} ({connection.vendor})"))
        self.stdout.write(f"{'class':<18} {'n':>4} {'recall':>7} {'precision':>9}")
        for kind, (n, recall, precision) in by_class(scores).items():
            self.stdout.write(f"{kind:<18} {n:>4} {recall:7.1%} {precision:9.1%}")


def page_slugs(query):
    return [product.slug for product in search(query).products]


class ApiSearch:
    """The products /api/products/?q= returns, all pages of them."""

    def __init__(self):
        self.client = Client()

    def __call__(self, query):
        url = reverse("api:product-list")
        params = {"q": query, "page_size": API_PAGE_SIZE}
        # As a visitor in production would: over HTTPS (plain HTTP would be
        # redirected) and under a host name the site answers to.
        response = self.client.get(
            url, params, secure=True, headers={"host": _allowed_host()}
        )
        if response.status_code != 200:
            raise CommandError(
                f"The API answered {response.status_code} to {query!r}:"
                " the evaluation cannot go on."
            )
        return [row["slug"] for row in response.json()["results"]]


def _allowed_host():
    hosts = [h for h in settings.ALLOWED_HOSTS if not h.startswith((".", "*"))]
    return "testserver" if "testserver" in hosts or not hosts else hosts[0]
