"""The snapshot of the action plan that a Cabinet report freezes: statuses, RAG, percent, latest
commentary, milestones and direction of travel as at a quarter's end, read from the update
history (``actions.selectors``), so a past quarter produced today matches what was true then.

The snapshot is plain JSON: the report, its HTML preview and its PDF are all drawn from it and
never from the live tables, which keep changing after the quarter closes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from actions.choices import ActionStatus, Direction, Rag
from actions.models import Action, Milestone
from actions.selectors import actions_as_at, direction_of, recommendation_direction, status_then
from reports.choices import ReportStatus
from reports.models import CabinetReport
from reviews.models import Recommendation, Review
from tracker.quarters import FinancialQuarter

SNAPSHOT_FORMAT = 1
QUARTERS_IN_TREND = 4


def cabinet_report_list(*, user) -> QuerySet[CabinetReport]:
    """Reports the person may see (drafts only for the performance team), with what the list
    shows, in one query: ``replaced_by_version`` names the issued correction of a report."""
    replacement = CabinetReport.objects.filter(
        supersedes=OuterRef("pk"), status=ReportStatus.ISSUED
    ).values("version")[:1]
    return (
        CabinetReport.objects.visible_to(user)
        .select_related("period", "issued_by", "supersedes")
        .annotate(replaced_by_version=Subquery(replacement))
        .defer("pdf", "docx", "snapshot")
    )


def archive(*, user) -> QuerySet[CabinetReport]:
    return cabinet_report_list(user=user).filter(status=ReportStatus.ISSUED)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _milestone_state(milestone: Milestone, end: dt.date) -> str:
    """What a milestone due in the quarter looked like at its end."""
    if milestone.completed_on and milestone.completed_on <= end:
        return "met" if milestone.completed_on <= milestone.due_date else "met late"
    return "not met"


def report_snapshot(*, reviews: list[Review], quarter: FinancialQuarter) -> dict:
    """Everything the report shows about ``reviews`` as at the end of ``quarter``.

    Runs a fixed number of queries whatever the size of the plan: one for the recommendations,
    one for actions as at the quarter end (with milestones prefetched), and one per quarter of
    the status trend."""
    end, previous_end = quarter.end, quarter.previous().end
    review_ids = [review.pk for review in reviews]
    actions = (
        Action.objects.filter(recommendation__review__in=review_ids)
        .select_related("lead_officer", "directorate", "recommendation")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_date")))
    )
    actions = actions_as_at(actions, day=end, previous_day=previous_end)
    by_recommendation: dict[int, list[Action]] = {}
    for action in actions:
        by_recommendation.setdefault(action.recommendation_id, []).append(action)

    recommendations = (
        Recommendation.objects.filter(review__in=review_ids)
        .select_related("theme", "review")
        .order_by("review__onsite_start", "number")
    )
    recommendation_rows, overdue, completed, milestones_due = [], [], [], []
    status_counts: Counter[str] = Counter()
    direction_counts: Counter[str] = Counter()
    recommendation_directions: Counter[str] = Counter()
    theme_rag: dict[str, Counter[str]] = {}
    percents, later_starts = [], 0
    is_sample = False

    for recommendation in recommendations:
        action_rows = []
        in_plan = []
        for action in by_recommendation.get(recommendation.pk, []):
            status = status_then(action, day=end)
            if status is None:
                later_starts += 1  # not begun by the quarter's end: not yet part of the report
                continue
            in_plan.append(action)
            is_sample = is_sample or action.is_sample
            direction = direction_of(action, day=end, previous_day=previous_end)
            percent = action.percent_then or 0
            is_overdue = bool(action.target_date and action.target_date < end) and not (
                status.is_done
            )
            done_this_quarter = status.is_done and not (
                action.status_before and ActionStatus(action.status_before).is_done
            )
            due = [
                {
                    "title": milestone.title,
                    "due_date": _day(milestone.due_date),
                    "completed_on": _day(
                        milestone.completed_on
                        if milestone.completed_on and milestone.completed_on <= end
                        else None
                    ),
                    "state": _milestone_state(milestone, end),
                }
                for milestone in action.milestones.all()
                if quarter.contains(milestone.due_date)
            ]
            row = {
                "reference": action.reference,
                "description": action.description,
                "lead_officer": _person(action.lead_officer),
                "directorate": action.directorate.name if action.directorate else "",
                "target_date": _day(action.target_date),
                "status": status.value,
                "rag": status.rag.value,
                "percent": percent,
                "commentary": action.commentary_then or "",
                "updated_on": _day(action.updated_then.date() if action.updated_then else None),
                "direction": direction.value,
                "overdue": is_overdue,
                "completed_this_quarter": done_this_quarter,
                "milestones_due": due,
                "is_sample": action.is_sample,
            }
            action_rows.append(row)
            status_counts[status.value] += 1
            direction_counts[direction.value] += 1
            percents.append(percent)
            theme_name = recommendation.theme.title if recommendation.theme else "No theme"
            theme_rag.setdefault(theme_name, Counter())[status.rag.value] += 1
            if is_overdue:
                overdue.append({"recommendation": recommendation.reference, **row})
            if done_this_quarter:
                completed.append({"recommendation": recommendation.reference, **row})
            for milestone in due:
                milestones_due.append(
                    {"action": action.reference, "recommendation": recommendation.reference}
                    | milestone
                )
        rolled_up = ActionStatus.rollup(row["status"] for row in action_rows)
        rec_direction = recommendation_direction(in_plan, day=end, previous_day=previous_end)
        if rec_direction:
            recommendation_directions[rec_direction.value] += 1
        recommendation_rows.append(
            {
                "review": recommendation.review.slug,
                "number": recommendation.number,
                "reference": recommendation.reference,
                "title": recommendation.title,
                "text": recommendation.text,
                "theme": recommendation.theme.title if recommendation.theme else "",
                "status": rolled_up.value if rolled_up else None,
                "rag": rolled_up.rag.value if rolled_up else None,
                "direction": rec_direction.value if rec_direction else None,
                "actions": action_rows,
            }
        )

    action_total = sum(status_counts.values())
    met = [m for m in milestones_due if m["state"] != "not met"]
    return {
        "format": SNAPSHOT_FORMAT,
        "quarter": {
            "slug": quarter.slug,
            "label": quarter.label,
            "months": quarter.months_label,
            "start": _day(quarter.start),
            "end": _day(end),
            "previous_label": quarter.previous().label,
            "previous_end": _day(previous_end),
        },
        "reviews": [_review_row(review) for review in reviews],
        "is_sample": is_sample,
        "headline": {
            "recommendations": len(recommendation_rows),
            "actions": action_total,
            "complete": status_counts[ActionStatus.COMPLETE] + status_counts[ActionStatus.CLOSED],
            "on_track": status_counts[ActionStatus.ON_TRACK],
            "at_risk": status_counts[ActionStatus.AT_RISK],
            "off_track": status_counts[ActionStatus.OFF_TRACK],
            "not_started": status_counts[ActionStatus.NOT_STARTED],
            "overdue": len(overdue),
            "completed_this_quarter": len(completed),
            "average_percent": round(sum(percents) / len(percents)) if percents else 0,
            "milestones_due": len(milestones_due),
            "milestones_met": len(met),
            "later_starts": later_starts,
        },
        "status_counts": {status.value: status_counts[status.value] for status in ActionStatus},
        "rag_counts": _rag_counts(status_counts),
        "directions": {
            "actions": {d.value: direction_counts[d.value] for d in Direction},
            "recommendations": {d.value: recommendation_directions[d.value] for d in Direction},
        },
        "rag_by_theme": [
            [theme, {rag.value: counts[rag.value] for rag in Rag}]
            for theme, counts in theme_rag.items()
        ],
        "status_over_quarters": _status_over_quarters(review_ids, quarter),
        "recommendations": recommendation_rows,
        "overdue": overdue,
        "completed": completed,
        "milestones_due": milestones_due,
    }


def _rag_counts(status_counts: Counter[str]) -> dict[str, int]:
    counts = Counter()
    for status, count in status_counts.items():
        counts[ActionStatus(status).rag.value] += count
    return {rag.value: counts[rag.value] for rag in Rag}


def _review_row(review: Review) -> dict:
    return {
        "slug": review.slug,
        "title": review.title,
        "kind": review.get_kind_display(),
        "onsite_start": _day(review.onsite_start),
        "onsite_end": _day(review.onsite_end),
        "report_published": _day(review.report_published),
        "action_plan_due": _day(review.action_plan_due),
        "progress_review_due": _day(review.progress_review_due),
        "next_cpc_due": _day(review.next_cpc_due),
        "follows_up": review.follows_up.title if review.follows_up_id else "",
        "summary": review.summary,
        "themes": [theme.title for theme in review.themes.all()],
        "peer_team": [
            {"name": peer.name, "role": peer.role, "organisation": peer.organisation}
            for peer in review.peer_team.all()
        ],
    }


def _status_over_quarters(review_ids: list[int], quarter: FinancialQuarter) -> list:
    """Action counts by status at each of the last few quarter-ends, oldest first."""
    rows = []
    for each in quarter.last(QUARTERS_IN_TREND):
        actions = actions_as_at(
            Action.objects.filter(recommendation__review__in=review_ids),
            day=each.end,
            previous_day=each.previous().end,
        ).only("id", "start_date")
        counts = Counter()
        for action in actions:
            status = status_then(action, day=each.end)
            if status is not None:
                counts[status.value] += 1
        rows.append([each.label, {status.value: counts[status.value] for status in ActionStatus}])
    return rows
