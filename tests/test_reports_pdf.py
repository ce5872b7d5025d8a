"""The Cabinet report PDF itself: it opens, says what Cabinet needs, and is accessible."""

import io

import pikepdf
import pytest

from accounts.choices import Role
from reports import services
from tests.reports_plan import TITLES, make_plan, pdf_text, q2_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(council, officer, personas):
    review, _ = make_plan(council, officer)
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    report = services.cabinet_report_update(report=report, contact_officer="Jan McMahon")
    return services.cabinet_report_render_pdf(report=report)


def test_the_pdf_opens_and_its_size_and_checksum_are_recorded(rendered):
    import hashlib

    content = bytes(rendered.pdf)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert len(pdf.pages) == rendered.pdf_pages >= 3
    assert rendered.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert rendered.pdf_bytes == len(content)


def test_the_front_sheet_is_in_the_pdf(rendered):
    text = pdf_text(bytes(rendered.pdf))
    for words in [
        "Report to: Cabinet",
        "Date of Meeting: 14 November 2024",
        "Subject:",
        rendered.subject,
        "Report of: Executive Director of Corporate Resources and Customer Services",
        "Wards Affected: (All Wards);",
        "Portfolio: Cabinet Member - Regulatory, Compliance and Corporate Services",
        "Is this a Key Decision: No",
        "Included in Forward Plan: No",
        "Exempt / Confidential Report: No",
        "Cabinet is asked to",
        "Contact Officer: Jan McMahon",
        "1. Background",
        "2. Progress summary",
        "Appendix A",
    ]:
        assert words in text, words


def test_every_recommendation_title_and_the_rag_words_are_in_the_pdf(rendered):
    text = pdf_text(bytes(rendered.pdf))
    for title in TITLES:
        assert title in text
    for word in ["Green", "Amber", "Blue", "On track", "At risk", "Complete"]:
        assert word in text
    assert "Business case approved in September." in text
    assert "Recruitment frozen" not in text  # recorded after the quarter ended
    assert "Page 1 of" in text


def test_the_pdf_is_tagged_for_accessibility(rendered):
    with pikepdf.open(io.BytesIO(bytes(rendered.pdf))) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == rendered.subject
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"


def test_every_chart_in_the_pdf_has_alternative_text(rendered):
    with pikepdf.open(io.BytesIO(bytes(rendered.pdf))) as pdf:
        figures, stack = [], [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    figures.append(node)
                kids = node.get("/K")
                if kids is not None:
                    stack.append(kids)
        assert len(figures) >= 2
        assert all(str(figure.get("/Alt", "")).strip() for figure in figures)


def test_the_browser_preview_is_the_same_report(client, rendered, personas):
    client.force_login(personas[Role.PERFORMANCE])
    page = client.get(f"/reports/{rendered.pk}/preview/").content.decode()
    assert '<html lang="en-GB">' in page
    assert f"<title>{rendered.subject}</title>" in page
    assert '<th scope="row">Report to:</th>' in page
    for title in TITLES:
        assert title in page


def test_the_issued_pdf_drops_the_draft_notice_and_keeps_the_checked_figures(rendered, personas):
    draft_text = pdf_text(bytes(rendered.pdf))
    assert "Draft: not yet issued to Cabinet." in draft_text
    issued = services.cabinet_report_issue(report=rendered, issued_by=personas[Role.PERFORMANCE])
    issued_text = pdf_text(bytes(issued.pdf))
    assert "Draft" not in issued_text
    assert issued.snapshot == rendered.snapshot
    assert draft_text.replace("Draft: not yet issued to Cabinet. ", "") == issued_text


def test_a_render_logs_no_weasyprint_warnings(council, officer, personas, caplog):
    # Every render used to warn 'Invalid media type " screen and (max-width: 40em) "': the
    # preview's phone rule was inlined into the PDF's stylesheet. A warning at every render
    # hides the one that matters (a refused resource, a missing alt text).
    import logging

    from reports.pdf import render_in_process
    from reports.rendering import report_html

    review, _ = make_plan(council, officer)
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_in_process(report_html(report))
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert warnings == []


def test_the_preview_keeps_its_screen_rules_and_the_pdf_has_none(client, rendered, personas):
    from django.template.loader import render_to_string

    client.force_login(personas[Role.PERFORMANCE])
    preview_css = client.get("/reports/report.css").content.decode()
    assert "@media screen and (max-width: 40em)" in preview_css
    assert ".rag-amber" in preview_css  # and every rule the PDF has
    html = render_to_string("reports/pdf/cabinet_report.html", {"for_screen": False})
    assert ".rag-amber" in html and "@media screen" not in html


def test_every_column_heading_of_a_charts_data_table_fits_its_column(council, officer, personas):
    # "Closed / superseded" ran past its cell into "Total" when the row labels took 30 %.
    from weasyprint.formatting_structure import boxes

    from reports.pdf import lay_out
    from reports.rendering import report_html

    review, _ = make_plan(council, officer)
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    headings, overflowing = [], []

    def walk(box, in_chart_data=False, cell=None):
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        in_chart_data = in_chart_data or (
            isinstance(box, boxes.TableBox) and "chart-data" in classes
        )
        if in_chart_data and isinstance(box, boxes.TableCellBox) and box.element_tag == "th":
            cell = box
        if cell is not None and isinstance(box, boxes.TextBox):
            headings.append(box.text)
            if box.position_x + box.width > cell.content_box_x() + cell.width + 0.5:
                overflowing.append(box.text)
        for child in getattr(box, "children", []):
            walk(child, in_chart_data, cell)

    for page in lay_out(report_html(report)).pages:
        walk(page._page_box)
    assert "superseded" in " ".join(headings)
    assert overflowing == []
