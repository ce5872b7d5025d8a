"""Caching, throttling, logging and the health check, as the issue "Safe for many councils"
found them on a deployment holding two councils."""

import logging

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from accounts.choices import Role
from accounts.services import person_ensure
from actions.models import Action
from tests.conftest import PASSWORD
from tests.factories import ActionFactory, CouncilFactory, RecommendationFactory, ReviewFactory
from tracker import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(personas, council):
    return ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=council)),
        lead_officer=personas[Role.OFFICER],
    )


@pytest.mark.parametrize(
    "url",
    ["/", "/actions/", "/actions/?_export=csv", "/actions/?_export=xlsx", "/imports/export/"],
)
def test_signed_in_pages_and_downloads_are_never_stored_by_a_cache(client, personas, plan, url):
    client.force_login(personas[Role.PERFORMANCE])
    response = client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def sign_in(client, username, password, ip):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_one_address_trying_many_usernames_is_paused(client, officer):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        assert sign_in(client, f"guess{n}", "Winter2026!", "10.9.9.9").status_code == 200
    refused = sign_in(client, "officer", PASSWORD, "10.9.9.9")
    assert refused.status_code == 429
    assert "too many wrong usernames or passwords from this network" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "officer", PASSWORD, "10.1.1.1").status_code == 302


def test_a_council_office_sharing_an_address_is_not_paused_by_a_few_mistakes(client, officer):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, f"colleague{n}", "typo", "10.9.9.9")
    assert sign_in(client, "officer", PASSWORD, "10.9.9.9").status_code == 302


def test_wrong_old_passwords_on_the_password_change_form_are_throttled(client, officer, caplog):
    client.force_login(officer)
    url = reverse("password_change")
    new = {"new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"}
    statuses = [
        client.post(url, {"old_password": f"wrong{n}", **new}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    right = client.post(url, {"old_password": PASSWORD, **new})
    assert right.status_code == 429
    assert "Too many attempts to sign in" in right.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_the_sample_data_banner_is_decided_per_council(client, personas, plan):
    Action.objects.filter(pk=plan.pk).update(is_sample=True)
    knowsley = CouncilFactory(short_name="Knowsley")
    ActionFactory(recommendation=RecommendationFactory(review=ReviewFactory(council=knowsley)))
    knowsley_officer = person_ensure(username="k.officer", council=knowsley, role=Role.OFFICER)
    for person, shown in ((personas[Role.CABINET], True), (knowsley_officer, False)):
        client.force_login(person)
        for name in ("reviews:overview", "reviews:recommendation_list", "dashboard:dashboard"):
            page = client.get(reverse(name)).content.decode()
            assert ('aria-label="Sample data"' in page) == shown, (person, name)


def test_each_refused_request_is_logged_once(client, personas, plan, caplog):
    client.force_login(personas[Role.CABINET])
    with caplog.at_level(logging.WARNING):
        response = client.get(reverse("actions:update_create", kwargs={"pk": plan.pk}))
    assert response.status_code == 403
    refusals = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in refusals] == ["tracker.security"]
    assert refusals[0].exc_info is None


def test_a_csrf_failure_is_logged_once(personas, caplog):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas[Role.OFFICER])
    with caplog.at_level(logging.WARNING):
        assert client.post(reverse("logout")).status_code == 403
    assert [r.name for r in caplog.records if r.levelno >= logging.WARNING] == ["tracker.security"]


def test_the_health_check_answers_without_sign_in_or_data(client, plan):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_the_health_check_is_503_when_migrations_are_not_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)]
    )
    assert client.get("/healthz").status_code == 503


def test_the_health_check_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def no_database(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", no_database)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
