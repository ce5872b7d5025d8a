"""Django's PostgreSQL backend, waiting a few seconds for the database instead of failing.

While PostgreSQL restarts (a minor upgrade, a failover: about two seconds) every new
connection is refused. A page asked for then waits up to ``DB_CONNECT_WAIT_SECONDS`` for the
database to accept connections again, rather than answering 500."""

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        deadline = time.monotonic() + settings.DB_CONNECT_WAIT_SECONDS
        wait = 0.1
        while True:
            try:
                return super().get_new_connection(conn_params)
            except base.Database.OperationalError:
                if time.monotonic() + wait > deadline:
                    raise
                time.sleep(wait)
                wait = min(wait * 2, 1.0)
