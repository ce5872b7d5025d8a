"""Property: whatever the history, every place that shows the plan on a day says the same.

Hypothesis draws plans with actions that start later, undated ones, completed and closed ones,
corrected entries, updates after the day, and milestones either side of it; the dashboard's
counts, the filtered actions and recommendations tables, the CSV download, the status chart and
the Cabinet report's snapshot must then agree for that day."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.choices import ActionStatus, Direction
from actions.filtersets import ActionFilterSet, RecommendationFilterSet
from actions.models import Action, Milestone, ProgressUpdate
from actions.progress import plan_as_at
from actions.selectors import recommendation_list
from actions.tables import NOT_BEGUN
from dashboard.selectors import dashboard_for
from reports.selectors import report_snapshot
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 23)  # 2026/27 Q3, mid-quarter
QUARTER = FinancialQuarter.containing(DAY)
DAYS = st.integers(min_value=-500, max_value=120).map(lambda n: DAY + dt.timedelta(days=n))

update_strategy = st.fixed_dictionaries(
    {
        "day": DAYS,
        "status": st.sampled_from(list(ActionStatus)),
        "correct": st.booleans(),
    }
)
action_strategy = st.fixed_dictionaries(
    {
        "start": st.one_of(st.none(), DAYS),
        "length": st.integers(min_value=0, max_value=400),
        "updates": st.lists(update_strategy, max_size=3),
        "milestones": st.lists(st.tuples(DAYS, st.one_of(st.none(), DAYS)), max_size=2),
    }
)
plan_strategy = st.lists(st.lists(action_strategy, min_size=1, max_size=3), min_size=1, max_size=3)


def moment(day: dt.date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build(review, author, recommendations):
    """Rows written straight to the tables: histories the forms' rules would refuse (an update
    after today, a complete action with open milestones) are exactly what the read must still
    count the same way everywhere."""
    for number, actions in enumerate(recommendations, start=1):
        recommendation = RecommendationFactory(review=review, number=number)
        for index, spec in enumerate(actions, start=1):
            start = spec["start"]
            action = ActionFactory(
                recommendation=recommendation,
                reference=f"R{number}.{index}",
                lead_officer=author,
                start_date=start,
                target_date=start + dt.timedelta(days=spec["length"]) if start else None,
            )
            previous = None
            for hour, update in enumerate(sorted(spec["updates"], key=lambda u: u["day"])):
                status = update["status"]
                previous = ProgressUpdate.objects.create(
                    action=action,
                    author=author,
                    recorded_at=moment(update["day"], 9 + hour),
                    status=status,
                    percent_complete=100 if status == ActionStatus.COMPLETE else 40,
                    commentary="Noted.",
                    corrects=previous if update["correct"] else None,
                )
            if previous:
                Action.objects.filter(pk=action.pk).update(
                    status=previous.status, percent_complete=previous.percent_complete
                )
            for due, completed in spec["milestones"]:
                Milestone.objects.create(
                    action=action,
                    title="Step",
                    due_date=due,
                    completed_on=min(completed, DAY) if completed else None,
                )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(recommendations=plan_strategy)
def test_every_view_of_the_plan_on_a_day_agrees(
    recommendations, council, cabinet_member, officer, client
):
    with time_machine.travel(dt.datetime(2026, 11, 23, 15, 0), tick=False), transaction.atomic():
        review = ReviewFactory(council=council, slug="cpc")
        build(review, officer, recommendations)
        check_agreement(review, cabinet_member, client)
        transaction.set_rollback(True)


def check_agreement(review, user, client):
    plan = plan_as_at(reviews=[review], day=DAY)
    board = dashboard_for(user=user, reviews=[review], today=DAY)
    dashboard_counts = {status: n for status, n, _ in board.status_counts}
    assert dashboard_counts == plan.status_counts

    # The status chart's current quarter is today's figures.
    chart = board.charts[1]
    assert chart.rows[-1][-1] == sum(plan.status_counts.values()) == len(plan.actions)

    # The actions table, filtered as the dashboard's figures link to it.
    request = RequestFactory().get("/")
    request.user = user
    annotated = Action.objects.visible_to(user).as_at(DAY)

    def table_count(**data):
        return ActionFilterSet(data=data, queryset=annotated, request=request, today=DAY).qs.count()

    for status, count in plan.status_counts.items():
        assert table_count(status=[status.value]) == count, status
    assert table_count(overdue="true") == len(plan.overdue)
    assert table_count(stale="true") == len(plan.stale)
    figures = {f.label: f.value for f in board.figures}
    assert figures["Overdue actions"] == str(len(plan.overdue))
    assert figures["No update this quarter"] == str(len(plan.stale))

    # Directions of travel, row by row.
    directions = {a.pk: Direction(a.direction_then) for a in annotated}
    assert {a.pk: a.direction for a in plan.actions} == {
        pk: d for pk, d in directions.items() if pk in {a.pk for a in plan.actions}
    }

    # The recommendations table rolls up the same way.
    recommendations = recommendation_list(user=user, day=DAY, previous_day=plan.previous_day)
    for status in ActionStatus:
        filtered = RecommendationFilterSet(
            data={"status": [status.value]}, queryset=recommendations, request=request, today=DAY
        ).qs.count()
        assert filtered == sum(r.status == status for r in plan.recommendations), status

    # The CSV download of the actions table has one row per action begun, with its status.
    client.force_login(user)
    response = client.get(reverse("actions:action_list"), {"review": review.pk, "_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    begun = [row for row in rows if not row["Status"].startswith(NOT_BEGUN)]
    assert len(begun) == len(plan.actions) and len(rows) - len(begun) == len(plan.later_starts)
    for status, count in plan.status_counts.items():
        assert sum(row["Status"].startswith(status.label + " (") for row in rows) == count

    # The Cabinet report's snapshot of the quarter, as at the same day.
    snapshot = report_snapshot(reviews=[review], quarter=QUARTER, today=DAY)
    assert snapshot.status_counts == plan.status_counts
    assert snapshot.headline.actions == len(plan.actions)
    assert snapshot.headline.later_starts == len(plan.later_starts)
    assert snapshot.headline.overdue == len(plan.overdue)
    assert snapshot.headline.stale == len(plan.stale)
    assert snapshot.status_over_quarters[-1][1] == snapshot.status_counts
