"""Where people get the Cabinet report: the performance team prepares and issues it; every
signed-in role reads and downloads issued reports; nobody else changes anything."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.choices import Role
from reports import services
from reports.models import CabinetReport
from reports.pdf import RenderedPdf
from tests.factories import CouncilFactory, ReviewFactory, typed_date
from tests.reports_plan import Q2, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_render(monkeypatch):
    """These tests are about who may do what; the PDF itself is tested elsewhere."""
    monkeypatch.setattr(
        services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%PDF-1.7 fake", 2)
    )


@pytest.fixture
def review(council, officer):
    return make_plan(council, officer)[0]


@pytest.fixture
def performance(personas):
    return personas[Role.PERFORMANCE]


def new_report(review, user, quarter=Q2):
    return services.cabinet_report_create(
        council=review.council,
        quarter=quarter,
        reviews=[review],
        created_by=user,
        meeting_date=quarter.end + dt.timedelta(days=45),
    )


@pytest.fixture
def issued(review, performance):
    report = services.cabinet_report_render_pdf(report=new_report(review, performance))
    return services.cabinet_report_issue(report=report, issued_by=performance)


def url(name, report=None):
    return reverse(f"reports:{name}", kwargs={"pk": report.pk} if report else None)


def test_the_performance_team_prepares_and_issues_a_report(client, review, performance):
    client.force_login(performance)
    page = client.get(url("cabinet_report_create")).content.decode()
    assert f'value="{review.pk}" checked' in page  # the latest CPC is chosen for them
    response = client.post(
        url("cabinet_report_create"),
        {
            "quarter": "2024-25-Q2",
            **typed_date("meeting_date", "2024-11-14"),
            "reviews": [review.pk],
        },
    )
    report = CabinetReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert client.get(url("cabinet_report_preview", report)).status_code == 200
    response = client.post(url("cabinet_report_update", report), _front_sheet(report))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(url("cabinet_report_render", report))
    download = client.get(url("cabinet_report_download", report))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="cabinet-report-2024-25-Q2-v1-draft.pdf"'
    )
    client.post(url("cabinet_report_issue", report))
    report.refresh_from_db()
    assert report.is_issued and report.issued_by == performance


def _front_sheet(report, **changes):
    from reports.forms import CabinetReportForm

    form = CabinetReportForm(instance=report)
    data = {name: form.initial.get(name) for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    return data | typed_date("meeting_date", data.pop("meeting_date")) | changes


def test_a_quarter_not_in_the_list_is_explained_and_the_rest_is_kept(client, review, performance):
    client.force_login(performance)
    response = client.post(
        url("cabinet_report_create"),
        {
            "quarter": "2024 quarter two",
            **typed_date("meeting_date", "2024-11-14"),
            "reviews": [review.pk],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose one of the quarters in the list" in page
    assert f'value="{review.pk}" checked' in page  # the reviews chosen are kept
    assert not CabinetReport.objects.exists()


def test_a_new_council_is_sent_to_fill_in_its_report_defaults_first(client, performance):
    """Another council's performance team, before it has given its contact details: the form
    says what is missing and links to the defaults page; no report, no PDF with blanks."""
    from accounts.services import person_ensure

    wirral = CouncilFactory(short_name="Wirral", name="Wirral Council")
    review = ReviewFactory(council=wirral, slug="wirral-2024-cpc")
    person = person_ensure(username="wirral.performance", council=wirral, role=Role.PERFORMANCE)
    client.force_login(person)
    response = client.post(
        url("cabinet_report_create"),
        {"quarter": "2024-25-Q2", "meeting_date": "2024-11-14", "reviews": [review.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "missing: report of, portfolio, contact officer" in page
    assert f'href="{reverse("reports:reportsettings_update")}?audience=cabinet"' in page
    assert not CabinetReport.objects.exists()
    defaults = client.get(reverse("reports:reportsettings_update")).content.decode()
    assert "Jan McMahon" not in defaults and "sefton.gov.uk" not in defaults


def test_front_sheet_text_is_escaped_on_the_page_and_in_the_preview(client, review, performance):
    report = new_report(review, performance)
    client.force_login(performance)
    client.post(
        url("cabinet_report_update", report),
        _front_sheet(report, summary="<script>alert(1)</script>"),
    )
    preview = client.get(url("cabinet_report_preview", report)).content.decode()
    assert "<script>alert(1)</script>" not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview


@pytest.mark.parametrize("role", [Role.CABINET, Role.SCRUTINY, Role.OFFICER, Role.DIRECTOR])
def test_other_roles_read_issued_reports_but_change_nothing(client, personas, issued, role):
    client.force_login(personas[role])
    listing = client.get(url("cabinet_report_list")).content.decode()
    assert "2024/25 Q2 progress report, version 1" in listing
    assert "Start a report" not in listing
    detail = client.get(url("cabinet_report_detail", issued)).content.decode()
    assert "Issue this report" not in detail and "Start a corrected version" not in detail
    download = client.get(url("cabinet_report_download", issued))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="cabinet-report-2024-25-Q2-v1.pdf"'
    )
    assert client.get(url("cabinet_report_create")).status_code == 403
    for name in ["cabinet_report_render", "cabinet_report_issue", "cabinet_report_correct"]:
        assert client.post(url(name, issued), {"correction_note": "x"}).status_code == 403
    assert client.post(url("cabinet_report_create"), {"quarter": "2024-25-Q3"}).status_code == 403


def test_drafts_are_hidden_from_everyone_but_the_performance_team(
    client, personas, review, performance
):
    draft = new_report(review, performance)
    client.force_login(personas[Role.CABINET])
    listing = client.get(url("cabinet_report_list")).content.decode()
    assert "progress report, version 1" not in listing and "No Cabinet reports yet" in listing
    for name in ["cabinet_report_detail", "cabinet_report_preview", "cabinet_report_download"]:
        assert client.get(url(name, draft)).status_code == 404


def test_another_councils_reports_are_not_found(client, personas, issued):
    other = CouncilFactory(short_name="Elsewhere")
    stranger_review = ReviewFactory(council=other, slug="elsewhere-cpc")
    client.force_login(personas[Role.PERFORMANCE])
    personas[Role.PERFORMANCE].profile.council = other
    personas[Role.PERFORMANCE].profile.save()
    assert client.get(url("cabinet_report_detail", issued)).status_code == 404
    assert client.post(url("cabinet_report_issue", issued)).status_code == 404
    page = client.get(url("cabinet_report_create")).content.decode()
    assert stranger_review.title in page and issued.reviews.get().title not in page


def test_an_issued_report_is_corrected_with_a_new_version(client, issued, performance):
    client.force_login(performance)
    assert client.get(url("cabinet_report_update", issued)).status_code == 403
    response = client.post(url("cabinet_report_correct", issued), {"correction_note": "Typo."})
    correction = CabinetReport.objects.get(version=2)
    assert response["Location"] == correction.get_absolute_url()
    page = client.get(correction.get_absolute_url()).content.decode()
    assert "This version replaces" in page and "Typo." in page
    services.cabinet_report_render_pdf(report=correction)
    services.cabinet_report_issue(report=correction, issued_by=performance)
    listing = client.get(url("cabinet_report_list")).content.decode()
    assert "Replaced by version 2" in listing


def test_the_navigation_offers_cabinet_reports(client, personas):
    client.force_login(personas[Role.SCRUTINY])
    assert 'href="/reports/"' in client.get(url("cabinet_report_list")).content.decode()


def test_the_admin_shows_an_issued_report_read_only(client, issued, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 20)
    client.force_login(root)
    change = reverse("admin:reports_cabinetreport_change", args=[issued.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(change, {"summary": "Rewritten history."})
    assert response.status_code == 403
    issued.refresh_from_db()
    assert issued.summary != "Rewritten history."
    delete = reverse("admin:reports_cabinetreport_delete", args=[issued.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert CabinetReport.objects.filter(pk=issued.pk).exists()
