"""Sign-in with the council's identity provider, end to end against a real OpenID Connect
provider running on a local port (oidc-provider-mock): the tracker's redirect, the provider's
sign-in, the code coming back, the token exchange and its checks, and who is let in."""

import time

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oidc_provider_mock import run_server_in_thread
from oidc_provider_mock._app import OpenIDCode

from accounts.choices import Role
from accounts.services import person_ensure
from tests.factories import CouncilFactory

pytestmark = pytest.mark.django_db

CLIENT_ID = "peer-challenge-tracker"


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_on(settings, provider, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "localhost")
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_OP_ISSUER = provider
    settings.OIDC_COUNCIL = "Sefton"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.CouncilAccountBackend",
    ]
    return provider


@pytest.fixture
def officer_with_email(personas):
    officer = personas[Role.OFFICER]
    officer.email = "casey.bennett@sefton.gov.uk"
    officer.save()
    return officer


def sign_in_at_provider(client, provider, email, claims=None):
    """What the person's browser does: follow the tracker to the provider, sign in there as
    ``email``, and come back to the tracker with the code."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider}/oauth2/authorize?")
    if claims is not None:
        httpx.put(f"{provider}/users/{email}", json={"email": email, **claims}).raise_for_status()
    answer = httpx.post(start["Location"], data={"sub": email}, follow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    callback = answer.headers["location"]
    assert callback.startswith("http://testserver/oidc/callback/?")
    return client.get(callback.removeprefix("http://testserver"))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def refused(client, response):
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    page = client.get(response["Location"]).content.decode()
    assert "Your council account could not sign you in" in page


def test_it_is_off_unless_configured(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert (
        "Sign in with your council account" not in client.get("/accounts/login/").content.decode()
    )


def test_the_sign_in_page_offers_the_council_account_when_it_is_on(client, oidc_on):
    assert "Sign in with your council account" in client.get("/accounts/login/").content.decode()


def test_an_existing_account_signs_in_by_email_and_gets_no_roles_from_claims(
    client, oidc_on, officer_with_email
):
    groups_before = set(officer_with_email.groups.values_list("name", flat=True))
    response = sign_in_at_provider(
        client,
        oidc_on,
        "Casey.Bennett@sefton.gov.uk",
        claims={"groups": ["Performance team"], "roles": ["admin"], "is_staff": True},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == str(officer_with_email.pk)
    officer_with_email.refresh_from_db()
    assert set(officer_with_email.groups.values_list("name", flat=True)) == groups_before
    assert not officer_with_email.is_staff and not officer_with_email.is_superuser
    assert client.get("/").status_code == 200


def test_an_unknown_email_is_refused_and_no_account_is_created(client, oidc_on, personas):
    users_before = get_user_model().objects.count()
    refused(client, sign_in_at_provider(client, oidc_on, "stranger@sefton.gov.uk"))
    assert get_user_model().objects.count() == users_before


def test_an_account_of_another_council_is_refused(client, oidc_on, personas):
    person_ensure(
        username="k.officer",
        council=CouncilFactory(short_name="Knowsley"),
        role=Role.OFFICER,
        email="sam.jones@knowsley.gov.uk",
    )
    refused(client, sign_in_at_provider(client, oidc_on, "sam.jones@knowsley.gov.uk"))


def _tamper_id_tokens(monkeypatch, **changes):
    """Make the provider issue ID tokens with ``changes`` to their claims."""
    original = OpenIDCode.get_compatible_claims

    def tampered(self, request):
        claims = original(self, request)
        claims.update({k: v() if callable(v) else v for k, v in changes.items()})
        return claims

    monkeypatch.setattr(OpenIDCode, "get_compatible_claims", tampered)


def test_an_id_token_for_another_application_is_refused(
    client, oidc_on, officer_with_email, monkeypatch
):
    _tamper_id_tokens(monkeypatch, aud=["another-application"])
    refused(client, sign_in_at_provider(client, oidc_on, officer_with_email.email))


def test_an_expired_id_token_is_refused(client, oidc_on, officer_with_email, monkeypatch):
    _tamper_id_tokens(
        monkeypatch, iat=lambda: int(time.time()) - 7200, exp=lambda: int(time.time()) - 3600
    )
    refused(client, sign_in_at_provider(client, oidc_on, officer_with_email.email))


def test_an_id_token_from_another_issuer_is_refused(client, oidc_on, officer_with_email, settings):
    settings.OIDC_OP_ISSUER = "https://login.microsoftonline.com/another-tenant/v2.0"
    refused(client, sign_in_at_provider(client, oidc_on, officer_with_email.email))
