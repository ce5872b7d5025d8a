"""Reading the plan as it stood at a quarter-end, from the update history."""

import datetime as dt

import pytest
from django.utils import timezone

from actions.choices import Direction
from actions.models import Action
from actions.selectors import recommendation_direction
from actions.services import progress_update_create
from tests.factories import ActionFactory, RecommendationFactory
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db
Q2 = FinancialQuarter(2024, 2)


def update(action, day, status, percent=10, commentary="note"):
    moment = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9)))
    progress_update_create(
        action=action,
        author=action.lead_officer,
        status=status,
        percent_complete=percent,
        commentary=commentary,
        recorded_at=moment,
    )


def read(queryset):
    return {a.reference: a for a in queryset.as_at(Q2.end, Q2.previous().end)}


def test_an_update_after_the_quarter_end_is_not_part_of_that_quarter():
    action = ActionFactory(reference="R1.1")
    update(action, "2024-09-30", "on_track", 40, "On plan")
    update(action, "2024-10-01", "off_track", 40, "Budget pulled")
    seen = read(Action.objects.all())["R1.1"]
    assert (seen.status_then, seen.percent_then, seen.commentary_then) == (
        "on_track",
        40,
        "On plan",
    )


def test_directions_of_many_actions_cost_one_query(django_assert_num_queries):
    recommendation = RecommendationFactory()
    for n, (before, after) in enumerate([("on_track", "at_risk"), ("at_risk", "on_track")]):
        action = ActionFactory(recommendation=recommendation, reference=f"R1.{n}")
        update(action, "2024-06-15", before)
        update(action, "2024-08-15", after)
    with django_assert_num_queries(1):
        seen = read(Action.objects.all())
    assert Direction(seen["R1.0"].direction_then) == Direction.WORSENED
    assert Direction(seen["R1.1"].direction_then) == Direction.IMPROVED
    # Worst open action: at risk before and after, so the recommendation has not moved.
    assert recommendation_direction(list(seen.values())) == Direction.UNCHANGED


def test_an_action_with_no_update_in_the_quarter_keeps_its_earlier_status():
    action = ActionFactory(reference="R1.1")
    update(action, "2024-05-01", "at_risk")
    seen = read(Action.objects.all())["R1.1"]
    assert seen.status_then == "at_risk"
    assert Direction(seen.direction_then) == Direction.UNCHANGED


def test_an_action_starting_within_the_quarter_is_new():
    action = ActionFactory(reference="R1.1", start_date=dt.date(2024, 8, 1))
    update(action, "2024-08-20", "on_track")
    seen = read(Action.objects.all())["R1.1"]
    assert Direction(seen.direction_then) == Direction.NEW


def test_an_undated_action_without_updates_is_not_started_at_both_ends_not_new():
    ActionFactory(reference="R1.1", start_date=None, target_date=None)
    assert Direction(read(Action.objects.all())["R1.1"].direction_then) == Direction.UNCHANGED


def test_the_direction_of_travel_reads_each_days_status_once_not_once_per_status():
    """Django's Case(When(...)) would repeat the status subquery in every WHEN: ranking both
    days' statuses that way put 52 subqueries of updates in the SQL, each compiled by Django and
    run for every row (most of My actions' and a cold dashboard's time under load)."""
    sql = str(Action.objects.as_at(Q2.end, Q2.previous().end).query)
    assert sql.count('"actions_progressupdate"') <= 20
