"""The Scrutiny version: both peer reports ask that performance reports go to Overview and
Scrutiny as well as Cabinet. The same snapshot, its own front sheet and defaults."""

import datetime as dt
import io

import docx
import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.choices import Role
from reports import services
from reports.choices import Audience
from reports.models import CabinetReport
from tests.factories import typed_date
from tests.reports_plan import Q2, make_plan, pdf_text

pytestmark = pytest.mark.django_db
MEETING = dt.date(2024, 11, 14)


@pytest.fixture
def performance(personas):
    return personas[Role.PERFORMANCE]


@pytest.fixture
def review(council, officer):
    return make_plan(council, officer)[0]


def make(review, performance, audience, meeting_date=MEETING):
    return services.cabinet_report_create(
        council=review.council,
        quarter=Q2,
        reviews=[review],
        created_by=performance,
        meeting_date=meeting_date,
        audience=audience,
    )


def test_a_quarter_has_one_cabinet_and_one_scrutiny_report_from_the_same_snapshot(
    review, performance
):
    cabinet = make(review, performance, Audience.CABINET)
    scrutiny = make(review, performance, Audience.SCRUTINY)
    assert cabinet.period == scrutiny.period and scrutiny.version == 1
    assert scrutiny.snapshot == cabinet.snapshot
    assert scrutiny.report_to == "Overview and Scrutiny Committee (Regulatory, Compliance and " \
        "Corporate Services)"  # fmt: skip
    assert cabinet.report_to == "Cabinet"
    assert scrutiny.recommendations.startswith("The Committee is asked to")
    assert cabinet.recommendations.startswith("Cabinet is asked to")
    assert scrutiny.subject.endswith("(Overview and Scrutiny)")
    assert scrutiny.contact_officer == "Jan McMahon"  # Sefton's own, from its demo data
    with pytest.raises(ValidationError, match="report to Overview and Scrutiny Committee for"):
        make(review, performance, Audience.SCRUTINY)
    assert scrutiny.pdf_filename == "scrutiny-report-2024-25-Q2-v1-draft.pdf"


def test_versions_and_corrections_are_counted_per_audience(review, performance, monkeypatch):
    from reports.pdf import RenderedPdf

    monkeypatch.setattr(services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%P", 2))
    monkeypatch.setattr(services.timezone, "localdate", lambda: dt.date(2024, 11, 1))
    make(review, performance, Audience.CABINET)
    scrutiny = make(review, performance, Audience.SCRUTINY)
    services.cabinet_report_render_pdf(report=scrutiny)
    issued = services.cabinet_report_issue(report=scrutiny, issued_by=performance)
    correction = services.cabinet_report_correct(
        report=issued, created_by=performance, correction_note="Wrong committee name."
    )
    assert correction.audience == Audience.SCRUTINY and correction.version == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        CabinetReport.objects.filter(pk=correction.pk).update(audience=Audience.CABINET, version=1)


def test_the_scrutiny_pdf_and_word_version_follow_the_audience(review, performance):
    scrutiny = make(review, performance, Audience.SCRUTINY)
    rendered = services.cabinet_report_render_pdf(report=scrutiny)
    text = pdf_text(bytes(rendered.pdf))
    for words in [
        "Report to: Overview and Scrutiny Committee (Regulatory, Compliance and Corporate",
        "The Committee is asked to",
        "Matters for the Committee’s attention",
        "not yet issued to Overview and Scrutiny Committee",
    ]:
        assert words in text, words
    assert "Cabinet is asked to" not in text
    with pikepdf.open(io.BytesIO(bytes(rendered.pdf))) as pdf:
        assert str(pdf.docinfo.Title).endswith("(Overview and Scrutiny)")
    document = docx.Document(io.BytesIO(bytes(rendered.docx)))
    assert document.core_properties.title.endswith("(Overview and Scrutiny)")
    assert document.core_properties.subject.startswith("Report to Overview and Scrutiny")
    body = "\n".join(p.text for p in document.paragraphs)
    assert "The Committee is asked to" in body
    assert "Matters for the Committee's attention" in body


def test_the_web_form_offers_the_audience_and_the_pages_show_it(client, review, performance):
    client.force_login(performance)
    page = client.get(reverse("reports:cabinet_report_create")).content.decode()
    assert "Overview and Scrutiny Committee" in page and 'name="audience"' in page
    response = client.post(
        reverse("reports:cabinet_report_create"),
        {
            "audience": "scrutiny",
            "quarter": "2024-25-Q2",
            "reviews": [review.pk],
        }
        | typed_date("meeting_date", "2024-11-14"),
    )
    report = CabinetReport.objects.get()
    assert response.status_code == 302 and report.audience == Audience.SCRUTINY
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "Report to Overview and Scrutiny Committee" in detail
    listing = client.get(reverse("reports:cabinet_report_list")).content.decode()
    assert "Overview and Scrutiny Committee" in listing
    only_cabinet = client.get(reverse("reports:cabinet_report_list") + "?audience=cabinet")
    assert report.get_absolute_url() not in only_cabinet.content.decode()


def test_the_defaults_page_edits_each_audiences_defaults(client, council, performance):
    from reports.forms import ReportSettingsForm

    client.force_login(performance)
    url = reverse("reports:reportsettings_update")
    page = client.get(url + "?audience=scrutiny").content.decode()
    assert "Reports to Overview and Scrutiny Committee" in page
    assert 'href="?audience=cabinet"' in page
    form = ReportSettingsForm(instance=services.report_settings_for(council, Audience.SCRUTINY))
    data = {k: v for k, v in form.initial.items() if v is not None and v is not False}
    response = client.post(url + "?audience=scrutiny", data | {"contact_officer": "Sam Patel"})
    assert response.status_code == 302
    assert services.report_settings_for(council, Audience.SCRUTINY).contact_officer == "Sam Patel"
    assert services.report_settings_for(council, Audience.CABINET).contact_officer == "Jan McMahon"


def test_a_new_councils_scrutiny_defaults_start_from_its_cabinet_contact_details():
    from tests.factories import CouncilFactory

    wirral = CouncilFactory(short_name="Wirral")
    services.report_settings_update(
        council=wirral,
        report_of="Director of Resources",
        portfolio="Cabinet Member - Finance",
        contact_officer="Ana Kaur",
        contact_telephone="0151 666 0000",
        contact_email="ana.kaur@wirral.example",
        website="https://www.wirral.example",
    )
    scrutiny = services.report_settings_for(wirral, Audience.SCRUTINY)
    assert scrutiny.contact_officer == "Ana Kaur"
    assert scrutiny.report_to == "Overview and Scrutiny Committee"


def scrutiny_by_command(output, meeting_date: str) -> None:
    call_command(
        "cabinet_report",
        "--period", "2024-25-Q2", "--review", "2023-cpc", "--output", str(output),
        "--meeting-date", meeting_date, "--user", "performance", "--audience", "scrutiny",
    )  # fmt: skip


def test_the_command_makes_the_scrutiny_version(review, tmp_path):
    output = tmp_path / "scrutiny.docx"
    scrutiny_by_command(output, "2024-11-14")
    report = CabinetReport.objects.get()
    assert report.audience == Audience.SCRUTINY
    assert docx.Document(str(output)).core_properties.title == report.subject


COMMITTEE = dt.date(2024, 11, 26)


def test_the_scrutiny_report_goes_to_the_committees_meeting_not_cabinets(review, performance):
    cabinet = make(review, performance, Audience.CABINET)
    with pytest.raises(ValidationError, match="Enter the date of the Overview and Scrutiny"):
        make(review, performance, Audience.SCRUTINY, meeting_date=None)
    scrutiny = make(review, performance, Audience.SCRUTINY, meeting_date=COMMITTEE)
    cabinet.refresh_from_db()
    assert (cabinet.meeting_date, scrutiny.meeting_date) == (MEETING, COMMITTEE)
    rendered = services.cabinet_report_render_pdf(report=scrutiny)
    text = pdf_text(bytes(rendered.pdf))
    assert "Date of Meeting: 26 November 2024" in text and "14 November 2024" not in text
    document = docx.Document(io.BytesIO(bytes(rendered.docx)))
    assert document.core_properties.subject.endswith("26 November 2024")


def test_each_meeting_date_moves_on_its_own_until_its_report_is_issued(
    review, performance, monkeypatch
):
    from reports.pdf import RenderedPdf

    monkeypatch.setattr(services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%P", 2))
    monkeypatch.setattr(services.timezone, "localdate", lambda: dt.date(2024, 11, 1))
    cabinet = make(review, performance, Audience.CABINET)
    scrutiny = make(review, performance, Audience.SCRUTINY)
    services.cabinet_report_render_pdf(report=cabinet)
    services.cabinet_report_issue(report=cabinet, issued_by=performance)

    services.cabinet_report_update(report=scrutiny, meeting_date=COMMITTEE)  # Cabinet's is issued
    scrutiny.refresh_from_db()
    cabinet.refresh_from_db()
    assert (cabinet.meeting_date, scrutiny.meeting_date) == (MEETING, COMMITTEE)

    services.cabinet_report_render_pdf(report=scrutiny)
    services.cabinet_report_issue(report=scrutiny, issued_by=performance)
    correction = services.cabinet_report_correct(
        report=scrutiny, created_by=performance, correction_note="Wrong committee name."
    )
    with pytest.raises(ValidationError, match="issued for the Overview and Scrutiny Committee"):
        services.cabinet_report_update(report=correction, meeting_date=dt.date(2024, 12, 3))


def test_a_scrutiny_draft_form_asks_for_the_committees_date(client, review, performance):
    scrutiny = make(review, performance, Audience.SCRUTINY, meeting_date=COMMITTEE)
    client.force_login(performance)
    page = client.get(reverse("reports:cabinet_report_update", args=[scrutiny.pk])).content
    assert "Date of the Overview and Scrutiny Committee meeting" in page.decode()
    assert "Date of the Cabinet meeting" not in page.decode()
    detail = client.get(scrutiny.get_absolute_url()).content.decode()
    assert "Overview and Scrutiny Committee meeting" in detail and "26 November 2024" in detail


def test_the_command_sets_the_committees_date(review, performance, tmp_path):
    make(review, performance, Audience.CABINET)
    output = tmp_path / "scrutiny.html"
    scrutiny_by_command(output, "2024-11-26")
    scrutiny = CabinetReport.objects.get(audience=Audience.SCRUTINY)
    assert scrutiny.meeting_date == COMMITTEE
    assert CabinetReport.objects.get(audience=Audience.CABINET).meeting_date == MEETING
    assert "26 November 2024" in output.read_text()
