"""The first draft of a position statement, from the plan as at a day.

Read only through ``actions.progress.plan_as_at``: each recommendation's status and direction,
each action's status, and each milestone's ``MilestoneState`` come from there and are never
worked out again here. What this module adds is the wording: completed actions and milestones
met become "We have ...", open actions, later starts and the milestones still to come become
"Next we will ...", as lists the performance team then edits."""

from __future__ import annotations

import datetime as dt

from actions.progress import ActionRow, MilestoneState, PlanProgress, RecommendationRow
from statements.choices import SectionKind

NO_THEME = "Other recommendations"


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return f"{value:%-d %B %Y}"


def _sentence(text: str) -> str:
    text = " ".join((text or "").split()).rstrip(".")
    return text[:1].upper() + text[1:] if text else text


def _target(action: ActionRow) -> str:
    day = action.revised_target_date or action.target_date
    if day is None:
        return ""
    return f", {'revised ' if action.revised_target_date else ''}target {_day(day)}"


def we_have(row: RecommendationRow) -> list[str]:
    """Completed actions (with the day their completion was reported) and milestones met."""
    lines = []
    for action in row.actions:
        if action.status and action.status.is_done:
            reported = f", reported {_day(action.updated_at)}" if action.updated_at else ""
            lines.append(
                f"{_sentence(action.description)} (action {action.reference}: "
                f"{action.status.label.lower()}{reported})."
            )
    for action in row.actions:
        for milestone in action.milestones:
            if not milestone.state.is_met:
                continue
            late = (
                f", after its due date of {_day(milestone.due_date)}"
                if milestone.state == MilestoneState.MET_LATE
                else ""
            )
            lines.append(
                f"{_sentence(milestone.title)} (action {action.reference}): met on "
                f"{_day(milestone.completed_on)}{late}."
            )
    return lines


def next_we_will(row: RecommendationRow) -> list[str]:
    """Open actions, actions that start later, and the milestones still to come by due date."""
    lines = []
    for action in row.actions:
        if action.is_open:
            lines.append(
                f"{_sentence(action.description)} (action {action.reference}: "
                f"{action.status.label.lower()}{_target(action)})."
            )
    for action in row.later_starts:
        start = f", starting {_day(action.start_date)}" if action.start_date else ""
        lines.append(f"{_sentence(action.description)} (action {action.reference}{start}).")
    upcoming = sorted(
        (
            (milestone, action)
            for action in (*row.actions, *row.later_starts)
            for milestone in action.milestones
            if not milestone.state.is_met
        ),
        key=lambda pair: (pair[0].due_date, pair[1].reference),
    )
    for milestone, action in upcoming:
        overdue = ", now overdue" if milestone.state == MilestoneState.OVERDUE else ""
        lines.append(
            f"{_sentence(milestone.title)} (action {action.reference}): due "
            f"{_day(milestone.due_date)}{overdue}."
        )
    return lines


def as_list(lines: list[str], *, empty: str) -> str:
    """Lines as the plain-text list the section editor and ``text_blocks`` read."""
    return "\n".join(f"- {line}" for line in lines) if lines else empty


def outline(*, plan: PlanProgress, review, council) -> tuple[dict, list[dict]]:
    """(snapshot, sections) of a new draft: the frozen status and direction of each
    recommendation of ``review``, grouped by theme in plan order, and the sections to edit."""
    day = _day(plan.day)
    themes: dict[str, list[dict]] = {}
    sections = [
        {
            "key": "introduction",
            "kind": SectionKind.INTRODUCTION,
            "heading": "Introduction",
            "text": (
                f"This position statement sets out the progress {council.name} has made on the "
                f"recommendations of the {review.title}, as the action plan stood on {day}. "
                "For each theme of the peer challenge it says where we are on our "
                "transformation journey, what we have done and what we will do next."
            ),
        }
    ]
    rows = [row for row in plan.recommendations if row.review_id == review.pk]
    for row in rows:
        theme = plan.themes.get(row.pk) or NO_THEME
        if theme == "No theme":
            theme = NO_THEME
        if theme not in themes:
            themes[theme] = []
            sections.append(
                {
                    "key": f"theme-{len(themes)}",
                    "kind": SectionKind.JOURNEY,
                    "heading": theme,
                    "text": "",
                }
            )
        status, direction = row.status, row.direction
        themes[theme].append(
            {
                "pk": row.pk,
                "reference": row.reference,
                "number": row.number,
                "title": row.title,
                "status": status.value if status else None,
                "status_label": status.label if status else "No actions yet",
                "rag": status.rag.value if status else None,
                "rag_label": status.rag.label if status else "",
                "direction": direction.value if direction else None,
                "direction_label": direction.label if direction else "",
                "arrow": direction.arrow if direction else "",
                "actions": len(row.actions),
            }
        )
        sections.append(
            {
                "key": f"rec-{row.pk}-have",
                "kind": SectionKind.HAVE,
                "heading": row.title,
                "text": as_list(we_have(row), empty=f"Nothing was complete by {day}."),
            }
        )
        sections.append(
            {
                "key": f"rec-{row.pk}-next",
                "kind": SectionKind.NEXT,
                "heading": row.title,
                "text": as_list(next_we_will(row), empty="Nothing further is planned."),
            }
        )
    snapshot = {
        "as_at": plan.day.isoformat(),
        "previous_day": plan.previous_day.isoformat(),
        "is_sample": plan.is_sample,
        "themes": [
            {"key": f"theme-{index}", "title": title, "recommendations": recommendations}
            for index, (title, recommendations) in enumerate(themes.items(), start=1)
        ],
    }
    return snapshot, sections
