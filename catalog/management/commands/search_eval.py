"""Print recall and precision of the search, query by query and overall.

The evaluation set lives in tests/search/evaluation.yaml; the suite asserts
the same targets (100% recall, at least 95% precision) on both engines.
"""

from django.core.management.base import BaseCommand
from django.db import connection

from catalog.evaluation import EVALUATION_FILE, evaluate, load_queries
from catalog.search import search


class Command(BaseCommand):
    help = "Score the search against the evaluation set and print a table."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=EVALUATION_FILE, help="Evaluation YAML file."
        )
        parser.add_argument(
            "--failures", action="store_true", help="Only list queries below 100%."
        )

    def handle(self, *args, file, failures, verbosity, **options):
        scores = evaluate(load_queries(file), _slugs)
        self.stdout.write(f"{'recall':>7} {'precision':>9}  query")
        for score in scores:
            if failures and score.recall == score.precision == 1:
                continue
            line = f"{score.recall:7.0%} {score.precision:9.0%}  {score.query}"
            if score.missing:
                line += f"  missing: {', '.join(score.missing)}"
            if score.extra:
                line += f"  extra: {', '.join(score.extra)}"
            self.stdout.write(line)
        recall = sum(s.recall for s in scores) / len(scores)
        precision = sum(s.precision for s in scores) / len(scores)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(scores)} queries on {connection.vendor}: "
                f"recall {recall:.1%}, precision {precision:.1%}"
            )
        )


def _slugs(query):
    return [product.slug for product in search(query).products]
