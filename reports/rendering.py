"""Turns a report's front sheet and frozen snapshot into the HTML that is both the browser
preview and the source of the PDF (``templates/reports/pdf/cabinet_report.html``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from actions.choices import ActionStatus, Direction, Rag
from actions.progress import MilestoneState
from reports.models import FRONT_SHEET_FIELDS


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _status(value: str | None) -> dict | None:
    """A status with its RAG and words, ready for the template."""
    if not value:
        return None
    status = ActionStatus(value)
    return {"value": status.value, "label": status.label, "rag": status.rag}


def _direction(value: str | None) -> Direction | None:
    return Direction(value) if value else None


def _action(row: dict) -> dict:
    return row | {
        "status": _status(row["status"]),
        "direction": _direction(row["direction"]),
        "target_date": _date(row["target_date"]),
        "revised_target_date": _date(row.get("revised_target_date")),
        "updated_on": _date(row.get("updated_on")),
        "milestones_due": [_milestone(m) for m in row.get("milestones_due", [])],
    }


def _milestone(row: dict) -> dict:
    return row | {
        "due_date": _date(row["due_date"]),
        "completed_on": _date(row["completed_on"]),
        "state": MilestoneState(row["state"]),
    }


_FORMAT_1_MILESTONE_STATES = {"met": "met", "met late": "met_late", "not met": "overdue"}


def upgraded(snapshot: dict) -> dict:
    """A snapshot in the current format. Reports issued before format 2 were always as at
    their quarter's end, and said "met", "met late" or "not met" of a milestone."""
    if snapshot.get("format", 1) >= 2:
        return snapshot

    def milestone(row):
        return row | {"state": _FORMAT_1_MILESTONE_STATES[row["state"]]}

    def action(row):
        return row | {
            "milestones_due": [milestone(m) for m in row.get("milestones_due", [])],
            "is_stale": False,
            "revised_target_date": None,
        }

    return snapshot | {
        "format": 2,
        "as_at": snapshot["quarter"]["end"],
        "provisional": False,
        "recommendations": [
            row | {"actions": [action(a) for a in row["actions"]]}
            for row in snapshot["recommendations"]
        ],
        "overdue": [action(a) for a in snapshot["overdue"]],
        "completed": [action(a) for a in snapshot["completed"]],
        "stale": [],
        "milestones_due": [milestone(m) for m in snapshot["milestones_due"]],
    }


# WeasyPrint 70 ignores SVG ``paint-order``, so a text halo (a stroke meant to sit under the
# fill) is painted over the letters and blots them out. On paper the halo is not needed.
_TEXT_HALO = re.compile(r'(<text\b[^>]*?) stroke="[^"]*" stroke-width="[^"]*" paint-order="stroke"')


def for_print(chart):
    """The chart with the parts of its SVG that WeasyPrint cannot draw taken out."""
    # Only attributes are removed from markup the charts module escaped: it stays safe.
    return replace(chart, svg=mark_safe(_TEXT_HALO.sub(r"\1", chart.svg)))  # noqa: S308


def charts_for(snapshot: dict, *, printed: bool = True) -> list:
    """The dashboard's charts drawn from the snapshot's figures, once per report."""
    from charts import milestone_timeline, rag_by_theme, status_over_quarters

    snapshot = upgraded(snapshot)
    quarter = snapshot["quarter"]
    end = _date(quarter["end"])
    milestones = [
        {
            "title": item["title"],
            "due_date": _date(item["due_date"]),
            "completed_on": _date(item["completed_on"]),
            "action_reference": item["action"],
            "overdue": item["state"] == MilestoneState.OVERDUE,
        }
        for item in snapshot["milestones_due"]
    ]
    charts = [
        rag_by_theme([tuple(row) for row in snapshot["rag_by_theme"]]),
        status_over_quarters([tuple(row) for row in snapshot["status_over_quarters"]]),
    ]
    if milestones:
        charts.append(
            milestone_timeline(
                milestones,
                start=_date(quarter["start"]),
                end=end,
                today=_date(snapshot["as_at"]),
            )
        )
    return [for_print(chart) for chart in charts] if printed else charts


def document_context(
    *, front_sheet: dict, snapshot: dict, report=None, for_screen: bool = False
) -> dict:
    """What the report template needs: the front sheet, the snapshot in template-friendly
    shape, the charts and the status words in a fixed order."""
    snapshot = upgraded(snapshot)
    recommendations = [
        row
        | {
            "status": _status(row["status"]),
            "direction": _direction(row["direction"]),
            "actions": [_action(action) for action in row["actions"]],
        }
        for row in snapshot["recommendations"]
    ]
    for row in recommendations:
        row["milestones_due"] = [
            milestone | {"action": action["reference"]}
            for action in row["actions"]
            for milestone in action["milestones_due"]
        ]
    quarter = snapshot["quarter"] | {
        "start": _date(snapshot["quarter"]["start"]),
        "end": _date(snapshot["quarter"]["end"]),
        "previous_end": _date(snapshot["quarter"]["previous_end"]),
    }
    reviews = [
        review
        | {
            key: _date(review[key])
            for key in (
                "onsite_start",
                "onsite_end",
                "report_published",
                "action_plan_due",
                "progress_review_due",
                "next_cpc_due",
            )
        }
        for review in snapshot["reviews"]
    ]
    headline = snapshot["headline"]
    directions = snapshot["directions"]
    return {
        "front": front_sheet,
        "report": report,
        "quarter": quarter,
        "reviews": reviews,
        "headline": headline,
        "as_at": _date(snapshot["as_at"]),
        "provisional": snapshot["provisional"],
        "is_sample": snapshot.get("is_sample", False),
        "rag_rows": [
            {"rag": rag, "count": snapshot["rag_counts"].get(rag.value, 0)} for rag in Rag
        ],
        "direction_rows": [
            {
                "direction": direction,
                "actions": directions["actions"].get(direction.value, 0),
                "recommendations": directions["recommendations"].get(direction.value, 0),
            }
            for direction in Direction
        ],
        "recommendations": recommendations,
        "overdue": [_action(row) for row in snapshot["overdue"]],
        "completed": [_action(row) for row in snapshot["completed"]],
        "stale": [_action(row) for row in snapshot["stale"]],
        "milestones_due": [_milestone(row) for row in snapshot["milestones_due"]],
        "charts": charts_for(snapshot, printed=not for_screen),
        "for_screen": for_screen,
    }


def front_sheet_of(report) -> dict:
    fields = {name: getattr(report, name) for name in FRONT_SHEET_FIELDS}
    return fields | {
        "subject": report.subject,
        "summary": report.summary,
        "recommendations": report.recommendations,
        "appendices": report.appendices,
        "correction_note": report.correction_note,
        "meeting_date": report.period.meeting_date,
        "version": report.version,
        "supersedes": report.supersedes,
    }


def report_html(report, *, for_screen: bool = False) -> str:
    """The report as one self-contained HTML document (its CSS inlined)."""
    context = document_context(
        front_sheet=front_sheet_of(report),
        snapshot=report.snapshot,
        report=report,
        for_screen=for_screen,
    )
    return render_to_string("reports/pdf/cabinet_report.html", context)
