"""``/healthz`` for the council's load balancer: 200 when the database answers and every
migration is applied, 503 otherwise. No sign-in, no data, no version string."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

_migrated = False  # once true for this process's code it stays true; the check loads every file


def _database_ready() -> bool:
    global _migrated
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


@login_not_required
@never_cache
@require_GET
def healthz(request):
    try:
        ready = _database_ready()
    except DatabaseError:
        ready = False
    return HttpResponse(
        "ok\n" if ready else "unavailable\n",
        status=200 if ready else 503,
        content_type="text/plain; charset=utf-8",
    )
