"""The snapshot of the action plan that a Cabinet report freezes: statuses, RAG, percent, latest
commentary, milestones and direction of travel as at a quarter's end, read through the one read
of the plan (``actions.progress.plan_as_at``), so a past quarter produced today matches what was
true then, and what the dashboard said on the day.

The snapshot is typed (``reports.snapshot.ReportSnapshot``) and stored as JSON: the report, its
HTML preview, its PDF and DOCX are all drawn from it and never from the live tables, which keep
changing after the quarter closes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from actions.choices import ActionStatus
from actions.progress import ActionRow, MilestoneState, plan_as_at, status_counts_by_quarter
from reports.choices import ReportStatus
from reports.models import CabinetReport
from reports.snapshot import (
    Directions,
    Headline,
    ReportSnapshot,
    SnapshotAction,
    SnapshotMilestone,
    SnapshotPeer,
    SnapshotQuarter,
    SnapshotRecommendation,
    SnapshotReview,
)
from reviews.choices import ReviewKind
from reviews.models import Review
from tracker.quarters import FinancialQuarter

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


def snapshot_day(quarter: FinancialQuarter, *, today: dt.date | None = None) -> dt.date:
    """The day a report on ``quarter`` is as at: its last day once it has ended, else today
    (a provisional draft)."""
    return min(quarter.end, today or timezone.localdate())


def _action_row(action: ActionRow, *, quarter: FinancialQuarter, recommendation: str):
    return SnapshotAction(
        reference=action.reference,
        description=action.description,
        lead_officer=action.lead_officer,
        directorate=action.directorate,
        target_date=action.target_date,
        revised_target_date=action.revised_target_date,
        status=action.status,
        percent=action.percent,
        commentary=action.commentary,
        updated_on=timezone.localtime(action.updated_at).date() if action.updated_at else None,
        is_stale=action.is_stale,
        direction=action.direction,
        overdue=action.is_overdue,
        completed_this_quarter=action.done_since_previous,
        milestones_due=tuple(
            SnapshotMilestone(
                title=m.title,
                due_date=m.due_date,
                completed_on=m.completed_on,
                state=m.state,
                action=action.reference,
                recommendation=recommendation,
            )
            for m in action.milestones
            if quarter.contains(m.due_date)
        ),
        is_sample=action.is_sample,
        recommendation=recommendation,
    )


def report_snapshot(
    *, reviews: list[Review], quarter: FinancialQuarter, today: dt.date | None = None
) -> ReportSnapshot:
    """Everything the report shows about ``reviews`` as at the end of ``quarter``, or as at
    today for a quarter not ended yet (then ``provisional``): an adapter over
    ``actions.progress.plan_as_at``, so the report says what the dashboard said that day.

    A fixed number of queries whatever the size of the plan: those of ``plan_as_at``, one per
    quarter of the status trend, and the reviews' own details."""
    day = snapshot_day(quarter, today=today)
    plan = plan_as_at(reviews=reviews, day=day, previous_day=quarter.previous().end)
    review_slugs = {review.pk: review.slug for review in reviews}
    recommendations = tuple(
        SnapshotRecommendation(
            review=review_slugs[rec.review_id],
            number=rec.number,
            reference=rec.reference,
            title=rec.title,
            text=rec.text,
            theme=rec.theme,
            kind=rec.kind,
            status=rec.status,
            direction=rec.direction,
            lead_member=rec.lead_member,
            lead_officer=rec.lead_officer,
            closed_on=rec.closed_on,
            continues_in=rec.continues_in,
            actions=tuple(
                _action_row(a, quarter=quarter, recommendation=rec.reference) for a in rec.actions
            ),
        )
        for rec in plan.recommendations
    )
    actions = [action for rec in recommendations for action in rec.actions]
    milestones_due = [m for rec in recommendations for m in rec.milestones_due]
    counts = plan.status_counts
    percents = [a.percent for a in plan.actions]
    states = Counter(m.state for m in milestones_due)
    return ReportSnapshot(
        as_at=day,
        provisional=day < quarter.end,
        quarter=SnapshotQuarter(
            slug=quarter.slug,
            label=quarter.label,
            months=quarter.months_label,
            start=quarter.start,
            end=quarter.end,
            previous_label=quarter.previous().label,
            previous_end=quarter.previous().end,
        ),
        reviews=tuple(_review_row(review) for review in reviews),
        is_sample=plan.is_sample,
        headline=Headline(
            recommendations=len(recommendations),
            suggestions=sum(rec.is_suggestion for rec in recommendations),
            actions=len(plan.actions),
            complete=counts[ActionStatus.COMPLETE] + counts[ActionStatus.CLOSED],
            on_track=counts[ActionStatus.ON_TRACK],
            at_risk=counts[ActionStatus.AT_RISK],
            off_track=counts[ActionStatus.OFF_TRACK],
            not_started=counts[ActionStatus.NOT_STARTED],
            overdue=sum(a.overdue for a in actions),
            completed_this_quarter=sum(a.completed_this_quarter for a in actions),
            stale=sum(a.is_stale for a in actions),
            average_percent=round(sum(percents) / len(percents)) if percents else 0,
            milestones_due=len(milestones_due),
            milestones_met=states[MilestoneState.MET] + states[MilestoneState.MET_LATE],
            milestones_overdue=states[MilestoneState.OVERDUE],
            later_starts=len(plan.later_starts),
            recommendations_closed=sum(1 for rec in recommendations if rec.closed_on),
            plan_complete=bool(recommendations) and all(rec.closed_on for rec in recommendations),
        ),
        status_counts=dict(counts),
        rag_counts=dict(plan.rag_counts),
        directions=Directions(
            actions=dict(plan.direction_counts),
            recommendations=dict(plan.recommendation_direction_counts),
        ),
        rag_by_theme=tuple((theme, dict(by_rag)) for theme, by_rag in plan.rag_by_theme),
        status_over_quarters=tuple(
            (q.label, dict(by_status))
            for q, by_status in status_counts_by_quarter(
                reviews=reviews, quarters=quarter.last(QUARTERS_IN_TREND), today=day
            )
        ),
        recommendations=recommendations,
    )


def _review_row(review: Review) -> SnapshotReview:
    return SnapshotReview(
        slug=review.slug,
        title=review.title,
        kind=review.get_kind_display(),
        carried_out_by=ReviewKind(review.kind).carried_out_by,
        onsite_start=review.onsite_start,
        onsite_end=review.onsite_end,
        report_published=review.report_published,
        action_plan_due=review.action_plan_due,
        progress_review_due=review.progress_review_due,
        next_cpc_due=review.next_cpc_due,
        follows_up=review.follows_up.title if review.follows_up_id else "",
        summary=review.summary,
        themes=tuple(theme.title for theme in review.themes.all()),
        peer_team=tuple(
            SnapshotPeer(name=peer.name, role=peer.role, organisation=peer.organisation)
            for peer in review.peer_team.all()
        ),
    )
