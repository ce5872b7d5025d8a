"""Drafts, issuing, immutability and corrections of Cabinet reports."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.choices import Role
from reports import services
from reports.choices import ReportStatus
from reports.models import FRONT_SHEET_FIELDS, CabinetReport
from reports.pdf import RenderedPdf, RenderTimeout
from tests.factories import CouncilFactory, ReviewFactory
from tests.reports_plan import Q2, make_plan

pytestmark = pytest.mark.django_db
MEETING = dt.date(2024, 11, 14)


@pytest.fixture
def performance(personas):
    return personas[Role.PERFORMANCE]


@pytest.fixture
def draft(council, officer, performance):
    review, _ = make_plan(council, officer)
    return services.cabinet_report_create(
        council=council, quarter=Q2, reviews=[review], created_by=performance, meeting_date=MEETING
    )


@pytest.fixture
def fake_render(monkeypatch):
    """Stand in for WeasyPrint where a test is about the report's life, not its pages."""
    calls = []

    def render(html, *, timeout=None):
        calls.append(html)
        return RenderedPdf(content=b"%PDF-1.7 fake " + str(len(calls)).encode(), pages=3)

    monkeypatch.setattr(services, "render_pdf", render)
    return calls


@pytest.fixture
def issued(draft, performance, fake_render):
    services.cabinet_report_render_pdf(report=draft)
    return services.cabinet_report_issue(report=draft, issued_by=performance)


def test_a_new_report_takes_its_front_sheet_from_the_council_defaults(
    council, officer, performance
):
    services.report_settings_update(council=council, contact_officer="A. Performance Officer")
    review, _ = make_plan(council, officer)
    report = services.cabinet_report_create(
        council=council, quarter=Q2, reviews=[review], created_by=performance, meeting_date=MEETING
    )
    assert report.contact_officer == "A. Performance Officer"
    assert report.report_of == "Executive Director of Corporate Resources and Customer Services"
    assert report.wards_affected == "(All Wards);"
    assert "2024/25 Q2" in report.subject
    assert report.recommendations.startswith("Cabinet is asked to")
    assert report.status == ReportStatus.DRAFT and report.version == 1
    assert report.frozen_snapshot.quarter.end == dt.date(2024, 9, 30)


def test_a_second_council_never_gets_seftons_wording_and_is_asked_for_its_own(performance):
    """A council other than Sefton starts from neutral defaults: blank where only it can say
    (contact officer, website, who reports), generic sentences elsewhere. No report starts
    until it has filled them in."""
    wirral = CouncilFactory(short_name="Wirral", name="Wirral Council")
    defaults = services.report_settings_for(wirral)
    assert defaults.contact_officer == defaults.contact_email == defaults.website == ""
    assert defaults.report_of == defaults.portfolio == ""
    every_value = " ".join(str(getattr(defaults, name)) for name in FRONT_SHEET_FIELDS)
    for sefton_words in ["Sefton", "McMahon", "0151", "Corporate Resources", "Regulatory"]:
        assert sefton_words not in every_value
    review = ReviewFactory(council=wirral, slug="wirral-2024-cpc")
    with pytest.raises(ValidationError, match="contact officer, telephone number") as refused:
        services.cabinet_report_create(
            council=wirral,
            quarter=Q2,
            reviews=[review],
            created_by=performance,
            meeting_date=MEETING,
        )
    assert refused.value.code == "defaults_incomplete"
    assert not CabinetReport.objects.filter(council=wirral).exists()

    services.report_settings_update(
        council=wirral,
        report_of="Director of Resources",
        portfolio="Cabinet Member - Finance",
        contact_officer="Ana Kaur",
        contact_telephone="0151 666 0000",
        contact_email="ana.kaur@wirral.example",
        website="https://www.wirral.example",
    )
    report = services.cabinet_report_create(
        council=wirral,
        quarter=Q2,
        reviews=[review],
        created_by=performance,
        meeting_date=MEETING,
    )
    assert report.contact_officer == "Ana Kaur"
    assert report.finance_officer == "Chief Finance Officer"
    assert "Sefton" not in report.internal_consultations


def test_a_draft_whose_contact_details_were_blanked_is_not_rendered(draft, fake_render):
    CabinetReport.objects.filter(pk=draft.pk).update(contact_email="", website="")
    with pytest.raises(ValidationError, match="email address, council website"):
        services.cabinet_report_render_pdf(report=draft)
    assert fake_render == []


def test_the_meeting_must_come_after_the_quarter(council, officer, performance):
    review, _ = make_plan(council, officer)
    with pytest.raises(ValidationError, match="after the quarter ends"):
        services.cabinet_report_create(
            council=council,
            quarter=Q2,
            reviews=[review],
            created_by=performance,
            meeting_date=dt.date(2024, 9, 1),
        )


def test_there_is_one_report_per_quarter(draft, performance):
    with pytest.raises(ValidationError, match="already exists"):
        services.cabinet_report_create(
            council=draft.council,
            quarter=Q2,
            reviews=list(draft.reviews.all()),
            created_by=performance,
            meeting_date=MEETING,
        )


def test_editing_a_draft_discards_its_pdf(draft, fake_render):
    services.cabinet_report_render_pdf(report=draft)
    report = services.cabinet_report_update(report=draft, summary="A new summary.")
    assert report.summary == "A new summary."
    assert not report.has_pdf and report.pdf is None


def test_a_report_is_issued_only_with_a_pdf(draft, performance):
    with pytest.raises(ValidationError, match="Generate the PDF"):
        services.cabinet_report_issue(report=draft, issued_by=performance)


def test_issuing_records_who_and_when(issued, performance):
    issued.refresh_from_db()
    assert issued.status == ReportStatus.ISSUED
    assert issued.issued_by == performance and issued.issued_at is not None
    assert bytes(issued.pdf).startswith(b"%PDF")


def test_an_issued_report_cannot_be_changed_rendered_or_issued_again(issued, performance):
    before = CabinetReport.objects.get(pk=issued.pk)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.cabinet_report_update(report=issued, summary="Rewritten history.")
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.cabinet_report_render_pdf(report=issued)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.cabinet_report_issue(report=issued, issued_by=performance)
    after = CabinetReport.objects.get(pk=issued.pk)
    assert (after.summary, after.pdf_sha256, bytes(after.pdf), after.snapshot) == (
        before.summary,
        before.pdf_sha256,
        bytes(before.pdf),
        before.snapshot,
    )


def test_the_database_refuses_an_issued_row_without_a_pdf(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        CabinetReport.objects.filter(pk=draft.pk).update(status=ReportStatus.ISSUED)


def test_a_correction_is_a_new_version_that_says_what_it_replaces(issued, performance):
    correction = services.cabinet_report_correct(
        report=issued, created_by=performance, correction_note="R2.1 target date was wrong."
    )
    assert (correction.version, correction.supersedes, correction.status) == (
        2,
        issued,
        ReportStatus.DRAFT,
    )
    assert correction.correction_note == "R2.1 target date was wrong."
    assert correction.subject == issued.subject
    assert list(correction.reviews.all()) == list(issued.reviews.all())
    issued.refresh_from_db()
    assert issued.status == ReportStatus.ISSUED and issued.superseded_by == correction


def test_an_issued_report_is_corrected_only_once(issued, performance):
    services.cabinet_report_correct(report=issued, created_by=performance, correction_note="x")
    with pytest.raises(ValidationError, match="already been corrected"):
        services.cabinet_report_correct(report=issued, created_by=performance, correction_note="y")


def test_a_draft_is_edited_rather_than_corrected(draft, performance):
    with pytest.raises(ValidationError, match="Only an issued report"):
        services.cabinet_report_correct(report=draft, created_by=performance, correction_note="x")


def test_the_corrected_version_can_be_issued_and_both_stay_on_record(
    issued, performance, fake_render
):
    correction = services.cabinet_report_correct(
        report=issued, created_by=performance, correction_note="Wrong meeting date."
    )
    services.cabinet_report_render_pdf(report=correction)
    services.cabinet_report_issue(report=correction, issued_by=performance)
    versions = CabinetReport.objects.filter(period=issued.period).order_by("version")
    assert [(r.version, r.status) for r in versions] == [(1, "issued"), (2, "issued")]
    assert versions[0].pdf_sha256 != versions[1].pdf_sha256


def test_a_render_that_is_stopped_leaves_the_draft_as_it_was(draft, monkeypatch):
    def too_slow(html, *, timeout=None):
        raise RenderTimeout("stopped")

    monkeypatch.setattr(services, "render_pdf", too_slow)
    before = CabinetReport.objects.get(pk=draft.pk)
    with pytest.raises(RenderTimeout):
        services.cabinet_report_render_pdf(report=draft)
    after = CabinetReport.objects.get(pk=draft.pk)
    assert after.pdf is None and after.pdf_sha256 == ""
    assert after.snapshot_taken_at == before.snapshot_taken_at
    assert CabinetReport.objects.count() == 1


def test_a_report_is_not_issued_before_its_quarter_has_ended(council, officer, performance):
    from django.utils import timezone

    from tracker.quarters import FinancialQuarter

    review, _ = make_plan(council, officer)
    current = FinancialQuarter.containing(timezone.localdate())
    draft = services.cabinet_report_create(
        council=council,
        quarter=current,
        reviews=[review],
        created_by=performance,
        meeting_date=current.end + dt.timedelta(days=30),
    )
    CabinetReport.objects.filter(pk=draft.pk).update(pdf=b"%PDF", pdf_sha256="0" * 64)
    with pytest.raises(ValidationError, match="has not ended yet"):
        services.cabinet_report_issue(report=draft, issued_by=performance)
