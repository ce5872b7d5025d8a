"""Turns a report's front sheet and frozen snapshot into the HTML that is both the browser
preview and the source of the PDF (``templates/reports/pdf/cabinet_report.html``)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from actions.choices import ActionStatus, Direction, Rag
from actions.progress import MilestoneState
from reports.models import FRONT_SHEET_FIELDS, core_purpose_of

# On paper a milestone chart longer than this is drawn in parts, each small enough for a page,
# because an SVG cannot break across pages (at 12 rows a part is about 190 mm tall).
MILESTONE_ROWS_PER_FIGURE = 12
COMMENTARY_WORDS = 40  # the exceptions section trims commentary; Appendix A has it in full


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


def charts_for(snapshot: dict, *, printed: bool = True) -> list[dict]:
    """The dashboard's charts drawn from the snapshot's figures, once per report, each as
    ``{"chart": Chart, "parts": [svg, ...]}``: on paper a long milestone chart comes in parts
    that each fit a page, and the data table (``chart``) follows the last part."""
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
        rag_by_theme([tuple(row) for row in snapshot["rag_by_theme"]], printed=printed),
        status_over_quarters(
            [tuple(row) for row in snapshot["status_over_quarters"]], printed=printed
        ),
    ]
    groups = [{"chart": chart, "parts": [chart.svg]} for chart in charts]
    if milestones:

        def timeline(items, part=0):
            return milestone_timeline(
                items,
                start=_date(quarter["start"]),
                end=end,
                today=_date(snapshot["as_at"]),
                printed=printed,
                chart_id=f"chart-milestone-timeline{f'-part-{part}' if part else ''}",
            )

        whole = timeline(milestones)
        parts = [whole.svg]
        if printed and len(milestones) > MILESTONE_ROWS_PER_FIGURE:
            ordered = sorted(milestones, key=lambda item: (item["due_date"], item["title"]))
            parts = [
                timeline(ordered[i : i + MILESTONE_ROWS_PER_FIGURE], part=i + 1).svg
                for i in range(0, len(ordered), MILESTONE_ROWS_PER_FIGURE)
            ]
        groups.append({"chart": whole, "parts": parts})
    return groups


def rag_meaning(rag: Rag) -> str:
    """What a RAG colour means, in the status choices' own words (grey covers two statuses)."""
    return ", or ".join(status.rag_meaning for status in ActionStatus if status.rag == rag)


def _trimmed(text: str, words: int = COMMENTARY_WORDS) -> tuple[str, bool]:
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts), False
    return " ".join(parts[:words]) + "…", True


def exceptions_of(recommendations: list[dict], milestones: list[dict], quarter: dict) -> dict:
    """What Cabinet most needs to read, from the same rows as the tables: recommendations and
    actions off track or at risk, what got worse, overdue milestones, and stale actions."""
    troubled = {ActionStatus.OFF_TRACK.value, ActionStatus.AT_RISK.value}
    actions = [
        action | {"recommendation": rec["reference"]}
        for rec in recommendations
        for action in rec["actions"]
    ]
    at_risk = []
    for action in actions:
        if action["status"] and action["status"]["value"] in troubled:
            commentary, trimmed = _trimmed(action["commentary"])
            at_risk.append(action | {"commentary_short": commentary, "trimmed": trimmed})
    # Off track first, then at risk: the worst reads first.
    at_risk.sort(key=lambda a: ActionStatus(a["status"]["value"]).rank)
    return {
        "recommendations": [
            rec for rec in recommendations if rec["status"] and rec["status"]["value"] in troubled
        ],
        "actions": at_risk,
        "worsened": [a for a in actions if a["direction"] == Direction.WORSENED],
        "worsened_recommendations": [
            rec for rec in recommendations if rec["direction"] == Direction.WORSENED
        ],
        "overdue_milestones": [m for m in milestones if m["state"] == MilestoneState.OVERDUE],
        "stale": [a for a in actions if a["is_stale"]],
    }


def text_blocks(text: str) -> list[dict]:
    """Plain text as paragraphs and lists, for the template to escape and lay out.

    A blank line starts a new paragraph; lines starting "- " or "* " make a bulleted list and
    lines starting "1. " (any number) a numbered one. Nothing is ever read as HTML."""
    blocks: list[dict] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            kind = None
            if line[:2] in ("- ", "* "):
                kind, item = "ul", line[2:].strip()
            else:
                number, dot, rest = line.partition(". ")
                if dot and number.isdigit() and len(number) <= 3:
                    kind, item = "ol", rest.strip()
            if kind is None:
                paragraph.append(line)
                continue
            if paragraph:
                blocks.append({"kind": "p", "text": " ".join(paragraph)})
                paragraph = []
            if blocks and blocks[-1]["kind"] == kind and blocks[-1].get("open"):
                blocks[-1]["items"].append(item)
            else:
                blocks.append({"kind": kind, "items": [item], "open": True})
        if paragraph:
            blocks.append({"kind": "p", "text": " ".join(paragraph)})
        for block in blocks:
            block.pop("open", None)
    return blocks


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
    milestones_due = [_milestone(row) for row in snapshot["milestones_due"]]
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
            {
                "rag": rag,
                "meaning": rag_meaning(rag),
                "count": snapshot["rag_counts"].get(rag.value, 0),
            }
            for rag in Rag
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
        "milestones_due": milestones_due,
        "exceptions": exceptions_of(recommendations, milestones_due, quarter),
        "summary_figures": summary_figures(
            headline, _recommendation_counts(recommendations), _date(snapshot["as_at"])
        ),
        "core_purpose": core_purpose_of(front_sheet),
        "narrative": {
            name: text_blocks(front_sheet.get(name) or "")
            for name in ("progress_narrative", "attention_narrative", "difference_narrative")
        },
        "charts": charts_for(snapshot, printed=not for_screen),
        "for_screen": for_screen,
    }


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary_figures(headline: dict, recommendations: dict[str, int], end: dt.date) -> str:
    """The headline figures as the Summary's sentence, so page one says how the plan stands."""
    off, risk = recommendations["off_track"], recommendations["at_risk"]
    parts = [
        f"As at {end:%-d %B %Y}, of the {_counted(headline['actions'], 'action')} in the plan "
        f"{headline['complete']} {'is' if headline['complete'] == 1 else 'are'} complete or "
        f"closed ({headline['completed_this_quarter']} this quarter), {headline['on_track']} on "
        f"track, {headline['at_risk']} at risk and {headline['off_track']} off track; "
        f"{headline['overdue']} {'is' if headline['overdue'] == 1 else 'are'} past "
        f"{'its' if headline['overdue'] == 1 else 'their'} target date.",
        f"Of the {_counted(headline['recommendations'], 'recommendation')}, {off} "
        f"{'is' if off == 1 else 'are'} off track and {risk} at risk.",
    ]
    if headline["milestones_due"]:
        due = _counted(headline["milestones_due"], "milestone")
        parts.append(f"{headline['milestones_met']} of the {due} due this quarter were met.")
    return " ".join(parts)


def _recommendation_counts(recommendations: list[dict]) -> dict[str, int]:
    counts = {status.value: 0 for status in ActionStatus}
    for rec in recommendations:
        if rec["status"]:
            counts[rec["status"]["value"]] += 1
    return counts


def front_sheet_of(report) -> dict:
    fields = {name: getattr(report, name) for name in FRONT_SHEET_FIELDS}
    return fields | {
        "subject": report.subject,
        "summary": report.summary,
        "recommendations": report.recommendations,
        "appendices": report.appendices,
        "progress_narrative": report.progress_narrative,
        "attention_narrative": report.attention_narrative,
        "difference_narrative": report.difference_narrative,
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
