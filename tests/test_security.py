"""Locked down: production settings pass Django's deploy checks, responses carry the security
headers, sign-in is throttled and logged, sessions expire, refused requests are logged."""

import logging
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from accounts.choices import Role
from security.signals import LOGIN_AT_KEY
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra):
    # Not the test run's own variables: DJANGO_ALLOW_ASYNC_UNSAFE (set for Playwright) is an
    # error in deployment.
    unwanted = ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64)[:50],
        ALLOWED_HOSTS="tracker.example.gov.uk",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        **extra,
    )
    return env


def test_it_passes_the_deploy_checks_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_fails_the_deploy_checks_in_debug_mode():
    # Proves the check above can fail: DEBUG=1 must be reported.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(DEBUG="1"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_production_settings_use_secure_cookies_hsts_and_the_proxy_header():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "True True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_every_page_carries_the_security_headers(client, officer):
    client.force_login(officer)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_login_page_carries_the_security_headers_too(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_it_locks_a_username_and_address_pair_after_too_many_wrong_passwords(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "wrong")
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts to sign in" in page and "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_lockout_does_not_stop_the_same_person_from_another_address(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "wrong", ip="10.0.0.66")
    response = sign_in(client, "officer", PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_the_lockout_ends_after_the_cool_off(client, officer, time_machine):
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "wrong")
    assert sign_in(client, "officer", PASSWORD).status_code == 429
    time_machine.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 60)
    assert sign_in(client, "officer", PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username="officer").count() == 0


def test_it_starts_a_new_session_at_sign_in(client, officer):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, "officer", PASSWORD)
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_every_sign_in_attempt_is_logged(client, officer, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.security"):
        sign_in(client, "officer", "wrong", ip="10.9.9.9")
        sign_in(client, "officer", PASSWORD, ip="10.9.9.9")
    messages = [r.getMessage() for r in caplog.records if r.name == "tracker.security"]
    assert "login failed user='officer' ip=10.9.9.9" in messages
    assert "login succeeded user=officer ip=10.9.9.9" in messages
    assert not any(PASSWORD in m or "wrong" in m for m in messages)


def test_every_refused_permission_is_logged(client, officer, caplog):
    client.force_login(officer)
    with caplog.at_level(logging.INFO, logger="tracker.security"):
        response = client.get("/admin/reviews/review/")
        csrf_client_response = _post_without_csrf(officer)
    assert response.status_code == 302  # not staff: the admin sends them to its own login
    assert csrf_client_response.status_code == 403
    assert any(r.getMessage().startswith("permission refused user=officer") for r in caplog.records)


def _post_without_csrf(user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    return strict.post("/", {})


def test_the_admin_is_only_for_staff(client, personas):
    for role, user in personas.items():
        client.force_login(user)
        response = client.get("/admin/")
        if role == Role.PERFORMANCE:
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], role
            assert not user.is_staff


def test_an_idle_session_expires_after_the_idle_timeout(client, officer):
    sign_in(client, "officer", PASSWORD)
    assert client.get("/").status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60


def test_activity_renews_the_idle_timeout_at_most_once_a_minute(client, officer, time_machine):
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    sign_in(client, "officer", PASSWORD)
    time_machine.shift(25 * 60)
    assert client.get("/").status_code == 200  # renewed: 30 minutes from 09:25
    time_machine.shift(25 * 60)
    assert client.get("/").status_code == 200
    time_machine.shift(31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_session_ends_at_the_absolute_timeout_however_active(client, officer, time_machine):
    time_machine.move_to("2026-11-23 08:00:00+00:00", tick=False)
    sign_in(client, "officer", PASSWORD)
    started = client.session[LOGIN_AT_KEY]
    for _ in range(int(settings.SESSION_ABSOLUTE_AGE // (20 * 60))):
        time_machine.shift(20 * 60)
        assert client.get("/").status_code == 200
    time_machine.shift(20 * 60)
    assert time.time() - started > settings.SESSION_ABSOLUTE_AGE
    response = client.get("/")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_password_validators_refuse_a_weak_password(officer):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password1", user=officer)
    with pytest.raises(ValidationError):
        validate_password("officer", user=officer)


def test_errors_show_a_clean_page_without_a_traceback(client, officer, settings):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page
    client.force_login(officer)
    assert "Page not found" in client.get("/no-such-page/").content.decode()
