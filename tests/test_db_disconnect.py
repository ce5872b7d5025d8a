"""PostgreSQL restarting under a page: a read whose connection dropped is read again on a new
connection, and a write is never repeated (it may have been committed)."""

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.test import Client

from security.middleware import SEEN_AT_KEY
from tests.dashboard_plan import plan_build

pytestmark = pytest.mark.django_db(transaction=True)


class DropOnce:
    """The first query touching ``table`` fails as a connection killed by a restart does."""

    def __init__(self, table: str):
        self.table, self.dropped = table, 0

    def __call__(self, execute, sql, params, many, context):
        if self.table in sql and self.dropped <= 0:
            self.dropped += 1
            raise OperationalError("terminating connection due to administrator command")
        return execute(sql, params, many, context)


def test_a_page_read_as_the_connection_drops_is_read_again(council, cabinet_member):
    plan_build(council=council, size=1, today=dt.date.today())
    client = Client()
    client.force_login(cabinet_member)
    drop = DropOnce('"reviews_review"')
    with connection.execute_wrapper(drop):
        response = client.get("/")
    assert drop.dropped == 1
    assert response.status_code == 200
    assert "progress at a glance" in response.content.decode()


def test_a_write_whose_connection_drops_is_not_repeated(council, officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    drop = DropOnce("DELETE")
    drop.dropped = -10  # every DELETE fails, and is counted
    with connection.execute_wrapper(drop):
        response = client.post("/accounts/logout/")  # signing out deletes the session
    assert response.status_code == 500
    assert drop.dropped == -9  # tried once, never again


def test_a_session_saved_as_the_connection_drops_is_saved_again(council, cabinet_member):
    """Every signed-in request saves its session; a dropped connection must not read as a
    deleted session (Django's 400)."""
    client = Client()
    client.force_login(cabinet_member)
    session = client.session
    session[SEEN_AT_KEY] = 0  # last seen long ago: this request saves the session
    session.save()
    drop = DropOnce('UPDATE "django_session"')
    with connection.execute_wrapper(drop):
        response = client.get("/no-such-page/")
    assert drop.dropped == 1
    assert response.status_code == 404
