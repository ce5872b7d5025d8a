"""The PDF/UA-1 repairs WeasyPrint 70 cannot make itself, applied to its output with pikepdf.

Everything that can be fixed in the HTML and CSS is fixed there (headings for every numbered
section, real links, chart descriptions as the figures' alternative text). What is left is in
WeasyPrint's tagging code (``weasyprint/pdf/tags.py``), each an open WeasyPrint issue:

* page margins (running header, "Page N of M") are marked content whose structure elements are
  never linked into the tree; PDF/UA-1 wants them as artifacts (Kozea/WeasyPrint#1836);
* the tree is built page by page, so ``<main>``, sections and tables that cross a page become one
  structure element per page, and the table header row repeated on each page is tagged again;
* ``TH`` cells get IDs but never ``/Scope`` (Kozea/WeasyPrint#2508), and every data cell is
  associated with every ``scope="row"`` header of its row (the front sheet has two per row);
* the catalog does not ask viewers to open the bookmarks panel.

``pdf_make_accessible`` walks the structure tree once and the content streams once. It relies
only on the PDF, not on WeasyPrint's internals, so a WeasyPrint upgrade that fixes a point makes
the matching step a no-op rather than breaking it.
"""

from __future__ import annotations

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name

# Structure elements that only group others: safe to join when one is split by a page break.
_CONTAINERS = {"/Part", "/Sect", "/Div", "/Art", "/BlockQuote", "/L", "/Table", "/TBody", "/TFoot"}
# A tagged sequence's opening as WeasyPrint writes it ("/Span <</MCID 3>> BDC"). Matching bytes
# instead of parsing every operator is 20 times faster; it is safe because WeasyPrint shows text
# as hex glyph strings, so no text on the page can look like this.
_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"
_HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}


def pdf_make_accessible(content: bytes) -> bytes:
    """``content`` (a tagged PDF from WeasyPrint) with the PDF/UA-1 repairs above applied."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
            for document in _kids(root):
                _join_page_fragments(document, pages)
                _table_headers(document)
            _unreached_content_to_artifacts(pdf, root)
        # Bookmarks come from the headings; open them with the document (WCAG PDF2).
        pdf.Root.PageMode = Name.UseOutlines
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _is_element(kid) -> bool:
    """A structure element, not a marked-content id or an OBJR."""
    return isinstance(kid, Dictionary) and "/S" in kid


def _element_kids(element, *, last_first: bool = False):
    """The structure elements directly below ``element``, one at a time (in reverse order with
    ``last_first``), so the first or last of thousands is found without listing them all."""
    kids = element.get("/K")
    if kids is None:
        return iter(())
    if not isinstance(kids, Array):
        kids = [kids]
    elif last_first:
        kids = reversed(kids)
    return (kid for kid in kids if _is_element(kid))


def _kids(element) -> list:
    return list(_element_kids(element))


def _first_kid(element):
    return next(_element_kids(element), None)


def _last_kid(element):
    return next(_element_kids(element, last_first=True), None)


def _page_of(element, pages: dict) -> int:
    page = element.get("/Pg")
    return pages.get(page.objgen, -1) if page is not None else -1


def _last_page(element, pages: dict) -> int:
    """The page its content ends on: the tree is in reading order, so its last descendant's."""
    last, node = _page_of(element, pages), element
    while (node := _last_kid(node)) is not None:
        last = max(last, _page_of(node, pages))
    return last


def _continues(before, after) -> bool:
    """Whether ``after`` is the rest of ``before`` carried onto the next page (not a new one)."""
    if Name.Sect == after.S:
        # A new section opens with its heading; the rest of a section opens with anything else.
        first_before, first_after = _first_kid(before), _first_kid(after)
        return not (
            first_after is not None
            and str(first_after.S) in _HEADINGS
            and first_before is not None
            and first_after.S == first_before.S
        )
    if Name.Table == after.S:
        first = _first_kid(after)
        return not (first is not None and Name.Caption == first.S)  # a new table shows its caption
    return True


def _has_head(table) -> bool:
    """Whether ``table`` has a header row group (it comes before the body, after any caption)."""
    for kid in _kids(table):
        if Name.THead == kid.S:
            return True
        if kid.S in (Name.TBody, Name.TR, Name.TFoot):
            return False
    return False


def _join_page_fragments(parent, pages: dict) -> None:
    """Join siblings that are one element split across pages, depth first; drop the header row
    a continued table repeats (its content becomes an artifact in the last step).

    Linear in the size of the tree: each sibling is compared with the element being built up
    through its first and last descendants only, never by listing everything joined so far."""
    kids = parent.get("/K")
    if not isinstance(kids, Array):
        return
    joined: list = []
    before = None  # the last element kept, and the page its content ends on
    before_last_page = -1
    for kid in kids:
        if (
            isinstance(kid, Dictionary)
            and before is not None
            and kid.get("/S") == before.get("/S")
            and str(kid.get("/S")) in _CONTAINERS
            and _page_of(kid, pages) > before_last_page
            and _continues(before, kid)
        ):
            has_head = Name.Table == before.S and _has_head(before)
            moved = kid.K if isinstance(kid.K, Array) else [kid.K]
            for child in moved:
                if isinstance(child, Dictionary) and child.get("/S") == Name.THead and has_head:
                    continue
                if _is_element(child):
                    child.P = before
                elif isinstance(child, int):  # a marked-content id belongs to its own page
                    child = Dictionary(Type=Name.MCR, Pg=kid.Pg, MCID=child)
                before.K.append(child)
            before_last_page = max(before_last_page, _last_page(kid, pages))
            continue
        joined.append(kid)
        if isinstance(kid, Dictionary):
            before, before_last_page = kid, _last_page(kid, pages)
        else:
            before, before_last_page = None, -1
    parent.K = Array(joined)
    for kid in _kids(parent):
        _join_page_fragments(kid, pages)


def _rows(table) -> list[tuple[object, bool]]:
    """Each row of ``table`` with whether it is in the table's header."""
    rows = []
    for child in _kids(table):
        if child.S == Name.TR:
            rows.append((child, False))
        elif child.S in (Name.THead, Name.TBody, Name.TFoot):
            rows.extend((row, Name.THead == child.S) for row in _kids(child) if row.S == Name.TR)
    return rows


def _table_headers(element) -> None:
    """Give every ``TH`` a ``/Scope`` (Column in a header row, Row beside data cells) and
    associate each data cell with the one row header nearest before it in its row."""
    if Name.Table == element.S:
        for row, in_head in _rows(element):
            cells = [cell for cell in _kids(row) if cell.S in (Name.TH, Name.TD)]
            all_headers = all(cell.S == Name.TH for cell in cells)
            row_header = None
            row_header_ids = {
                bytes(cell.ID) for cell in cells if cell.S == Name.TH and "/ID" in cell
            }
            for cell in cells:
                attributes = cell.get("/A")
                if not isinstance(attributes, Dictionary):
                    attributes = cell.A = Dictionary(O=Name.Table)
                if cell.S == Name.TH:
                    scope = Name.Column if in_head or all_headers else Name.Row
                    attributes.Scope = scope
                    if scope == Name.Row:
                        row_header = cell
                elif "/Headers" in attributes:
                    keep = [
                        header
                        for header in attributes.Headers
                        if bytes(header) not in row_header_ids
                    ]
                    if row_header is not None and "/ID" in row_header:
                        keep.insert(0, row_header.ID)
                    attributes.Headers = Array(keep)
    for kid in _kids(element):
        _table_headers(kid)


def _reached(root) -> set:
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node.objgen in seen:
            continue
        seen.add(node.objgen)
        stack.extend(_kids(node))
    return seen


def _unreached_content_to_artifacts(pdf, root) -> None:
    """Marked content whose structure element is not in the tree (page margins, repeated table
    headers) becomes a pagination artifact, and leaves the parent tree."""
    reached = _reached(root)
    numbers = root.ParentTree.get("/Nums", Array())
    by_key = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    for page in pdf.pages:
        key = page.get("/StructParents")
        mapping = by_key.get(int(key)) if key is not None else None
        if not isinstance(mapping, Array):
            continue
        unreached = {
            mcid
            for mcid, element in enumerate(mapping)
            if not isinstance(element, Dictionary) or element.objgen not in reached
        }
        if not unreached:
            continue
        stream = page.Contents
        if not isinstance(stream, pikepdf.Stream):
            page.contents_coalesce()
            stream = page.Contents
        content = stream.read_bytes()

        def artifact(match, unreached=unreached):
            return _ARTIFACT if int(match.group(1)) in unreached else match.group(0)

        stream.write(_MARKED.sub(artifact, content))
        for mcid in unreached:
            mapping[mcid] = None
