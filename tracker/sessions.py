"""Sessions in the database, saved again on a new connection if the connection dropped.

Every signed-in request saves its session (its last activity moves the idle timeout on). If
PostgreSQL restarts as that save runs, Django reads the failure as "the session was deleted"
and answers 400; here the save is tried once more on a fresh connection instead. Saving the
same session data twice is harmless."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError, connections, router


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as exc:
            connection = connections[router.db_for_write(self.model)]
            dropped = isinstance(exc.__context__, OperationalError | InterfaceError)
            if not dropped or connection.in_atomic_block:
                raise
            connection.close()
            return super().save(must_create=must_create)
