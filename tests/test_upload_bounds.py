"""Uploads cost a bounded amount of work: every row read counts toward the limit, blank or not,
and reading stops there. Files that are not plain text CSV are refused with a message saying why.

Memory is measured with tracemalloc (what Python allocates while reading), not timed: the time
to refusal is printed by ``python -m bench.uploads``."""

import codecs
import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports import parsing
from imports.choices import ImportKind
from imports.models import ImportBatch
from tests.import_files import PLAN_HEADINGS, csv_bytes, xlsx_bytes
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture

MEMORY_BOUND = 40 * 1024 * 1024  # the files below used 520 MB to 1 GB before the bound


def declared_dimension_xlsx(last_row: int = 150_000) -> bytes:
    """A tiny XLSX with a header row and one cell far below and to the right, so that its
    <dimension> says A1:BH<last_row> although it holds almost nothing."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PLAN_HEADINGS)
    sheet.cell(row=last_row, column=60, value="x")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def empty_rows_csv(rows: int = 85_000) -> bytes:
    return (",".join(PLAN_HEADINGS) + "\r\n" + ("," * 59 + "\r\n") * rows).encode()


def peak_bytes_while(read):
    tracemalloc.start()
    try:
        with pytest.raises(parsing.SpreadsheetError) as refused:
            read()
        return tracemalloc.get_traced_memory()[1], str(refused.value)
    finally:
        tracemalloc.stop()


def test_it_refuses_an_xlsx_that_only_declares_150000_rows_with_bounded_memory():
    content = declared_dimension_xlsx()
    assert len(content) < 10_000
    peak, message = peak_bytes_while(lambda: parsing.read_sheet(content, "plan.xlsx"))
    assert "more than 5,000 rows, counting blank ones" in message
    assert peak < MEMORY_BOUND, f"{peak / 2**20:.0f} MiB"


def test_it_refuses_a_5_mb_csv_of_85000_empty_rows_with_bounded_memory():
    content = empty_rows_csv()
    assert len(content) < parsing.MAX_FILE_BYTES
    peak, message = peak_bytes_while(lambda: parsing.read_sheet(content, "plan.csv"))
    assert "more than 5,000 rows, counting blank ones" in message
    assert peak < MEMORY_BOUND + len(content) * 4, f"{peak / 2**20:.0f} MiB"


def test_a_plan_with_blank_formatted_rows_under_it_is_still_read():
    rows = [PLAN_HEADINGS, ["1", "R1.1", "Appoint an OD lead"], *[[""] * 12] * 3000]
    rows.append(["2", "R2.1", "Publish the plan"])
    for content, name in ((xlsx_bytes(rows), "plan.xlsx"), (csv_bytes(rows), "plan.csv")):
        sheet = parsing.read_sheet(content, name)
        assert [row.text("reference") for row in sheet.rows] == ["R1.1", "R2.1"]
        assert sheet.rows[-1].number == 3003  # row numbers still as the spreadsheet shows them


def test_it_refuses_a_csv_with_a_nul_byte_anywhere():
    rows = [PLAN_HEADINGS, *[["1", f"R1.{n}", "An action"] for n in range(300)]]
    content = csv_bytes(rows)
    assert len(content) > 4096
    content = content[:-20] + b"\x00" + content[-20:]
    nul_on_line_301 = r"NUL character \(a zero byte\) on line 301"
    with pytest.raises(parsing.SpreadsheetError, match=nul_on_line_301):
        parsing.read_sheet(content, "plan.csv")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_it_reads_a_utf16_csv_as_excel_saves_unicode_text(encoding):
    rows = [PLAN_HEADINGS, ["1", "R1.1", "Café – £5k"]]
    content = csv_bytes(rows, encoding=encoding, delimiter="\t")
    assert content.startswith(codecs.BOM_UTF16) == (encoding == "utf-16")
    sheet = parsing.read_sheet(content, "plan.txt")
    assert sheet.rows[0].text("description") == "Café – £5k"


def test_a_damaged_utf16_csv_is_refused_saying_it_is_utf16():
    content = codecs.BOM_UTF16_LE + "Rec\tRef\tAction\r\n".encode("utf-16-le") + b"\x00\xd8"
    with pytest.raises(parsing.SpreadsheetError, match="saved as UTF-16"):
        parsing.read_sheet(content, "plan.csv")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (declared_dimension_xlsx(), "plan.xlsx", "more than 5,000 rows, counting blank ones"),
        (empty_rows_csv(), "plan.csv", "more than 5,000 rows, counting blank ones"),
        (csv_bytes([PLAN_HEADINGS]) + b"1,R1.1,\x00", "plan.csv", "NUL character"),
    ],
)
def test_the_upload_page_refuses_such_files_with_a_message_and_keeps_nothing(
    client, plan_setup, content, name, message
):
    client.force_login(plan_setup.performance)
    response = client.post(
        "/imports/",
        {
            "kind": ImportKind.ACTION_PLAN,
            "review": plan_setup.review.pk,
            "file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
