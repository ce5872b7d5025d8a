"""The Word version of the Cabinet report: the same report from the same snapshot, accessible
as Word understands it, and frozen with the PDF when the report is issued."""

import io
import itertools

import docx
import pytest
from docx.oxml.ns import qn

from accounts.choices import Role
from reports import services
from tests.reports_plan import TITLES, make_plan, q2_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(council, officer, personas):
    review, _ = make_plan(council, officer)
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    return services.cabinet_report_render_pdf(report=report)


def _open(content: bytes):
    return docx.Document(io.BytesIO(bytes(content)))


def test_it_has_word_headings_in_order_title_and_language(rendered):
    document = _open(rendered.docx)
    levels = [
        int(p.style.name.removeprefix("Heading "))
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == rendered.subject
    for heading in ["Summary:", "Matters for Cabinet's attention", "1. Background",
                    "2. Progress summary", "3. Recommendation(s)"]:  # fmt: skip
        assert heading in headings
    assert any(h.startswith("Appendix A") for h in headings)
    assert document.core_properties.title == rendered.subject
    assert document.core_properties.language == "en-GB"
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert lang.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "en-GB"


def test_every_table_is_a_real_table_with_a_repeating_header_row(rendered):
    document = _open(rendered.docx)
    assert len(document.tables) > 10
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None


def test_columns_are_sized_for_what_they_hold_and_fill_the_text_width(rendered):
    document = _open(rendered.docx)
    text_widths = {  # in twentieths of a point, as Word's grid is; lengths are in EMU (635 each)
        (s.page_width - s.left_margin - s.right_margin) // 635 for s in document.sections
    }
    referenced = 0
    for table in document.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert any(abs(sum(grid) - width) <= len(grid) for width in text_widths)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        if table.rows[0].cells[0].text == "Ref":  # a short reference beside longer text
            referenced += 1
            assert grid[0] * 3 < grid[1], [c.text for c in table.rows[0].cells]
    assert referenced >= 5


def test_pages_are_a4_with_the_appendix_landscape(rendered):
    from docx.shared import Cm

    document = _open(rendered.docx)
    sizes = [
        (round(s.page_width / Cm(1), 1), round(s.page_height / Cm(1), 1)) for s in document.sections
    ]
    assert sizes[0] == (21.0, 29.7) and sizes[-1] == (29.7, 21.0)


def test_every_chart_is_there_as_its_data_table(rendered):
    document = _open(rendered.docx)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    for title in [
        "Actions by RAG status for each theme",
        "Action status at the end of each quarter",
    ]:
        assert f"Data for “{title}”" in captions
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Capacity for improvement" in cells and "Financial planning and management" in cells
    for title in TITLES:
        assert title in cells


def test_the_word_version_is_frozen_with_the_pdf_when_issued(client, rendered, personas):
    issued = services.cabinet_report_issue(report=rendered, issued_by=personas[Role.PERFORMANCE])
    frozen = bytes(issued.docx)
    assert "Draft: not yet issued" not in "\n".join(p.text for p in _open(frozen).paragraphs)
    client.force_login(personas[Role.CABINET])
    response = client.get(f"/reports/{issued.pk}/download.docx")
    assert response.status_code == 200 and response.content == frozen
    assert response["Content-Disposition"].endswith('v1.docx"')
    with pytest.raises(services.ReportIssued):
        services.cabinet_report_render_pdf(report=issued)


def test_hostile_text_stays_text_in_word(rendered):
    services.cabinet_report_update(report=rendered, progress_narrative='<w:p>"&</w:p>')
    report = services.cabinet_report_render_pdf(report=rendered)
    text = "\n".join(p.text for p in _open(report.docx).paragraphs)
    assert '<w:p>"&</w:p>' in text


def test_every_chart_is_an_image_with_alt_text_beside_its_data_table(rendered):
    from reports.rendering import charts_for

    document = _open(rendered.docx)
    groups = charts_for(rendered.frozen_snapshot, printed=True)
    pictures = document.element.body.xpath(".//wp:docPr")
    assert len(pictures) == sum(len(group["parts"]) for group in groups) >= 3
    for picture, group in zip(pictures, groups, strict=False):
        chart = group["chart"]
        assert picture.get("descr").startswith(chart.description)  # what it shows, not its title
        assert picture.get("title").startswith(chart.title)
    assert all(shape.width > 0 for shape in document.inline_shapes)
