"""A council's public page: anyone, without signing in, reads what Cabinet was told in the
latest issued report (never the live plan, never a draft), as a page, CSV and JSON, and
downloads every issued report."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from public.views import COLUMNS
from reports.models import CabinetReport
from reports.services import cabinet_report_create
from tests.factories import CouncilFactory, RecommendationFactory, ReviewFactory
from tests.reports_plan import Q2, make_plan
from tracker.people import display_name
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db


def issue(report, by):
    """Issue a report with stand-in files (the PDF itself is tested in test_reports_pdf.py)."""
    CabinetReport.objects.filter(pk=report.pk).update(
        pdf=b"%PDF-1.7 stand-in", pdf_sha256="0" * 64, pdf_pages=1, pdf_bytes=17,
        docx=b"PK stand-in", status="issued", issued_by=by, issued_at=timezone.now(),
    )  # fmt: skip
    return report


@pytest.fixture
def published(council, officer, personas):
    """Sefton publishes; its Q2 report is issued and a Q3 draft is under way."""
    council.publishes_progress = True
    council.save()
    review, _ = make_plan(council, officer)
    perf = personas[Role.PERFORMANCE]
    q2 = issue(
        cabinet_report_create(
            council=council, quarter=Q2, reviews=[review], created_by=perf,
            meeting_date=dt.date(2024, 11, 14),
        ),
        perf,
    )  # fmt: skip
    q3 = cabinet_report_create(
        council=council, quarter=FinancialQuarter(2024, 3), reviews=[review], created_by=perf,
        meeting_date=dt.date(2025, 2, 13),
    )  # fmt: skip
    return review, q2, q3


def page(client, council):
    return client.get(reverse("public:published_plan", args=[council.slug]))


def test_a_council_that_does_not_publish_has_no_public_page(client, council):
    review = ReviewFactory(council=council)
    RecommendationFactory(review=review, number=1)
    for name in ("published_plan", "published_plan_csv", "published_plan_json"):
        assert client.get(reverse(f"public:{name}", args=[council.slug])).status_code == 404
    assert client.get("/public/nowhere/").status_code == 404


def test_anyone_reads_it_without_signing_in_and_it_may_be_cached(client, published, council):
    response = page(client, council)
    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "public" in cache and "max-age=900" in cache and "private" not in cache
    assert "sessionid" not in response.cookies
    assert "Corporate Peer Challenge 2023" in response.content.decode()


def test_a_signed_in_visitor_gets_a_private_copy(client, published, council, officer):
    client.force_login(officer)
    response = page(client, council)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_status_is_what_the_issued_report_said_not_the_live_plan_nor_a_draft(
    client, published, council
):
    # R1.1 went off track on 2 October, after Q2's report: the live plan and the Q3 draft say
    # Off track for R1; the issued Q2 report said At risk (R1.2 at risk, R1.1 on track).
    _, _, q3 = published
    assert q3.snapshot["recommendations"][0]["status"] == "off_track"
    html = page(client, council).content.decode()
    assert "Off track" not in html
    assert "At risk" in html and "Complete" in html
    assert "Quarter 2 2024/25" in html or "Q2" in html
    rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("public:published_plan_csv", args=[council.slug])).content.decode())))  # fmt: skip
    assert [(r["reference"], r["status"]) for r in rows] == [("R1", "at_risk"), ("R2", "complete")]
    assert {r["report_quarter"] for r in rows} == {"2024-25-Q2"}
    assert {r["as_at"] for r in rows} == {"2024-09-30"}


def test_the_csv_and_json_have_the_documented_columns(client, published, council):
    response = client.get(reverse("public:published_plan_csv", args=[council.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert "public" in response["Cache-Control"]
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == COLUMNS
    data = json.loads(
        client.get(reverse("public:published_plan_json", args=[council.slug])).content
    )
    assert data["columns"] == COLUMNS
    assert all(list(row) == COLUMNS for row in data["recommendations"])
    assert [r["quarter"] for r in data["reports"]] == ["2024-25-Q2"]  # the draft is not there


def test_the_readme_documents_every_column():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in readme, column


def test_it_names_no_one_unless_the_council_chooses(client, published, council, officer):
    name = display_name(officer)
    for url in (
        reverse("public:published_plan", args=[council.slug]),
        reverse("public:published_plan_csv", args=[council.slug]),
        reverse("public:published_plan_json", args=[council.slug]),
    ):
        assert name not in client.get(url).content.decode(), url
    council.publishes_lead_names = True
    council.save()
    assert "Lead officer" in page(client, council).content.decode()


def test_every_issued_report_downloads_and_drafts_do_not(client, published, council):
    _, q2, q3 = published
    pdf = client.get(reverse("public:report_pdf", args=[council.slug, q2.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "public" in pdf["Cache-Control"]
    docx = client.get(reverse("public:report_docx", args=[council.slug, q2.pk]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(reverse("public:report_pdf", args=[council.slug, q3.pk])).status_code == 404
    html = page(client, council).content.decode()
    assert reverse("public:report_pdf", args=[council.slug, q2.pk]) in html
    assert reverse("public:report_pdf", args=[council.slug, q3.pk]) not in html


def test_another_councils_report_is_not_found_at_this_councils_address(client, published, council):
    _, q2, _ = published
    knowsley = CouncilFactory(short_name="Knowsley", publishes_progress=True)
    assert client.get(reverse("public:report_pdf", args=[knowsley.slug, q2.pk])).status_code == 404


def test_a_review_no_issued_report_covers_lists_its_recommendations_unreported(
    client, published, council
):
    other = ReviewFactory(council=council, slug="2025-cipfa", title="CIPFA financial review")
    RecommendationFactory(review=other, number=1, title="Set a balanced budget")
    html = page(client, council).content.decode()
    assert "Set a balanced budget" in html and "Not reported yet" in html


def test_the_demo_council_publishes_and_loading_twice_changes_nothing(transactional_db):
    from django.core.management import call_command
    from django.test import override_settings

    from reviews.models import Council

    call_command("load_sefton", stdout=io.StringIO())
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
        first = list(Council.objects.values())
        call_command("load_demo", stdout=io.StringIO())
    assert list(Council.objects.values()) == first
    assert Council.objects.get(short_name="Sefton").publishes_progress


def test_a_scrutiny_report_is_listed_with_the_committees_meeting(
    client, published, council, personas
):
    review, _, _ = published
    perf = personas[Role.PERFORMANCE]
    issue(
        cabinet_report_create(
            council=council, quarter=Q2, reviews=[review], created_by=perf,
            meeting_date=dt.date(2024, 11, 26), audience="scrutiny",
        ),
        perf,
    )  # fmt: skip
    text = page(client, council).content.decode()
    assert "Overview and Scrutiny Committee, 26 November 2024." in text
    assert "Cabinet, 14 November 2024." in text
    data = json.loads(
        client.get(reverse("public:published_plan_json", args=[council.slug])).content
    )
    meetings = {(r["audience"], r["meeting_date"]) for r in data["reports"]}
    assert meetings == {("cabinet", "2024-11-14"), ("scrutiny", "2024-11-26")}
