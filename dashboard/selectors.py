"""Reads for the Cabinet and Scrutiny dashboard: one review's plan at a glance, in a fixed
number of queries whatever the number of actions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse

from actions.choices import ActionStatus, Direction, Rag
from actions.models import Action, Milestone
from actions.selectors import (
    direction_of,
    recommendation_direction,
    recommendation_list,
    status_counts_at,
)
from charts import Chart, milestone_timeline, rag_by_theme, status_over_quarters
from reviews.models import Review
from tracker.quarters import FinancialQuarter

TIMELINE_LIMIT = 20  # the chart stays readable; the data table says how many there are in all


def actions_url(**filters) -> str:
    """The actions table filtered as given: every dashboard figure drills down to one."""
    query = urlencode({k: v for k, v in filters.items() if v is not None}, doseq=True)
    return f"{reverse('actions:action_list')}?{query}"


@dataclass
class Figure:
    label: str
    value: str
    url: str
    hint: str = ""


@dataclass
class RecommendationRow:
    recommendation: object
    status: ActionStatus | None
    direction: Direction | None


@dataclass
class Dashboard:
    review: Review
    quarter: FinancialQuarter
    figures: list[Figure]
    status_counts: list[tuple[ActionStatus, int, str]]
    rag_counts: list[tuple[Rag, int, str]]
    directions: list[tuple[Direction, int]]
    recommendations: list[RecommendationRow]
    charts: list[Chart] = field(default_factory=list)
    has_sample: bool = False


def dashboard_for(*, user, review: Review, today: dt.date) -> Dashboard:
    """Headline figures, directions of travel and the three charts for ``review``."""
    quarter = FinancialQuarter.containing(today)
    days = {"day": today, "previous_day": quarter.previous().end}
    recommendations = list(
        recommendation_list(user=user, **days).filter(review=review).order_by("number")
    )
    actions = [a for r in recommendations for a in r.actions_as_at]
    base = {"review": review.pk}

    statuses = Counter(a.status for a in actions)
    status_counts = [
        (s, statuses[s.value], actions_url(**base, status=s.value)) for s in ActionStatus
    ]
    rags = Counter(ActionStatus(a.status).rag for a in actions)
    rag_counts = [(rag, rags[rag], actions_url(**base, rag=rag.value)) for rag in Rag]
    directions = Counter(direction_of(a, **days) for a in actions)

    review_milestones = Milestone.objects.filter(action__recommendation__review=review)
    milestones = review_milestones.aggregate(
        due=Count("pk", filter=Q(due_date__lte=today)),
        met=Count("pk", filter=Q(due_date__lte=today, completed_on__lte=F("due_date"))),
        overdue=Count("pk", filter=Q(due_date__lt=today, completed_on__isnull=True)),
    )
    review_actions = Action.objects.filter(recommendation__review=review)
    stale = review_actions.lacking_update_for(quarter).count()
    on_time = (
        f"{round(100 * milestones['met'] / milestones['due'])}%"
        if milestones["due"]
        else "None due yet"
    )
    figures = [
        Figure("Recommendations", str(len(recommendations)), reverse("reviews:recommendation_list")
               + f"?review={review.pk}"),
        Figure("Actions", str(len(actions)), actions_url(**base)),
        Figure(
            "Milestones met on time",
            on_time,
            actions_url(**base),
            f"{milestones['met']} of {milestones['due']} milestones due so far",
        ),
        Figure(
            "Overdue milestones",
            str(milestones["overdue"]),
            actions_url(**base, milestone_overdue="true"),
            "Due before today and not completed",
        ),
        Figure(
            "No update this quarter",
            str(stale),
            actions_url(**base, stale="true"),
            f"Open actions with no progress update since {quarter.start:%-d %B %Y}",
        ),
        Figure(
            "Overdue actions",
            str(review_actions.overdue(today).count()),
            actions_url(**base, overdue="true"),
            "Open and past their target date",
        ),
    ]  # fmt: skip

    rows = [
        RecommendationRow(
            r,
            ActionStatus(r.rolled_up_status) if r.rolled_up_status else None,
            recommendation_direction(r.actions_as_at, **days),
        )
        for r in recommendations
    ]
    return Dashboard(
        review=review,
        quarter=quarter,
        figures=figures,
        status_counts=status_counts,
        rag_counts=rag_counts,
        directions=[(d, directions[d]) for d in Direction],
        recommendations=rows,
        charts=[
            _rag_by_theme_chart(review, recommendations, base),
            _status_chart(review_actions, quarter, today, base),
            _timeline_chart(review_milestones, quarter, today),
        ],
        has_sample=any(a.is_sample for a in actions),
    )


def _rag_by_theme_chart(review, recommendations, base) -> Chart:
    themes: dict[object, Counter] = {}
    for recommendation in recommendations:
        counts = themes.setdefault(recommendation.theme, Counter())
        for action in recommendation.actions_as_at:
            counts[ActionStatus(action.status).rag.value] += 1
    ordered = sorted(
        (t for t in themes if sum(themes[t].values())),
        key=lambda t: (t is None, t.number if t else 0),
    )

    def link(index, rag):
        theme = ordered[index]
        return actions_url(**base, theme=theme.pk if theme else None, rag=rag)

    return rag_by_theme(
        [(t.title if t else "No theme", dict(themes[t])) for t in ordered], link=link
    )


def _status_chart(review_actions, quarter, today, base) -> Chart:
    quarters = quarter.last(4)
    rows = [(q.label, status_counts_at(review_actions, day=min(q.end, today))) for q in quarters]

    def link(index, status):
        # Only the current quarter's figures are today's statuses, so only they drill down.
        return actions_url(**base, status=status) if index == len(quarters) - 1 else None

    return status_over_quarters(rows, link=link)


def _timeline_chart(review_milestones, quarter, today) -> Chart:
    start, end = quarter.start, quarter.next().end
    milestones = (
        review_milestones.filter(due_date__gte=start, due_date__lte=end)
        .select_related("action")
        .order_by("due_date", "pk")[:TIMELINE_LIMIT]
    )
    items = [
        {
            "title": m.title,
            "due_date": m.due_date,
            "completed_on": m.completed_on,
            "action_reference": m.action.reference,
            "overdue": m.is_overdue(today),
            "url": m.action.get_absolute_url(),
        }
        for m in milestones
    ]
    return milestone_timeline(
        items, start=start, end=end, today=today, link=lambda item: item["url"]
    )
