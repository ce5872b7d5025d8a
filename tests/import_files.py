"""Spreadsheets built in code, as councils' own files look: no binary fixtures."""

import csv
import io
import re
import zipfile

from openpyxl import Workbook

PLAN_HEADINGS = [
    "Recommendation", "Action ref", "Action", "Lead officer", "Directorate", "Portfolio",
    "Start date", "Target date", "Milestones", "Status", "% complete", "Latest update",
]  # fmt: skip


def xlsx_bytes(rows, *, title_rows=(), sheet_title="Action plan") -> bytes:
    """An XLSX whose first sheet holds ``title_rows`` and then ``rows`` (headings first)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in (*title_rows, *rows):
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, *, encoding="utf-8-sig", delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def with_saved_formula_value(content: bytes, cell: str, value) -> bytes:
    """Give a formula cell the value Excel would have saved with it (openpyxl never does)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                pattern = rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?'
                data, count = re.subn(
                    pattern.encode(), rb"\1\2<v>" + str(value).encode() + b"</v>", data
                )
                assert count == 1, "formula cell not found"
            target.writestr(item, data)
    return out.getvalue()


def read_xlsx(content: bytes, sheet=0):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return workbook, workbook.worksheets[sheet]


def save_xlsx(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
