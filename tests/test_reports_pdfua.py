"""The Cabinet report PDF meets PDF/UA-1, rule by rule, checked on the generated file.

Each test names the Matterhorn Protocol 1.1 failure condition(s) it guards against."""

import io
import itertools

import pikepdf
import pytest

from accounts.choices import Role
from reports import services
from reports.rendering import report_html
from tests.reports_plan import make_long_plan, make_plan, q2_draft

pytestmark = pytest.mark.django_db


def _kids(element):
    kids = element.get("/K")
    if kids is None:
        return []
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def elements(pdf):
    """Every structure element reachable from the structure tree root, in reading order."""
    found, stack = [], list(reversed(_kids(pdf.Root.StructTreeRoot)))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(_kids(node)))
    return found


def of_type(pdf, tag):
    return [element for element in elements(pdf) if pikepdf.Name(tag) == element.S]


def text_of(element) -> str:
    """The actual text of a structure element is not stored; this reads its /Alt or /T, or
    for headings the outline title that names the same heading."""
    return str(element.get("/Alt", element.get("/T", "")))


def marked_content(page):
    """(kind, mcid, shows_text) for each top-level marked-content sequence of ``page``, and
    whether any text is drawn outside every sequence."""
    sequences, depth, current, loose_text = [], 0, None, False
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            if depth == 0:
                tag = str(operands[0])
                mcid = None
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    mcid = operands[1].get("/MCID")
                current = [tag, None if mcid is None else int(mcid), False]
                sequences.append(current)
            depth += 1
        elif op == "EMC":
            depth -= 1
        elif op in ("Tj", "TJ", "'", '"'):
            if depth == 0:
                loose_text = True
            else:
                current[2] = True
    return sequences, loose_text


def _render(report):
    return services.cabinet_report_render_pdf(report=report)


@pytest.fixture
def small(council, officer, personas):
    review, _ = make_plan(council, officer)
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    return _render(report)


@pytest.fixture
def long(council, officer, personas):
    review = make_long_plan(council, officer)
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    return _render(report)


def _open(report):
    return pikepdf.open(io.BytesIO(bytes(report.pdf)))


def test_it_marks_the_running_header_and_footer_as_artifacts(long):
    # Matterhorn 01-005 (content neither artifact nor tagged), 18-001 (page headers/footers).
    with _open(long) as pdf:
        reached = {element.objgen for element in elements(pdf)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        mapping = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert len(pdf.pages) > 3
        for number, page in enumerate(pdf.pages):
            sequences, loose_text = marked_content(page)
            assert not loose_text, f"page {number + 1} draws text outside marked content"
            parents = mapping[int(page.StructParents)]
            for tag, mcid, _ in sequences:
                if tag == "/Artifact":
                    continue
                assert mcid is not None, f"page {number + 1}: {tag} without an MCID"
                assert parents[mcid].objgen in reached, (
                    f"page {number + 1}: MCID {mcid} ({tag}) is outside the structure tree"
                )
            artifacts_with_text = [s for s in sequences if s[0] == "/Artifact" and s[2]]
            # "Page N of M" on every page; the running header from page 2 on.
            assert len(artifacts_with_text) >= (1 if number == 0 else 2), number + 1


def test_every_table_header_cell_has_a_scope(long):
    # Matterhorn 15-003 (a TH without Scope in a table not organised by Headers and IDs).
    with _open(long) as pdf:
        headers = of_type(pdf, "/TH")
        assert len(headers) > 100
        for header in headers:
            assert header.A.Scope in (pikepdf.Name.Row, pikepdf.Name.Column)
        for head in of_type(pdf, "/THead"):
            for row in _kids(head):
                assert all(cell.A.Scope == pikepdf.Name.Column for cell in _kids(row))


def test_each_front_sheet_value_belongs_to_its_own_row_header(small):
    # Matterhorn 15-005 (a cell's headers cannot be determined correctly); PDF/UA-1 7.5.
    with _open(small) as pdf:
        front_sheet = of_type(pdf, "/Table")[0]
        rows = [row for body in _kids(front_sheet) for row in _kids(body) if row.S == "/TR"]
        first = _kids(rows[0])  # Report to: | Cabinet | Date of Meeting: | 14 November 2024
        assert [str(cell.S) for cell in first] == ["/TH", "/TD", "/TH", "/TD"]
        assert list(first[1].A.Headers) == [first[0].ID]
        assert list(first[3].A.Headers) == [first[2].ID]
        assert first[0].A.Scope == pikepdf.Name.Row


def test_sections_and_tables_that_cross_pages_are_one_element_each(long):
    # Matterhorn 09-004 / 09-005 (table structure split); one Part, one THead per table.
    html = report_html(long)
    with _open(long) as pdf:
        document = _kids(pdf.Root.StructTreeRoot)[0]
        assert [str(kid.S) for kid in _kids(document)] == ["/Part"]
        tables = of_type(pdf, "/Table")
        assert len(tables) == html.count("<table")
        for table in tables:
            assert sum(1 for kid in _kids(table) if kid.S == "/THead") <= 1
            assert sum(1 for kid in _kids(table) if kid.S == "/TBody") <= 1
        assert len(of_type(pdf, "/Sect")) == html.count("<section")
        # The appendix table of a recommendation crosses a page and is still one table.
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        spans = [
            {pages[row.Pg.objgen] for row in elements_below(table) if "/Pg" in row}
            for table in tables
        ]
        assert any(len(span) > 1 for span in spans)


def elements_below(element):
    stack, found = list(_kids(element)), []
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(_kids(node))
    return found


def test_every_figure_says_what_its_chart_shows(small):
    # Matterhorn 13-004 (Figure without alternative text); the Alt says more than the title.
    with _open(small) as pdf:
        figures = of_type(pdf, "/Figure")
        assert len(figures) == 3
        alts = [str(figure.Alt) for figure in figures]
        assert alts[0].startswith("Actions by RAG status for each theme. 3 actions across 2 themes")
        assert "actions off track went from" in alts[1]
        assert "milestones due between 1 July 2024 and 30 September 2024" in alts[2]


def test_chart_words_read_as_words(small):
    from tests.reports_plan import pdf_text

    text = pdf_text(bytes(small.pdf))
    assert "Capacity for improvement" in text
    assert "Capacityforimprovement" not in text


def test_the_email_address_and_website_are_tagged_links(small):
    # Matterhorn 28-011 (link not in a Link tag); PDF/UA-1 7.18.5 (links carry /Contents)
    with _open(small) as pdf:
        annotations = [
            annotation
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if annotation.Subtype == pikepdf.Name.Link
        ]
        uris = {str(annotation.A.URI) for annotation in annotations}
        assert f"mailto:{small.contact_email}" in uris
        assert any(uri.startswith("https://www.sefton.gov.uk") for uri in uris)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        mapping = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        reached = {element.objgen for element in elements(pdf)}
        for annotation in annotations:
            assert str(annotation.Contents)
            link = mapping[int(annotation.StructParent)]
            assert pikepdf.Name.Link == link.S and link.objgen in reached
        for page in pdf.pages:
            if "/Annots" in page:
                assert page.Tabs == pikepdf.Name.S  # structure order for tabbing (PDF/UA-1 7.18.3)


def test_every_numbered_section_is_a_heading_and_a_bookmark_open_on_opening(small):
    # Matterhorn 14-002 (first heading not H1), 14-003 (skipped heading levels).
    with _open(small) as pdf:
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
        levels = [int(str(e.S)[2:]) for e in elements(pdf) if str(e.S) in {"/H1", "/H2", "/H3"}]
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
        with pdf.open_outline() as outline:
            titles = []
            stack = list(outline.root)
            while stack:
                item = stack.pop(0)
                titles.append(item.title)
                stack[0:0] = list(item.children)
        for number in range(1, 8):
            assert any(title.startswith(f"2.{number} ") for title in titles), number
        assert any(title.startswith("2.1 Headline figures") for title in titles)
        assert any(title.startswith("Matters for Cabinet") for title in titles)


def test_the_document_keeps_its_title_language_and_pdfua_identifier(small):
    # Matterhorn 06-001/06-002/06-003 (metadata, PDF/UA id, dc:title), 07-001 (DisplayDocTitle),
    # 11-006 (document language).
    with _open(small) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.Root.MarkInfo.Marked is True
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
            assert meta.get("dc:title") == small.subject
