"""Probes for load balancers and orchestrators.

`/healthz` says the process answers (it touches neither the database nor a
template), `/readyz` that it can serve the catalog: the database answers, every
migration is applied and a dataset has been seeded.
"""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from catalog.models import DatasetVersion

NO_STORE = "no-store"


def healthz(request):
    return _probe(200, status="alive")


def readyz(request):
    try:
        pending = _pending_migrations()
        version = None if pending else DatasetVersion.objects.live()
    except DatabaseError:
        return _probe(503, status="unavailable", reason="The database does not answer.")
    if pending:
        return _probe(503, status="unavailable", reason="Migrations are not applied.")
    if version is None:
        return _probe(503, status="unavailable", reason="No dataset is seeded.")
    return _probe(200, status="ready", dataset_version=version.short_digest)


def _pending_migrations():
    """Migrations this code has that the database lacks.

    Loading the migration graph takes a good fraction of a second, so a
    process asks only until the answer is "none": applied migrations stay
    applied for the code it runs.
    """
    global _MIGRATED
    if _MIGRATED:
        return []
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _MIGRATED = not pending
    return pending


_MIGRATED = False


def _probe(status_code, **body):
    response = JsonResponse(body, status=status_code)
    response["Cache-Control"] = NO_STORE
    return response
