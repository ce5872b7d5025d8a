"""The snapshot of the action plan that a Cabinet report freezes: statuses, RAG, percent, latest
commentary, milestones and direction of travel as at a quarter's end, read through the one read
of the plan (``actions.progress.plan_as_at``), so a past quarter produced today matches what was
true then, and what the dashboard said on the day.

The snapshot is plain JSON: the report, its HTML preview and its PDF are all drawn from it and
never from the live tables, which keep changing after the quarter closes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from actions.choices import ActionStatus
from actions.progress import ActionRow, MilestoneState, plan_as_at, status_counts_by_quarter
from reports.choices import ReportStatus
from reports.models import CabinetReport
from reviews.choices import ReviewKind
from reviews.models import Review
from tracker.quarters import FinancialQuarter

# 2: as at a day (``as_at``, ``provisional``), staleness, revised target dates, milestone
# states of ``actions.progress.MilestoneState``. ``reports.rendering`` still reads format 1.
SNAPSHOT_FORMAT = 2
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


def snapshot_day(quarter: FinancialQuarter, *, today: dt.date | None = None) -> dt.date:
    """The day a report on ``quarter`` is as at: its last day once it has ended, else today
    (a provisional draft)."""
    return min(quarter.end, today or timezone.localdate())


def _action_row(action: ActionRow, *, quarter: FinancialQuarter) -> dict:
    return {
        "reference": action.reference,
        "description": action.description,
        "lead_officer": action.lead_officer,
        "directorate": action.directorate,
        "target_date": _day(action.target_date),
        "revised_target_date": _day(action.revised_target_date),
        "status": action.status.value,
        "rag": action.status.rag.value,
        "percent": action.percent,
        "commentary": action.commentary,
        "updated_on": _day(
            timezone.localtime(action.updated_at).date() if action.updated_at else None
        ),
        "is_stale": action.is_stale,
        "direction": action.direction.value,
        "overdue": action.is_overdue,
        "completed_this_quarter": action.done_since_previous,
        "milestones_due": [
            {
                "title": m.title,
                "due_date": _day(m.due_date),
                "completed_on": _day(m.completed_on),
                "state": m.state.value,
            }
            for m in action.milestones
            if quarter.contains(m.due_date)
        ],
        "is_sample": action.is_sample,
    }


def report_snapshot(
    *, reviews: list[Review], quarter: FinancialQuarter, today: dt.date | None = None
) -> dict:
    """Everything the report shows about ``reviews`` as at the end of ``quarter``, or as at
    today for a quarter not ended yet (then ``provisional``): an adapter over
    ``actions.progress.plan_as_at``, so the report says what the dashboard said that day.

    A fixed number of queries whatever the size of the plan: those of ``plan_as_at``, one per
    quarter of the status trend, and the reviews' own details."""
    day = snapshot_day(quarter, today=today)
    plan = plan_as_at(reviews=reviews, day=day, previous_day=quarter.previous().end)
    review_slugs = {review.pk: review.slug for review in reviews}
    recommendation_rows, overdue, completed, stale, milestones_due = [], [], [], [], []
    for recommendation in plan.recommendations:
        action_rows = [_action_row(a, quarter=quarter) for a in recommendation.actions]
        for row in action_rows:
            tagged = {"recommendation": recommendation.reference, **row}
            if row["overdue"]:
                overdue.append(tagged)
            if row["completed_this_quarter"]:
                completed.append(tagged)
            if row["is_stale"]:
                stale.append(tagged)
            milestones_due.extend(
                {"action": row["reference"], "recommendation": recommendation.reference} | m
                for m in row["milestones_due"]
            )
        status, direction = recommendation.status, recommendation.direction
        recommendation_rows.append(
            {
                "review": review_slugs[recommendation.review_id],
                "number": recommendation.number,
                "reference": recommendation.reference,
                "title": recommendation.title,
                "text": recommendation.text,
                "theme": recommendation.theme,
                "status": status.value if status else None,
                "rag": status.rag.value if status else None,
                "direction": direction.value if direction else None,
                "lead_member": recommendation.lead_member,
                "lead_officer": recommendation.lead_officer,
                "closed_on": _day(recommendation.closed_on),
                "continues_in": recommendation.continues_in,
                "actions": action_rows,
            }
        )
    counts = plan.status_counts
    percents = [a.percent for a in plan.actions]
    states = Counter(m["state"] for m in milestones_due)
    return {
        "format": SNAPSHOT_FORMAT,
        "as_at": _day(day),
        "provisional": day < quarter.end,
        "quarter": {
            "slug": quarter.slug,
            "label": quarter.label,
            "months": quarter.months_label,
            "start": _day(quarter.start),
            "end": _day(quarter.end),
            "previous_label": quarter.previous().label,
            "previous_end": _day(quarter.previous().end),
        },
        "reviews": [_review_row(review) for review in reviews],
        "is_sample": plan.is_sample,
        "headline": {
            "recommendations": len(recommendation_rows),
            "actions": len(plan.actions),
            "complete": counts[ActionStatus.COMPLETE] + counts[ActionStatus.CLOSED],
            "on_track": counts[ActionStatus.ON_TRACK],
            "at_risk": counts[ActionStatus.AT_RISK],
            "off_track": counts[ActionStatus.OFF_TRACK],
            "not_started": counts[ActionStatus.NOT_STARTED],
            "overdue": len(overdue),
            "completed_this_quarter": len(completed),
            "stale": len(stale),
            "average_percent": round(sum(percents) / len(percents)) if percents else 0,
            "milestones_due": len(milestones_due),
            "milestones_met": states[MilestoneState.MET] + states[MilestoneState.MET_LATE],
            "milestones_overdue": states[MilestoneState.OVERDUE],
            "later_starts": len(plan.later_starts),
            "recommendations_closed": sum(1 for r in recommendation_rows if r["closed_on"]),
            "plan_complete": bool(recommendation_rows)
            and all(r["closed_on"] for r in recommendation_rows),
        },
        "status_counts": {status.value: n for status, n in counts.items()},
        "rag_counts": {rag.value: n for rag, n in plan.rag_counts.items()},
        "directions": {
            "actions": {d.value: n for d, n in plan.direction_counts.items()},
            "recommendations": {
                d.value: n for d, n in plan.recommendation_direction_counts.items()
            },
        },
        "rag_by_theme": [
            [theme, {rag.value: n for rag, n in by_rag.items()}]
            for theme, by_rag in plan.rag_by_theme
        ],
        "status_over_quarters": [
            [q.label, {status.value: n for status, n in by_status.items()}]
            for q, by_status in status_counts_by_quarter(
                reviews=reviews, quarters=quarter.last(QUARTERS_IN_TREND), today=day
            )
        ],
        "recommendations": recommendation_rows,
        "overdue": overdue,
        "completed": completed,
        "stale": stale,
        "milestones_due": milestones_due,
    }


def _review_row(review: Review) -> dict:
    return {
        "slug": review.slug,
        "title": review.title,
        "kind": review.get_kind_display(),
        "carried_out_by": ReviewKind(review.kind).carried_out_by,
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
