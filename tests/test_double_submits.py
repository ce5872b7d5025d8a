"""Two people (or one impatient double click) submitting at once: the loser gets a message,
never a 500, and nothing is stored twice. SQLite writers wait for each other."""

import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from actions.models import UpdateRound
from reports.models import CabinetReport
from tests.factories import ReviewFactory, typed_date
from tracker.quarters import FinancialQuarter

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a server database (the SQLite test database is in memory)",
)


def _report_form(review):
    return {
        "quarter": "2025-26-Q4",
        "reviews": [review.pk],
        **typed_date("meeting_date", "2026-06-10"),
    }


def _round_form():
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=30)
    return {"quarter": FinancialQuarter.containing(today).slug, **typed_date("deadline", deadline)}


@pytest.mark.django_db
def test_a_second_report_for_the_quarter_is_refused_with_a_link_to_the_first(
    client, personas, council
):
    review = ReviewFactory(council=council)
    client.force_login(personas[Role.PERFORMANCE])
    first = client.post(reverse("reports:cabinet_report_create"), _report_form(review))
    assert first.status_code == 302
    again = client.post(reverse("reports:cabinet_report_create"), _report_form(review))
    assert again.status_code == 200
    page = again.content.decode()
    report = CabinetReport.objects.get()
    assert "A report to Cabinet for 2025/26 Q4 already exists." in page
    assert f'<a class="govuk-link" href="{report.get_absolute_url()}">' in page


@pytest.mark.django_db
def test_a_second_round_for_the_quarter_is_refused_with_a_message(client, personas):
    client.force_login(personas[Role.PERFORMANCE])
    assert client.post(reverse("actions:round_create"), _round_form()).status_code == 302
    again = client.post(reverse("actions:round_create"), _round_form())
    assert again.status_code == 200
    assert "govuk-error-summary" in again.content.decode()
    assert UpdateRound.objects.count() == 1


def _at_once(user, url, data, *, slow, monkeypatch):
    """POST ``data`` to ``url`` twice at the same moment, with ``slow`` (a function the request
    calls between its check and its insert) held up so that the two requests overlap."""
    target, name = slow
    original = getattr(target, name)

    def held_up(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(target, name, held_up)
    statuses, start = [], threading.Barrier(2)

    def submit():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        start.wait()
        try:
            statuses.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_report_submits_at_once_give_one_report_and_one_message(personas, council, monkeypatch):
    from reports import services

    review = ReviewFactory(council=council)
    statuses = _at_once(
        personas[Role.PERFORMANCE],
        reverse("reports:cabinet_report_create"),
        _report_form(review),
        slow=(services, "default_texts"),
        monkeypatch=monkeypatch,
    )
    assert statuses == [200, 302]
    assert CabinetReport.objects.count() == 1


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_round_submits_at_once_give_one_round_and_one_message(personas, monkeypatch):
    statuses = _at_once(
        personas[Role.PERFORMANCE],
        reverse("actions:round_create"),
        _round_form(),
        slow=(UpdateRound, "full_clean"),
        monkeypatch=monkeypatch,
    )
    assert statuses == [200, 302]
    assert UpdateRound.objects.count() == 1


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path, django_db_blocker):
    """Two transactions that each read and then write: with deferred transactions the second
    fails at once with "database is locked"; with the settings' IMMEDIATE ones it waits."""
    with django_db_blocker.unblock():
        _two_writers(str(tmp_path / "shared.sqlite3"))


def _two_writers(path):
    def open_connection(alias):
        wrapper = DatabaseWrapper(
            {**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3", "NAME": path,
             "OPTIONS": dict(settings.SQLITE_OPTIONS), "CONN_MAX_AGE": 0,
             "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "TIME_ZONE": None},
            alias,
        )  # fmt: skip
        connections[alias] = wrapper  # so that transaction.atomic(using=alias) finds it
        return wrapper

    def read_then_write(alias, text, *, then=None):
        db = open_connection(alias)
        try:
            with transaction.atomic(using=alias), db.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM note")
                cursor.execute("INSERT INTO note VALUES (%s)", [text])
                if then:
                    then()
        finally:
            db.close()

    with open_connection("setup").cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
    connections["setup"].close()
    first_wrote, errors = threading.Event(), []

    def first():
        read_then_write("first", "first", then=lambda: (first_wrote.set(), time.sleep(0.5)))

    thread = threading.Thread(target=first)
    thread.start()
    first_wrote.wait(5)
    try:
        read_then_write("second", "second")
    except Exception as exc:  # the failure this test is about
        errors.append(exc)
    thread.join()
    assert not errors, errors
    with open_connection("check").cursor() as cursor:
        cursor.execute("SELECT text FROM note ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    connections["check"].close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "seen_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z"]
)
def test_an_out_of_range_seen_at_is_refused_with_a_message(client, personas, council, seen_at):
    from tests.factories import ActionFactory, RecommendationFactory

    action = ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=council)),
        lead_officer=personas[Role.OFFICER],
    )
    client.force_login(personas[Role.OFFICER])
    url = reverse("actions:update_create", kwargs={"pk": action.pk})
    response = client.post(
        url,
        {"version": action.version, "seen_at": seen_at, "status": "on_track",
         "percent_complete": "10", "commentary": "On track."},
    )  # fmt: skip
    assert response.status_code == 200
    assert "This page is out of date. Open it again" in response.content.decode()
    assert not action.updates.exists()
