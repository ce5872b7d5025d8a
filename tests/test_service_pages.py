"""The pages every public-sector service has, and signing-in help in GOV.UK style."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.views import HELP_PAGES
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_footer_links_the_statement_privacy_cookies_and_help_readable_signed_out(client):
    page = client.get(reverse("login")).content.decode()
    for name in ["accessibility", "privacy", "cookies", "help"]:
        url = reverse(f"service:{name}")
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200
    statement = client.get(reverse("service:accessibility")).content.decode()
    for heading in [
        "How accessible this website is",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Compliance status",
        "Preparation of this accessibility statement",
    ]:
        assert heading in statement


def test_there_is_a_help_page_for_each_role(client):
    index = client.get(reverse("service:help")).content.decode()
    for slug, (title, _roles) in HELP_PAGES.items():
        url = reverse("service:help_page", args=[slug])
        assert f'href="{url}"' in index
        assert f'<h1 class="govuk-heading-xl">{title}</h1>' in client.get(url).content.decode()
    assert client.get(reverse("service:help_page", args=["nobody"])).status_code == 404


def test_the_cookies_page_gives_the_configured_session_lifetimes(client, settings):
    settings.SESSION_COOKIE_AGE = 45 * 60
    page = client.get(reverse("service:cookies")).content.decode()
    assert "After 45 minutes without using the service" in page


def test_sign_in_offers_forgot_your_password_and_its_error_title_says_error(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Forgot your password?' in page
    failed = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "<title>Error: Sign in" in failed


def test_password_change_is_a_govuk_page_linked_from_the_footer(client, officer):
    client.force_login(officer)
    footer = client.get(reverse("dashboard:dashboard")).content.decode()
    assert f'href="{reverse("password_change")}">Change your password' in footer
    page = client.get(reverse("password_change")).content.decode()
    assert 'class="govuk-input' in page and "Django administration" not in page
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "x", "new_password2": "x"},
    ).content.decode()
    assert "<title>Error: Change your password" in wrong and "There is a problem" in wrong
    done = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new phrase",
            "new_password2": "a much longer new phrase",
        },
    )
    assert done["Location"] == reverse("password_change_done")


def test_a_forgotten_password_is_reset_by_email_in_govuk_pages(client, officer):
    officer.email = "officer@example.org"
    officer.save()
    page = client.get(reverse("password_reset")).content.decode()
    assert "Reset your password" in page and "Django administration" not in page
    response = client.post(reverse("password_reset"), {"email": "officer@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]
    assert "Check your email" in client.get(reverse("password_reset_done")).content.decode()
    expired = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "AA", "token": "not-a-token"})
    ).content.decode()
    assert "This link has expired" in expired
