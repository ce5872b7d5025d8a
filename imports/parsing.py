"""Reading the spreadsheets councils keep their action plans in, as people actually fill them in.

Everything here is pure: bytes in, cells and problems out; nothing touches the database. XLSX goes
through openpyxl (with defusedxml installed, so XML bombs are refused) and formulas are never
calculated: a formula cell gives the value Excel saved with it, or a problem when there is none.
CSV goes through the standard library."""

from __future__ import annotations

import calendar
import codecs
import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field

from actions.choices import ActionStatus
from tracker.exports import FORMULA_TRIGGERS as FORMULA_PREFIXES
from tracker.exports import neutralise  # noqa: F401 (the one rule, kept importable from here)
from tracker.quarters import FinancialQuarter
from tracker.text import normalise_text

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024  # a 5 MB XLSX of plain text unzips to well under this
MAX_ROWS = 2000
MAX_ROWS_READ = 5000  # rows read, blank ones included: room for blank formatted rows under a table
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10  # published plans often have a title or two above the header row

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected XLSX
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why in the user's words."""


# One place for every way a column heading is written. Keys are the fields the importer knows;
# headings are compared after ``header_key`` (lower case, '%' read as 'percent', no punctuation).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "review": ("Review", "Peer review"),
    "recommendation": (
        "Recommendation",
        "Rec",
        "Rec no",
        "Rec number",
        "Rec ref",
        "Recommendation no",
        "Recommendation number",
        "Recommendation ref",
        "Key recommendation",
        "Recommendation No.",
        "Recommendations",
        "Original recommendation",
        "Original recommendations",
        "Key recommendations",
        "Peer recommendation",
        "Peer team recommendation",
        "LGA recommendation",
        "CPC recommendation",
        "Peer challenge recommendation",
        "Formal recommendation",
    ),
    # A progress review's numbered suggestions, answered beside the original recommendations.
    "suggestion": (
        "Peer team suggestion",
        "Peer team suggestions",
        "Peer suggestion",
        "Peer suggestions",
        "Suggestion",
        "Suggestions",
        "Progress review suggestion",
    ),
    "reference": (
        "Ref",
        "Action ref",
        "Action reference",
        "Action no",
        "Action number",
        "Reference",
        "Action ref no",
        "Ref no",
        "Action ref number",
    ),
    "description": (
        "Action",
        "Actions",
        "Action description",
        "Description",
        "What we will do",
        "Action to be taken",
        "Proposed action",
        "Actions to be taken",
        "Action(s)",
        "Actions agreed",
        "Agreed actions",
        "Planned actions",
        "Key actions",
        "Council response",
        "Our response",
        "Response",
        "Proposed response",
    ),
    "lead_officer": (
        "Lead officer",
        "Owner",
        "Responsible officer",
        "Lead",
        "Action owner",
        "Officer",
        "Responsible",
        "Accountable officer",
        "Lead officer email",
        "Lead officer(s)",
        "Lead officers",
        "Officer lead",
        "Lead responsible officer",
        "Responsible lead",
    ),
    "directorate": ("Directorate", "Service", "Service area", "Department"),
    "portfolio": ("Portfolio", "Cabinet portfolio", "Cabinet member portfolio"),
    "start_date": ("Start date", "Start", "Start by", "Date started"),
    "target_date": (
        "Target date",
        "Timescale",
        "Timescales",
        "Deadline",
        "Due date",
        "Completion date",
        "Target completion date",
        "By when",
        "Due",
        "Target",
        "Timeline",
        "Timeframe",
        "Timescale for completion",
        "When",
    ),
    "milestones": ("Milestones", "Milestone", "Key milestones", "Milestones and dates"),
    "milestone_due": ("Milestone date", "Milestone due", "Milestone due date"),
    "status": ("Status", "RAG", "RAG status", "Current status", "Progress RAG", "RAG rating"),
    "percent": (
        "% complete",
        "Percent",
        "Percent complete",
        "Percentage complete",
        "% done",
        "Progress %",
        "Complete %",
        "Current % complete",
    ),
    "commentary": (
        "Progress update",
        "Latest update",
        "Commentary",
        "Update",
        "Progress",
        "Comments",
        "Latest progress",
        "Progress commentary",
        "Narrative",
        "Progress to date",
        "Update on progress",
        "Progress made",
    ),
    "expected_outcome": (
        "Expected outcome",
        "Success measure",
        "Success measures",
        "Outcome",
        "Expected outcome / success measure",
    ),
    "new_status": ("New status", "New RAG", "New RAG status"),
    "new_percent": ("New % complete", "New percent", "New percent complete"),
    "new_commentary": ("New commentary", "New update", "New progress update"),
    "action_id": ("Tracker action ID",),
    "last_update_id": ("Last update ID",),
}
FIELD_LABELS = {
    "review": "Review", "recommendation": "Recommendation",
    "suggestion": "Peer team suggestion", "reference": "Action ref",
    "description": "Action", "lead_officer": "Lead officer", "directorate": "Directorate",
    "portfolio": "Cabinet portfolio", "start_date": "Start date", "target_date": "Target date",
    "milestones": "Milestones", "milestone_due": "Milestone date", "status": "Status",
    "percent": "% complete", "commentary": "Latest update", "expected_outcome": "Expected outcome",
    "new_status": "New status", "new_percent": "New % complete",
    "new_commentary": "New commentary", "action_id": "Tracker action ID",
    "last_update_id": "Last update ID", "timescale_note": "Timescale",
}  # fmt: skip


def header_key(text) -> str:
    text = str(text or "").lower().replace("%", " percent ").replace("&", " and ")
    return _NOT_ALPHANUMERIC.sub("", text)


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


_HEADER_LOOKUP = {
    header_key(synonym): name
    for name, synonyms in HEADER_SYNONYMS.items()
    for synonym in (*synonyms, FIELD_LABELS[name])
}
# Longest first, for headings that start with a known one ("Lead officer / Cabinet member").
_HEADER_PREFIXES = sorted(
    ((key, name) for key, name in _HEADER_LOOKUP.items() if len(key) >= 6),
    key=lambda item: -len(item[0]),
)


def header_field(heading) -> tuple[str | None, bool]:
    """The field a heading names and whether it named it exactly (False: it starts with a known
    heading, so it gives way to an exact one and is never a clash)."""
    key = header_key(heading)
    if not key:
        return None, False
    if name := _HEADER_LOOKUP.get(key):
        return name, True
    for prefix, name in _HEADER_PREFIXES:
        if key.startswith(prefix):
            return name, False
    return None, False


# Status words as plans write them, RAG colours included. Keys go through ``header_key``.
STATUS_WORDS: dict[str, ActionStatus] = {
    **{header_key(s.label): s for s in ActionStatus},
    **{header_key(s.value): s for s in ActionStatus},
    "notstarted": ActionStatus.NOT_STARTED, "notyetstarted": ActionStatus.NOT_STARTED,
    "grey": ActionStatus.NOT_STARTED, "gray": ActionStatus.NOT_STARTED,
    "green": ActionStatus.ON_TRACK, "g": ActionStatus.ON_TRACK, "ontrack": ActionStatus.ON_TRACK,
    "inprogress": ActionStatus.ON_TRACK,
    "amber": ActionStatus.AT_RISK, "a": ActionStatus.AT_RISK, "atrisk": ActionStatus.AT_RISK,
    "someslippage": ActionStatus.AT_RISK,
    "red": ActionStatus.OFF_TRACK, "r": ActionStatus.OFF_TRACK,
    "offtrack": ActionStatus.OFF_TRACK, "delayed": ActionStatus.OFF_TRACK,
    "complete": ActionStatus.COMPLETE, "completed": ActionStatus.COMPLETE,
    "blue": ActionStatus.COMPLETE, "b": ActionStatus.COMPLETE, "done": ActionStatus.COMPLETE,
    "achieved": ActionStatus.COMPLETE,
    "closed": ActionStatus.CLOSED, "superseded": ActionStatus.CLOSED,
    "closedsuperseded": ActionStatus.CLOSED,
}  # fmt: skip
_NO_DATE_WORDS = {"", "ongoing", "tbc", "tbd", "na", "none", "notapplicable"}


@dataclass
class Cell:
    """A cell's value and, for XLSX, whether it held a formula (``formula`` is its text)."""

    value: object
    formula: str = ""


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"Row {self.row}" if self.row else "", self.column) if p)
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it, header row included
    cells: dict[str, Cell]

    def value(self, name: str):
        cell = self.cells.get(name)
        return None if cell is None else cell.value

    def text(self, name: str) -> str:
        return cell_text(self.value(name))


@dataclass
class Sheet:
    """The rows of a spreadsheet keyed by field name, with what was noticed while reading."""

    headers: dict[str, str] = field(default_factory=dict)  # field name -> heading as written
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # headings of columns nobody reads

    def heading(self, name: str) -> str:
        return self.headers.get(name, FIELD_LABELS[name])

    def to_json(self) -> dict | None:
        """The sheet as JSON, so that confirming an import plans from what the preview read
        instead of reading the file again; None when a cell holds something JSON (or
        PostgreSQL's jsonb) cannot give back exactly, and the file must be read again."""
        try:
            # Pairs, not objects: jsonb keeps no key order, and the columns' order is the file's.
            rows = [
                [row.number, [[name, _cell_json(cell)] for name, cell in row.cells.items()]]
                for row in self.rows
            ]
        except _NotStorable:
            return None
        return {
            "format": SHEET_FORMAT,
            "headers": list(self.headers.items()),
            "rows": rows,
            "problems": [problem.as_dict() for problem in self.problems],
            "notes": self.notes,
            "ignored": self.ignored,
        }

    @classmethod
    def from_json(cls, data: dict) -> Sheet | None:
        """The sheet ``to_json`` stored, or None for another format (read the file again)."""
        if data.get("format") != SHEET_FORMAT:
            return None
        return cls(
            headers=dict(data["headers"]),
            rows=[
                Row(number, {name: _cell_from_json(cell) for name, cell in cells})
                for number, cells in data["rows"]
            ],
            problems=[Problem(**problem) for problem in data["problems"]],
            notes=data["notes"],
            ignored=data["ignored"],
        )


SHEET_FORMAT = 1  # moves on whenever the stored shape of a Sheet changes


class _NotStorable(Exception):
    pass


def _cell_json(cell: Cell):
    """A cell's value as JSON: text as itself, anything else tagged with its type (so 5.0 stays
    a float, a datetime a datetime); ``[value, formula]`` for a formula cell."""
    value = cell.value
    if value is None:
        encoded = None
    elif isinstance(value, str):
        if "\x00" in value or (not value.isprintable() and _has_surrogates(value)):
            raise _NotStorable  # jsonb refuses both
        encoded = value
    elif isinstance(value, bool):
        encoded = {"b": value}
    elif isinstance(value, int):
        encoded = {"i": value}
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _NotStorable
        encoded = {"f": value}
    elif isinstance(value, dt.datetime):
        encoded = {"dt": value.isoformat()}
    elif isinstance(value, dt.date):
        encoded = {"d": value.isoformat()}
    elif isinstance(value, dt.time):
        encoded = {"t": value.isoformat()}
    elif isinstance(value, dt.timedelta):
        encoded = {"td": [value.days, value.seconds, value.microseconds]}
    else:
        raise _NotStorable
    return [encoded, cell.formula] if cell.formula else encoded


def _cell_from_json(data) -> Cell:
    if isinstance(data, list):
        return Cell(_value_from_json(data[0]), data[1])
    return Cell(_value_from_json(data))


def _value_from_json(data):
    if data is None or isinstance(data, str):
        return data
    ((tag, value),) = data.items()
    if tag == "b":
        return bool(value)
    if tag == "i":
        return int(value)
    if tag == "f":
        return float(value)
    if tag == "dt":
        return dt.datetime.fromisoformat(value)
    if tag == "d":
        return dt.date.fromisoformat(value)
    if tag == "t":
        return dt.time.fromisoformat(value)
    return dt.timedelta(*value)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def cell_text(value) -> str:
    """A cell as text, with the quote exports put before formula-like text taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        text = text[1:].strip()  # a quoted tab is space like any other once the quote is off
    return text


# --- Reading files -------------------------------------------------------------------------------


def read_sheet(content: bytes, filename: str = "") -> Sheet:
    """Read the first worksheet of an XLSX file or a CSV file into a ``Sheet``.

    The content decides the format, not the name: a PDF renamed .xlsx is refused."""
    if len(content) > MAX_FILE_BYTES:
        raise SpreadsheetError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB. "
            "Split it, or remove pictures and other sheets."
        )
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    if content.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            "The file is password-protected or an old-style .xls workbook. Save it from Excel "
            "as an Excel Workbook (.xlsx) without a password, or as CSV, and upload it again."
        )
    if content.startswith(_ZIP_MAGIC):
        return _sheet_from_grid(_xlsx_grid(content))
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or not _looks_like_text(content):
        raise SpreadsheetError(
            "The file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."
        )
    return _sheet_from_grid(_csv_grid(content))


def _looks_like_text(content: bytes) -> bool:
    sample = content[:4096]
    if sample.startswith(_UTF16_BOMS) or _looks_like_utf16(sample):
        return True  # its NUL bytes are the high halves of ordinary characters
    # A stray NUL in text is refused later with its line number; many of them mean binary.
    binary = sample.count(0) > max(2, len(sample) // 100)
    return not binary and not sample.startswith((b"%PDF", b"\x89PNG", b"GIF8"))


def _looks_like_utf16(sample: bytes) -> bool:
    """UTF-16 without a byte-order mark: text in Latin letters is every other byte NUL."""
    pairs = len(sample) // 2
    return pairs >= 8 and max(sample[0::2].count(0), sample[1::2].count(0)) > pairs * 0.9


def _row_limit_reached(rows_read: int) -> bool:
    # Every row read counts, blank or not: a file that only declares 150,000 rows, or holds
    # 87,000 empty ones, is refused after reading MAX_ROWS_READ of them, not all.
    return rows_read > MAX_ROWS_READ


def _too_many_rows_read() -> str:
    return (
        f"The sheet has more than {MAX_ROWS_READ:,} rows, counting blank ones. Delete the empty "
        f"rows below your table, or split it into files of at most {MAX_ROWS:,} rows."
    )


def _xlsx_grid(content: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook  # imported here: only uploads and exports need it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise SpreadsheetError(
                    "The file is a zip archive but not an Excel workbook. "
                    "Upload an Excel workbook (.xlsx) or a CSV file."
                )
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError("The Excel file is damaged and cannot be opened.") from exc
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SpreadsheetError("The workbook is too large once unpacked; split it into parts.")
    try:
        # Two passes over the same bytes: one for the values Excel saved, one to learn which
        # cells were formulas. Neither calculates anything. Most plans hold no formula at all,
        # and then the second pass (half the reading time) is skipped.
        values = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        value_rows = _worksheet_rows(values, _xlsx_value)
        formula_rows = []
        if _has_formulas(content):
            formulas = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            formula_rows = _worksheet_rows(formulas, _xlsx_formula)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(
            "The Excel file could not be read. Open it in Excel, save it as an Excel Workbook "
            "(.xlsx) and try again."
        ) from exc
    grid = []
    formula_rows += [()] * max(0, len(value_rows) - len(formula_rows))
    for value_row, formula_row in zip(value_rows, formula_rows, strict=False):
        padded = formula_row + (None,) * max(0, len(value_row) - len(formula_row))
        grid.append(
            [Cell(value=v, formula=f or "") for v, f in zip(value_row, padded, strict=False)]
        )
    return grid


_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet holds a formula element (its size was checked already)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return any(
            _FORMULA_ELEMENT.search(archive.read(name))
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _worksheet_rows(workbook, read_cell) -> list[tuple]:
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise SpreadsheetError("The workbook has no visible worksheet.")
    worksheet = visible[0]
    # The <dimension> a file declares is not trusted: openpyxl would pad every row to its width
    # and add every row up to its height. Without it, rows are as long as their last cell.
    worksheet.reset_dimensions()
    rows, filled = [], 0
    for row in worksheet.iter_rows():
        if _row_limit_reached(len(rows) + 1):
            raise SpreadsheetError(_too_many_rows_read())
        if len(row) > MAX_COLUMNS and any(c.value is not None for c in row[MAX_COLUMNS:]):
            raise SpreadsheetError(f"The sheet has more than {MAX_COLUMNS} columns.")
        values = tuple(read_cell(cell) for cell in row[:MAX_COLUMNS])
        if all(v in (None, "") for v in values):
            values = ()  # a blank row keeps its place (row numbers) but holds nothing
        rows.append(values)
        filled += bool(values)
        if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise SpreadsheetError(_too_many_rows())
    workbook.close()
    return rows


def _xlsx_formula(cell) -> str | None:
    value = getattr(cell, "value", None)
    return value if getattr(cell, "data_type", None) == "f" and isinstance(value, str) else None


def _xlsx_value(cell):
    value = getattr(cell, "value", None)
    if isinstance(value, str):
        return normalise_text(value)
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", "") or "")
    ):
        return f"{round(value * 100, 2):g}%"  # a cell formatted as 50% holds 0.5
    return value


def _too_many_rows() -> str:
    return f"The sheet has more than {MAX_ROWS:,} rows. Split it into smaller files."


def _csv_text(content: bytes) -> str:
    """The CSV's text: UTF-8 (with or without a byte-order mark), UTF-16 as Excel's "Unicode
    Text" saves it, or Windows-1252. A NUL character anywhere is refused: it is never part of
    a real CSV, and PostgreSQL cannot store it."""
    if content.startswith(_UTF16_BOMS) or _looks_like_utf16(content[:4096]):
        try:
            if content.startswith(_UTF16_BOMS):
                text = content.decode("utf-16")
            else:
                text = content.decode("utf-16-le" if content[1:2] == b"\x00" else "utf-16-be")
        except UnicodeDecodeError:
            raise SpreadsheetError(
                "The CSV file is saved as UTF-16 (Excel's 'Unicode Text') but its characters "
                "could not be read. Save it from Excel as 'CSV UTF-8 (Comma delimited)' and "
                "upload it again."
            ) from None
    else:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SpreadsheetError(
                "The CSV file's characters could not be read. Save it from Excel as "
                "'CSV UTF-8 (Comma delimited)' and upload it again."
            )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SpreadsheetError(
            f"The file has a NUL character (a zero byte) on line {line:,}, so it is not a plain "
            "CSV file. Save it from Excel as 'CSV UTF-8 (Comma delimited)' and upload it again."
        )
    return text


def _csv_grid(content: bytes) -> list[list[Cell]]:
    text = _csv_text(content)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        # The sniffer gives up when rows differ in length; the heading row's separator decides.
        heading = text[:8192].split("\n", 1)[0]
        delimiter = max(",;\t", key=heading.count)
        dialect = type("HeadingDialect", (csv.excel,), {"delimiter": delimiter})
    grid, filled = [], 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), dialect):
            if _row_limit_reached(len(grid) + 1):
                raise SpreadsheetError(_too_many_rows_read())
            if len(record) > MAX_COLUMNS and any(v.strip() for v in record[MAX_COLUMNS:]):
                raise SpreadsheetError(f"The file has more than {MAX_COLUMNS} columns.")
            if not any(value.strip() for value in record):
                grid.append([])  # a blank row keeps its place (row numbers) but holds nothing
                continue
            grid.append([Cell(value=normalise_text(value)) for value in record[:MAX_COLUMNS]])
            filled += 1
            if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise SpreadsheetError(_too_many_rows())
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file is malformed: {exc}.") from exc
    return grid


def _sheet_from_grid(grid: list[list[Cell]]) -> Sheet:
    sheet = Sheet()
    header_index = _find_header_row(grid)
    if header_index is None:
        raise SpreadsheetError(
            f"No header row found: none of the first {HEADER_SEARCH_ROWS} rows names the "
            "columns. Put a row of "
            "headings above the plan, such as 'Recommendation', 'Action', 'Lead officer' and "
            "'Timescale'."
        )
    columns: dict[int, str] = {}
    loose: list[tuple[int, str, str]] = []
    for index, cell in enumerate(grid[header_index]):
        heading = cell_text(cell.value)
        if not heading:
            continue
        name, exact = header_field(heading)
        if name is not None and not exact:
            loose.append((index, heading, name))
        elif name is None:
            sheet.ignored.append(heading)
            sheet.notes.append(f"Column '{heading}' is not one the tracker reads; it is ignored.")
        elif name in sheet.headers:
            sheet.problems.append(
                Problem(
                    header_index + 1,
                    heading,
                    f"This column and '{sheet.headers[name]}' both look like "
                    f"'{FIELD_LABELS[name]}'. Rename or remove one of them.",
                )
            )
        else:
            sheet.headers[name] = heading
            columns[index] = name
    for index, heading, name in loose:
        if name in sheet.headers:
            sheet.ignored.append(heading)
            sheet.notes.append(
                f"Column '{heading}' is not one the tracker reads ('{sheet.headers[name]}' "
                f"is its {FIELD_LABELS[name]}); it is ignored."
            )
        else:
            sheet.headers[name] = heading
            columns[index] = name
            sheet.notes.append(f"Column '{heading}' is read as '{FIELD_LABELS[name]}'.")
    for offset, record in enumerate(grid[header_index + 1 :], start=header_index + 2):
        cells = {name: record[i] for i, name in columns.items() if i < len(record)}
        if not any(cell_text(c.value) or c.formula for c in cells.values()):
            continue
        for name, cell in cells.items():
            if cell.formula and cell.value is None:
                sheet.problems.append(
                    Problem(
                        offset,
                        sheet.headers[name],
                        f"The formula {cell.formula[:60]} has no saved value, and the tracker "
                        "never calculates formulas. Type the value instead.",
                    )
                )
            elif cell.formula:
                sheet.notes.append(
                    f"Row {offset}, {sheet.headers[name]}: the formula {cell.formula[:60]} was "
                    f"read as the value Excel saved, '{cell_text(cell.value)[:60]}'."
                )
        sheet.rows.append(Row(number=offset, cells=cells))
    if len(sheet.rows) > MAX_ROWS:
        raise SpreadsheetError(_too_many_rows())
    return sheet


def _find_header_row(grid: list[list[Cell]]) -> int | None:
    """The top row that names the most columns the tracker knows (at least two), exact
    headings counting above loose ones; the earliest wins a tie. A title such as "Action plan"
    above the table names one at most, so it never beats the real header row."""
    best, best_score = None, 0.0
    for index, record in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found: dict[str, float] = {}
        for cell in record:
            text = cell_text(cell.value)
            if not text or len(text) > 80:  # a heading is short; a long cell is a title or data
                continue
            name, exact = header_field(text)
            if name is not None:
                found[name] = max(found.get(name, 0.0), 1.0 if exact else 0.6)
        score = sum(found.values())
        if len(found) >= 2 and score > best_score:
            best, best_score = index, score
    return best


# --- Reading values ------------------------------------------------------------------------------

DASH = "\u2013"  # the en dash exports put between a milestone and its date
_DASHES = " ,;\u2013\u2014-"
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_SPACES = re.compile(r"\s+")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b")
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+")
_SERIAL = re.compile(r"\d{5}(\.0+)?")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[\s\-]+([a-z]+)\.?[\s\-,]+(\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-,]+(\d{4})$")
_QUARTER_FIRST = re.compile(
    r"^(?:q|quarter)\s*([1-4])[\s,]+(?:fy\s*)?(\d{4})\s*[/\-]\s*(\d{2}|\d{4})$"
)
_QUARTER_LAST = re.compile(
    r"^(?:fy\s*)?(\d{4})\s*[/\-]\s*(\d{2}|\d{4})[\s,]+(?:q|quarter)\s*([1-4])$"
)
_EXCEL_SERIALS = range(20000, 80000)  # 1954 to 2119: a plausible plan date typed as a number


def parse_date(value) -> dt.date | None:
    """A date as people type it in a plan; None for an empty cell or 'Ongoing'/'TBC'.

    Day first, always (UK). 'March 2024' is its last day; 'Q4 2023/24' the quarter's last day.
    Raises ValueError with a message that quotes the value when it is not a real date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    text = cell_text(value)
    cleaned = _SPACES.sub(" ", text.lower()).strip().rstrip(".")
    if header_key(cleaned) in _NO_DATE_WORDS:
        return None
    cleaned = _ORDINAL.sub(r"\1", cleaned)
    cleaned = _WEEKDAY.sub("", cleaned)
    try:
        if _SERIAL.fullmatch(cleaned):
            return _from_serial(float(cleaned))
        if match := _NUMERIC_DATE.match(cleaned):
            first, second, third = match.groups()
            if len(first) == 4:  # 2024-03-31
                return dt.date(int(first), int(second), int(third))
            return dt.date(_full_year(third), int(second), int(first))
        if cleaned.endswith(" 00:00:00"):  # a date cell saved into a CSV by some tools
            return dt.date.fromisoformat(cleaned[:10])
        if match := _DAY_MONTH_YEAR.match(cleaned):
            day, month, year = match.groups()
            return dt.date(_full_year(year), _MONTHS[month], int(day))
        if match := _MONTH_YEAR.match(cleaned):
            month, year = _MONTHS[match[1]], int(match[2])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if match := _QUARTER_FIRST.match(cleaned):
            return _quarter_end(match[2], match[3], match[1])
        if match := _QUARTER_LAST.match(cleaned):
            return _quarter_end(match[1], match[2], match[3])
    except (KeyError, ValueError):
        pass
    raise ValueError(f"'{text}' is not a date. Write it as 31/03/2024, March 2024 or Q4 2023/24.")


def _from_serial(number: float) -> dt.date:
    from openpyxl.utils.datetime import from_excel

    if int(number) not in _EXCEL_SERIALS:
        raise ValueError(f"'{number:g}' is not a date. Write it as 31/03/2024.")
    return from_excel(number).date()


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year
    if len(text) != 4:
        raise ValueError(text)
    return year


def _quarter_end(start: str, end: str, number: str) -> dt.date:
    return FinancialQuarter.parse(f"{start}/{end[-2:]} Q{number}").end


def parse_status(value) -> ActionStatus | None:
    """A status or RAG word ('Green', 'Amber', 'Completed', 'On track (Green)'); None if empty."""
    text = cell_text(value)
    if not text:
        return None
    for candidate in (text, re.sub(r"\(.*?\)", "", text)):
        if (status := STATUS_WORDS.get(header_key(candidate))) is not None:
            return status
    words = ", ".join(s.label for s in ActionStatus)
    raise ValueError(f"'{text}' is not a status. Use one of: {words}, or Red, Amber, Green.")


def parse_percent(value) -> int | None:
    """0 to 100 from '50', '50%', 50.0 or a cell formatted as a percentage; None if empty."""
    text = cell_text(value)
    if not text:
        return None
    try:
        number = float(text.rstrip("%").strip())
    except ValueError:
        raise ValueError(
            f"'{text}' is not a percentage. Write a whole number from 0 to 100."
        ) from None
    if not 0 <= number <= 100:
        raise ValueError(f"'{text}' is not between 0 and 100.")
    return round(number)


def parse_recommendation_number(value) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    match = re.fullmatch(r"(?:r|rec|recommendation)?\s*\.?\s*(\d{1,3})", text.lower())
    if not match or int(match[1]) < 1:
        raise ValueError(f"'{text}' is not a recommendation number such as 8 or R8.")
    return int(match[1])


@dataclass(frozen=True)
class MilestoneText:
    title: str
    due_date: dt.date
    completed_on: dt.date | None = None

    def as_line(self) -> str:
        """How exports write a milestone; ``parse_milestones`` reads it back."""
        line = f"{self.title} {DASH} {self.due_date:%d/%m/%Y}"
        if self.completed_on:
            line += f" (completed {self.completed_on:%d/%m/%Y})"
        return line


_BULLET = re.compile(r"^\s*(?:[-•*▪·]|\d{1,2}[.)])\s+")
_COMPLETED = re.compile(r"\s*\((?:completed|done|met)\s*:?\s*([^)]*)\)\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s+[\u2013\u2014-]\s+|\s*:\s+|\s*\|\s*")


def parse_milestones(value, due_value=None) -> list[MilestoneText]:
    """Milestones from one cell: a line each, 'Title - 30/06/2024' (any dash) or
    '30/06/2024 Title', with an optional '(completed 12/06/2024)'. ``due_value`` is a separate
    due-date cell, if any."""
    text = cell_text(value)
    if not text:
        if cell_text(due_value):
            raise ValueError("There is a milestone date but no milestone.")
        return []
    lines = [line for line in text.split("\n") if line.strip()]
    if due_value not in (None, "") and len(lines) == 1:
        due = parse_date(due_value)
        if due is None:
            raise ValueError(f"Milestone '{lines[0].strip()}' needs a due date.")
        return [MilestoneText(_BULLET.sub("", lines[0]).strip(), due)]
    return [_milestone_from_line(_BULLET.sub("", line).strip()) for line in lines]


def _date_and_title_candidates(line: str):
    """The ways a milestone line may split into (date, title), most likely first; made one at
    a time, as the first that reads as a date wins."""
    parts = _SEPARATOR.split(line)
    if len(parts) > 1:
        joiner = f" {DASH} "
        yield parts[-1], joiner.join(parts[:-1])
        yield parts[0], joiner.join(parts[1:])
    if match := _BRACKETED_DATE.match(line):
        yield match[2], match[1]
    words = line.split()
    for size in (4, 3, 2, 1):
        if len(words) > size:
            yield " ".join(words[:size]), " ".join(words[size:])
            yield " ".join(words[-size:]), " ".join(words[:-size])


_BRACKETED_DATE = re.compile(r"^(.*?)\s*\(([^()]+)\)$")


def _milestone_from_line(line: str) -> MilestoneText:
    completed_on = None
    if match := _COMPLETED.search(line):
        completed_on = parse_date(match[1])
        line = line[: match.start()].strip()
    for date_text, title in _date_and_title_candidates(line):
        try:
            due = parse_date(date_text.strip(_DASHES))
        except ValueError:
            continue
        title = title.strip(_DASHES + ":")
        if due and title:
            if len(title) > 300:
                raise ValueError(f"Milestone '{title[:40]}…' is longer than 300 characters.")
            return MilestoneText(title, due, completed_on)
    raise ValueError(
        f"Milestone '{line[:80]}' has no due date. Write it as 'Title {DASH} 30/06/2024', "
        "one milestone per line."
    )


# --- Reading cells of published plans ------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationCell:
    """What a recommendation cell says: a number ('R1', '1.', 'Suggestion 2'), words, or both
    (the number may be on the line above), and whether it names a suggestion."""

    number: int | None
    words: str
    suggestion: bool = False


_RECOMMENDATION_CELL = re.compile(
    r"^\s*(?P<prefix>(?:formal\s+|key\s+|additional\s+)?(?:recommendation|rec|suggestion)s?"
    r"(?:\s+no)?|[rs])?\s*\.?\s*(?P<number>\d{1,3})(?![\d.,/%]\d|\d)"
    r"[ \t]*(?P<separator>[.:)\u2013\u2014-]|\n|$)?\s*(?P<words>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def parse_recommendation_cell(value) -> RecommendationCell | None:
    """'R1: Develop a …', '1.', '3', '1\\nDevelop a …', 'Suggestion 2 - …' or just the words;
    None for an empty cell. A bare number must be followed by a separator ('1.', '1:', a new
    line) before words, so text that merely starts with a number stays words."""
    text = cell_text(value)
    if not text:
        return None
    match = _RECOMMENDATION_CELL.match(text)
    if match and (match["prefix"] or match["separator"] is not None):
        prefix = (match["prefix"] or "").lower()
        words = match["words"].strip()
        if match["prefix"] or match["separator"] or not words:
            suggestion = prefix.startswith(("s", "additional"))
            return RecommendationCell(int(match["number"]), words, suggestion)
    return RecommendationCell(None, text, False)


# A line starting a new item: a bullet, a dash, "1.", "1)", "(a)" or "a)".
_ITEM_BULLET = re.compile(
    r"^\s*(?:[•*▪·◦●‣]\s*|[-\u2013\u2014]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)", re.IGNORECASE
)


def split_items(value) -> tuple[list[str], bool]:
    """A cell's items and whether they were bulleted. Bulleted lines start items (unbulleted
    lines continue the item above); without bullets each non-empty line is an item."""
    text = cell_text(value)
    if not text:
        return [], False
    lines = [line for line in text.split("\n") if line.strip()]
    bulleted = sum(bool(_ITEM_BULLET.match(line)) for line in lines)
    if bulleted and (bulleted >= 2 or len(lines) == 1):
        items: list[str] = []
        for line in lines:
            if _ITEM_BULLET.match(line) or not items:
                items.append(_ITEM_BULLET.sub("", line, count=1).strip())
            else:
                items[-1] += "\n" + line.strip()
        return [item for item in items if item], True
    return [line.strip() for line in lines], False


@dataclass(frozen=True)
class Timescale:
    """A timescale cell read as published plans write it: a target date, a status word
    ('Complete'), or words kept as a note ('Ongoing', 'July 2023 and ongoing', a
    cross-reference such as 'To be addressed through 2, above')."""

    target: dt.date | None = None
    status: ActionStatus | None = None
    note: str = ""


_ONGOING_WORDS = {
    "ongoing", "ongoingandcontinuous", "continuous", "businessasusual", "bau", "continual",
    "quarterly", "monthly", "annually", "annual", "yearly", "asrequired", "rolling",
}  # fmt: skip
_AND_ONGOING = re.compile(
    r"^(?P<date>.+?)\s*(?:,|;|\band\b|&|\bthen\b|\u2013|\u2014|-)?\s*"
    r"(?:\(?\s*(?:ongoing|onwards|and\s+ongoing|then\s+ongoing|continuing)\s*\)?)\.?$",
    re.IGNORECASE,
)
_FROM_ONWARDS = re.compile(r"^(?:from|starting)\s+(?P<date>.+?)(?:\s+onwards)?\.?$", re.IGNORECASE)
_CROSS_REFERENCE = re.compile(
    r"\b(?:above|below|see\s+(?:action|recommendation|r\d|\d)|as\s+(?:per\s+)?"
    r"(?:action|recommendation)|(?:addressed|covered|picked\s+up|delivered|met|included)\s+"
    r"(?:through|by|under|in|within|as\s+part\s+of))\b",
    re.IGNORECASE,
)
_DONE_PREFIX = re.compile(
    r"^(?P<word>complete|completed|done|achieved)\b[\s,:;()\u2013\u2014-]*(?P<rest>.*?)\)?$",
    re.IGNORECASE,
)


def is_cross_reference(text: str) -> bool:
    """Words that point at another part of the plan ('To be addressed through 2, above')."""
    return bool(_CROSS_REFERENCE.search(text))


def parse_timescale(value) -> Timescale:
    """Read a timescale cell; raises ValueError (quoting it) when it is none of the forms."""
    if not isinstance(value, str):
        return Timescale(target=parse_date(value))
    text = cell_text(value)
    key = header_key(text)
    if key in _NO_DATE_WORDS - {"ongoing"}:
        return Timescale()
    if key in _ONGOING_WORDS:
        return Timescale(note=text)
    if (status := STATUS_WORDS.get(key)) is not None:
        return Timescale(status=status)
    if is_cross_reference(text):
        return Timescale(note=text)
    if match := _DONE_PREFIX.match(text):
        rest = match["rest"].strip()
        try:
            day = parse_date(rest) if rest else None
        except ValueError:
            day = None
        if day is not None or not rest:
            return Timescale(status=ActionStatus.COMPLETE, target=day)
    for pattern in (_AND_ONGOING, _FROM_ONWARDS):
        if match := pattern.match(text):
            try:
                day = parse_date(match["date"].strip(_DASHES))
            except ValueError:
                continue
            if day is not None:
                return Timescale(target=day, note=text)
    return Timescale(target=parse_date(text))
