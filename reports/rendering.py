"""Turns a report's front sheet and frozen snapshot into the HTML that is both the browser
preview and the source of the PDF (``templates/reports/pdf/cabinet_report.html``)."""

from __future__ import annotations

from collections import Counter

from django.template.loader import render_to_string

from actions.choices import ActionStatus, Direction, Rag
from actions.progress import MilestoneState
from reports.models import FRONT_SHEET_FIELDS, core_purpose_of
from reports.snapshot import ReportSnapshot

# On paper a milestone chart longer than this is drawn in parts, each small enough for a page,
# because an SVG cannot break across pages (at 12 rows a part is about 190 mm tall).
MILESTONE_ROWS_PER_FIGURE = 12


def charts_for(snapshot: ReportSnapshot, *, printed: bool = True) -> list[dict]:
    """The dashboard's charts drawn from the snapshot's figures, once per report, each as
    ``{"chart": Chart, "parts": [svg, ...]}``: on paper a long milestone chart comes in parts
    that each fit a page, and the data table (``chart``) follows the last part."""
    from charts import milestone_timeline, rag_by_theme, status_over_quarters

    quarter = snapshot.quarter
    milestones = [
        {
            "title": item.title,
            "due_date": item.due_date,
            "completed_on": item.completed_on,
            "action_reference": item.action,
            "overdue": item.state == MilestoneState.OVERDUE,
        }
        for item in snapshot.milestones_due
    ]
    charts = [
        rag_by_theme(
            [(theme, {rag.value: n for rag, n in by_rag.items()}) for theme, by_rag in
             snapshot.rag_by_theme],
            printed=printed,
        ),
        status_over_quarters(
            [(label, {s.value: n for s, n in by_status.items()}) for label, by_status in
             snapshot.status_over_quarters],
            printed=printed,
        ),
    ]  # fmt: skip
    groups = [{"chart": chart, "parts": [chart.svg]} for chart in charts]
    if milestones:

        def timeline(items, part=0):
            return milestone_timeline(
                items,
                start=quarter.start,
                end=quarter.end,
                today=snapshot.as_at,
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


def exceptions_of(snapshot: ReportSnapshot) -> dict:
    """What Cabinet most needs to read, from the same rows as the tables: recommendations and
    actions off track or at risk, what got worse, overdue milestones, and stale actions."""
    troubled = {ActionStatus.OFF_TRACK, ActionStatus.AT_RISK}
    return {
        "recommendations": [rec for rec in snapshot.recommendations if rec.status in troubled],
        # Off track first, then at risk: the worst reads first.
        "actions": sorted(
            (a for a in snapshot.actions if a.status in troubled), key=lambda a: a.status.rank
        ),
        "worsened": [a for a in snapshot.actions if a.direction == Direction.WORSENED],
        "worsened_recommendations": [
            rec for rec in snapshot.recommendations if rec.direction == Direction.WORSENED
        ],
        "overdue_milestones": [
            m for m in snapshot.milestones_due if m.state == MilestoneState.OVERDUE
        ],
        "stale": snapshot.stale,
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
    *, front_sheet: dict, snapshot: ReportSnapshot, report=None, for_screen: bool = False
) -> dict:
    """What the report template needs: the front sheet, the typed snapshot, the charts and the
    status words in a fixed order."""
    return {
        "front": front_sheet,
        "report": report,
        "snapshot": snapshot,
        "quarter": snapshot.quarter,
        "reviews": snapshot.reviews,
        "headline": snapshot.headline,
        "as_at": snapshot.as_at,
        "provisional": snapshot.provisional,
        "is_sample": snapshot.is_sample,
        "rag_rows": [
            {"rag": rag, "meaning": rag_meaning(rag), "count": snapshot.rag_counts.get(rag, 0)}
            for rag in Rag
        ],
        "direction_rows": [
            {
                "direction": direction,
                "actions": snapshot.directions.actions.get(direction, 0),
                "recommendations": snapshot.directions.recommendations.get(direction, 0),
            }
            for direction in Direction
        ],
        "recommendations": snapshot.formal_recommendations,
        "suggestions": snapshot.suggestions,
        "overdue": snapshot.overdue,
        "completed": snapshot.completed,
        "stale": snapshot.stale,
        "milestones_due": snapshot.milestones_due,
        "exceptions": exceptions_of(snapshot),
        "summary_figures": summary_figures(snapshot),
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


def summary_figures(snapshot: ReportSnapshot) -> str:
    """The headline figures as the Summary's sentence, so page one says how the plan stands."""
    headline, end = snapshot.headline, snapshot.as_at
    statuses = Counter(rec.status for rec in snapshot.recommendations)
    off, risk = statuses[ActionStatus.OFF_TRACK], statuses[ActionStatus.AT_RISK]
    recommendations = _counted(headline.recommendations - headline.suggestions, "recommendation")
    if headline.suggestions:
        recommendations += f" and {_counted(headline.suggestions, 'peer suggestion')}"
    parts = [
        f"As at {end:%-d %B %Y}, of the {_counted(headline.actions, 'action')} in the plan "
        f"{headline.complete} {'is' if headline.complete == 1 else 'are'} complete or "
        f"closed ({headline.completed_this_quarter} this quarter), {headline.on_track} on "
        f"track, {headline.at_risk} at risk and {headline.off_track} off track; "
        f"{headline.overdue} {'is' if headline.overdue == 1 else 'are'} past "
        f"{'its' if headline.overdue == 1 else 'their'} target date.",
        f"Of the {recommendations}, {off} {'is' if off == 1 else 'are'} off track and {risk} "
        "at risk.",
    ]
    if headline.milestones_due:
        due = _counted(headline.milestones_due, "milestone")
        parts.append(f"{headline.milestones_met} of the {due} due this quarter were met.")
    return " ".join(parts)


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
        "meeting_date": report.meeting_date,
        # Who it goes to, and how its text names them ("Matters for the Committee's attention").
        "audience": report.get_audience_display(),
        "audience_body": report.audience_choice.body,
        "version": report.version,
        "supersedes": report.supersedes,
    }


def report_html(report, *, for_screen: bool = False) -> str:
    """The report as one self-contained HTML document (its CSS inlined)."""
    context = document_context(
        front_sheet=front_sheet_of(report),
        snapshot=report.frozen_snapshot,
        report=report,
        for_screen=for_screen,
    )
    return render_to_string("reports/pdf/cabinet_report.html", context)
