"""Irreversible steps go through a GOV.UK confirmation page that says what will happen."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.choices import Role
from reports import services
from reports.pdf import RenderedPdf
from tests.reports_plan import Q2, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_render(monkeypatch):
    monkeypatch.setattr(
        services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%PDF-1.7 fake", 2)
    )


def test_issuing_a_report_asks_first_and_says_what_will_happen(client, council, personas):
    performance = personas[Role.PERFORMANCE]
    review = make_plan(council, personas[Role.OFFICER])[0]
    report = services.cabinet_report_create(
        council=council,
        quarter=Q2,
        reviews=[review],
        created_by=performance,
        meeting_date=Q2.end + dt.timedelta(days=45),
    )
    services.cabinet_report_render_pdf(report=report)
    client.force_login(performance)
    detail = client.get(report.get_absolute_url()).content.decode()
    issue_url = reverse("reports:cabinet_report_issue", kwargs={"pk": report.pk})
    assert f'href="{issue_url}">Issue this report</a>' in detail
    confirm = client.get(issue_url).content.decode()
    assert "Are you sure you want to issue this report?" in confirm
    assert "You cannot undo this." in confirm
    report.refresh_from_db()
    assert not report.is_issued
    client.post(issue_url)
    report.refresh_from_db()
    assert report.is_issued
