"""Spreadsheets the tracker hands out: the action plan (XLSX or CSV, which imports back to the
same data) and the quarterly update sheet officers fill in and upload again.

Free text is passed through ``neutralise`` so a commentary that starts with '=' is shown as text
by Excel instead of being run as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db.models import OuterRef, QuerySet, Subquery

from actions.choices import ActionStatus
from actions.models import Action, ProgressUpdate
from imports.parsing import FIELD_LABELS, MilestoneText
from tracker.exports import neutralise

PLAN_COLUMNS = [
    "recommendation", "reference", "description", "lead_officer", "directorate", "portfolio",
    "start_date", "target_date", "milestones", "status", "percent", "commentary",
    "expected_outcome",
]  # fmt: skip
UPDATE_COLUMNS = [
    "review", "recommendation", "reference", "description", "lead_officer", "target_date",
    "status", "percent", "commentary", "new_status", "new_percent", "new_commentary",
    "action_id", "last_update_id",
]  # fmt: skip
UPDATE_HEADINGS = {
    "status": "Current status",
    "percent": "Current % complete",
    "commentary": "Latest update",
}
_EDITABLE = {"new_status", "new_percent", "new_commentary"}
_HIDDEN = {"action_id", "last_update_id"}
_WIDTHS = {
    "description": 60, "milestones": 45, "commentary": 60, "new_commentary": 60,
    "expected_outcome": 40, "lead_officer": 28, "directorate": 28, "portfolio": 28,
}  # fmt: skip
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def actions_for_export(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """The actions with what an export shows, in one query plus one for milestones."""
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return (
        queryset.select_related(
            "recommendation__review", "lead_officer", "directorate", "portfolio"
        )
        .prefetch_related("milestones")
        .annotate(
            latest_update_id=Subquery(latest.values("pk")[:1]),
            latest_commentary=Subquery(latest.values("commentary")[:1]),
        )
        .order_by("recommendation__review__onsite_start", "recommendation__number", "reference")
    )


def _values(action: Action) -> dict:
    lead = action.lead_officer
    return {
        "review": action.recommendation.review.slug,
        "recommendation": action.recommendation.number,
        "reference": action.reference,
        "description": action.description,
        "lead_officer": (lead.email or lead.get_full_name()) if lead else "",
        "directorate": action.directorate.name if action.directorate else "",
        "portfolio": action.portfolio.name if action.portfolio else "",
        "start_date": action.start_date,
        "target_date": action.target_date,
        "milestones": "\n".join(
            MilestoneText(m.title, m.due_date, m.completed_on).as_line()
            for m in action.milestones.all()
        ),
        "status": ActionStatus(action.status).label,
        "percent": action.percent_complete,
        "commentary": action.latest_commentary or "",
        "expected_outcome": action.expected_outcome,
        "new_status": None,
        "new_percent": None,
        "new_commentary": None,
        "action_id": action.pk,
        "last_update_id": action.latest_update_id,
    }


def action_plan_csv(actions) -> bytes:
    """The plan as CSV in UTF-8 with a byte-order mark, which Excel needs to show '£' or 'é'."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([FIELD_LABELS[name] for name in PLAN_COLUMNS])
    for action in actions:
        values = _values(action)
        writer.writerow([_csv_cell(values[name]) for name in PLAN_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value):
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else neutralise(value)


def action_plan_xlsx(actions) -> bytes:
    workbook, sheet = _workbook("Action plan")
    _write_table(sheet, PLAN_COLUMNS, [_values(action) for action in actions], {})
    return _save(workbook)


def quarterly_update_xlsx(actions, *, title: str) -> bytes:
    """The update sheet: current position, three empty columns for this quarter's update and
    two hidden, locked columns the import uses to find each action and to spot updates made in
    the tracker after the export."""
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook, sheet = _workbook("Updates")
    rows = [_values(action) for action in actions]
    _write_table(sheet, UPDATE_COLUMNS, rows, UPDATE_HEADINGS)
    last_row = max(len(rows) + 1, 2)
    statuses = ",".join(s.label.replace(",", "") for s in ActionStatus)
    status_list = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True)
    status_list.error = "Choose a status from the list."
    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    percent.error = "A whole number from 0 to 100."
    for validation in (status_list, percent):
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
    for index, name in enumerate(UPDATE_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if name in _EDITABLE:
            for row in range(2, last_row + 1):
                sheet.cell(row=row, column=index).protection = Protection(locked=False)
        if name == "new_status":
            status_list.add(f"{letter}2:{letter}{last_row}")
        if name == "new_percent":
            percent.add(f"{letter}2:{letter}{last_row}")
        if name in _HIDDEN:
            sheet.column_dimensions[letter].hidden = True
    # Locked without a password: it stops slips, not a determined person; the import checks.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False
    _help_sheet(workbook, title)
    return _save(workbook)


def _workbook(title: str):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    return workbook, sheet


def _write_table(sheet, columns: list[str], rows: list[dict], headings: dict) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="F3F2F1")
    sheet.append([headings.get(name, FIELD_LABELS[name]) for name in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, grey
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append([neutralise(values[name]) for name in columns])
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, name in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 16)
        for row in range(2, len(rows) + 2):
            cell = sheet.cell(row=row, column=index)
            cell.alignment = wrap
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # text, even if it looks like a formula
    sheet.freeze_panes = "A2"


def _help_sheet(workbook, title: str) -> None:
    sheet = workbook.create_sheet("How to fill this in")
    for line in (
        neutralise(title),
        "",
        "Fill in the three 'New' columns for each action you have news about; leave the other "
        "rows empty.",
        "New status: Not started, On track, At risk, Off track, Complete or Closed / superseded "
        "(Red, Amber, Green and Blue also work).",
        "New % complete: a whole number from 0 to 100.",
        "New commentary: what happened this quarter. At risk, Off track and Complete need one.",
        "Upload the file on the tracker's Import page. You will see a preview before anything "
        "is saved.",
        "Do not change the action references or the hidden columns: they tell the tracker which "
        "action each row is and whether it changed since this file was made.",
    ):
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
