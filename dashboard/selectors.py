"""Reads for the Cabinet and Scrutiny dashboard: one review's plan, or the council's whole
improvement plan (every review combined), at a glance, in a fixed
number of queries whatever the number of actions."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.template.defaultfilters import pluralize
from django.urls import reverse

from actions.choices import ActionStatus, Direction, Rag
from actions.plan_cache import cached_value, plan_key
from actions.progress import MilestoneState, PlanProgress, plan_as_at, status_counts_by_quarter
from charts import Chart, milestone_timeline, rag_by_theme, status_over_quarters
from reviews.choices import RecommendationKind
from reviews.models import Recommendation, Review
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
    reviews: list[Review]  # one, or every review of the council's improvement plan combined
    quarter: FinancialQuarter
    figures: list[Figure]
    status_counts: list[tuple[ActionStatus, int, str]]
    rag_counts: list[tuple[Rag, int, str]]
    directions: list[tuple[Direction, int]]
    recommendations: list[RecommendationRow]
    suggestions: list[RecommendationRow]  # the peer suggestions, shown apart
    charts: list[Chart] = field(default_factory=list)
    has_sample: bool = False
    page_key: str = ""  # the rendered page's cache key: the plan's, or a fresh one
    page_seconds: int = 0

    @property
    def is_combined(self) -> bool:
        return len(self.reviews) > 1

    @property
    def title(self) -> str:
        return "All reviews" if self.is_combined else self.reviews[0].title

    @property
    def kind_label(self) -> str:
        if self.is_combined:
            return ", ".join(dict.fromkeys(r.get_kind_display() for r in self.reviews))
        return self.reviews[0].get_kind_display()

    @property
    def review_query(self) -> str:
        """The tables' filter for these reviews: one review, or none (every review)."""
        return "" if self.is_combined else f"review={self.reviews[0].pk}"


def dashboard_for(*, user, reviews: list[Review], today: dt.date) -> Dashboard:
    """Headline figures, directions of travel and the three charts for ``reviews`` (one, or
    every review of the council's improvement plan combined), all read from one
    ``plan_as_at`` of today (the status-by-quarter chart by the same rule). The same for
    everyone who may see the reviews, so the whole of it, charts drawn, is cached with the
    plan (``actions.plan_cache``) until a write changes the council's plan."""
    key = plan_key("dashboard", reviews=reviews, day=today, previous_day=None)
    dashboard = cached_value(key, lambda: _dashboard_read(reviews=reviews, today=today))
    # The page's own rendering of it is cached under the same key (templates: {% cache %}).
    dashboard.page_key = key or uuid.uuid4().hex
    dashboard.page_seconds = settings.PLAN_CACHE_SECONDS if key else 0
    return dashboard


def _dashboard_read(*, reviews: list[Review], today: dt.date) -> Dashboard:
    quarter = FinancialQuarter.containing(today)
    plan = plan_as_at(reviews=reviews, day=today)
    # Drill-downs filter the tables by the review, or by none when every review is combined.
    base = {"review": reviews[0].pk} if len(reviews) == 1 else {}
    status_counts = [
        (status, count, actions_url(**base, status=status.value))
        for status, count in plan.status_counts.items()
    ]
    rag_counts = [
        (rag, count, actions_url(**base, rag=rag.value)) for rag, count in plan.rag_counts.items()
    ]
    milestones = plan.milestones_due
    on_time = (
        f"{round(100 * milestones['met_on_time'] / milestones['due'])}%"
        if milestones["due"]
        else "None due yet"
    )
    later = len(plan.later_starts)
    suggestions = sum(r.kind == RecommendationKind.SUGGESTION for r in plan.recommendations)
    figures = [
        Figure("Recommendations", str(len(plan.recommendations) - suggestions),
               reverse("reviews:recommendation_list") + f"?{urlencode(base)}",
               f"and {suggestions} peer suggestion{pluralize(suggestions)}" if suggestions else ""),
        Figure("Actions", str(len(plan.actions)), actions_url(**base),
               f"{later} more start{'s' if later == 1 else ''} later" if later else ""),
        Figure(
            "Milestones met on time",
            on_time,
            actions_url(**base),
            f"{milestones['met_on_time']} of {milestones['due']} milestones due so far",
        ),
        Figure(
            "Overdue milestones",
            str(milestones["overdue"]),
            actions_url(**base, milestone_overdue="true"),
            "Due before today and not completed",
        ),
        Figure(
            "No update this quarter",
            str(len(plan.stale)),
            actions_url(**base, stale="true"),
            f"Open actions with no progress update since {quarter.start:%-d %B %Y}",
        ),
        Figure(
            "Overdue actions",
            str(len(plan.overdue)),
            actions_url(**base, overdue="true"),
            "Open and past their target date (revised, where it was)",
        ),
    ]  # fmt: skip
    recommendations = {
        r.pk: r
        for r in Recommendation.objects.filter(review__in=reviews).select_related(
            "review", "theme", "lead_member", "lead_officer"
        )
    }
    rows = [
        RecommendationRow(recommendations[r.pk], r.status, r.direction)
        for r in plan.recommendations
    ]
    is_suggestion = {r.pk: r.kind == RecommendationKind.SUGGESTION for r in plan.recommendations}
    return Dashboard(
        reviews=list(reviews),
        quarter=quarter,
        figures=figures,
        status_counts=status_counts,
        rag_counts=rag_counts,
        directions=list(plan.direction_counts.items()),
        recommendations=[row for row in rows if not is_suggestion[row.recommendation.pk]],
        suggestions=[row for row in rows if is_suggestion[row.recommendation.pk]],
        charts=[
            _rag_by_theme_chart(plan, reviews, base),
            _status_chart(reviews, quarter, today, base),
            _timeline_chart(plan, quarter, today),
        ],
        has_sample=plan.is_sample,
    )


def _rag_by_theme_chart(plan: PlanProgress, reviews, base) -> Chart:
    by_title: dict[str, list[int]] = {}
    for review in reviews:
        for theme in review.themes.all():
            by_title.setdefault(theme.title, []).append(theme.pk)
    rows = plan.rag_by_theme

    def link(index, rag):
        # A theme title two reviews share names no one theme: drill down by RAG alone.
        ids = by_title.get(rows[index][0], [])
        return actions_url(**base, theme=ids[0] if len(ids) == 1 else None, rag=rag)

    return rag_by_theme(
        [(theme, {rag.value: n for rag, n in counts.items() if n}) for theme, counts in rows],
        link=link,
    )


def _status_chart(reviews, quarter, today, base) -> Chart:
    quarters = quarter.last(4)
    counts = status_counts_by_quarter(reviews=reviews, quarters=quarters, today=today)
    rows = [(q.label, {s.value: n for s, n in by_status.items()}) for q, by_status in counts]

    def link(index, status):
        # Only the current quarter's figures are today's statuses, so only they drill down.
        return actions_url(**base, status=status) if index == len(quarters) - 1 else None

    return status_over_quarters(rows, link=link)


def _timeline_chart(plan: PlanProgress, quarter, today) -> Chart:
    start, end = quarter.start, quarter.next().end
    due = sorted(plan.milestones(due_from=start, due_to=end), key=lambda p: p[1].due_date)
    items = [
        {
            "title": m.title,
            "due_date": m.due_date,
            "completed_on": m.completed_on,
            "action_reference": action.reference,
            "overdue": m.state == MilestoneState.OVERDUE,
            "url": reverse("actions:action_detail", kwargs={"pk": action.pk}),
        }
        for action, m in due[:TIMELINE_LIMIT]
    ]
    return milestone_timeline(
        items, start=start, end=end, today=today, link=lambda item: item["url"]
    )
