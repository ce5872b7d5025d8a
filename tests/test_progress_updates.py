import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.choices import ActionStatus, Direction
from actions.models import Action
from actions.services import progress_update_create
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db


def status_on(action, day):
    """What the plan said of the action at the end of ``day`` (the one rule: ``as_at``)."""
    return Action.objects.with_status_at(day).get(pk=action.pk).status_at


def direction_between(action, previous_day, day):
    return Direction(Action.objects.as_at(day, previous_day).get(pk=action.pk).direction_then)


def at(day: str):
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12)))


def test_the_latest_update_becomes_the_actions_status():
    action = ActionFactory()
    author = action.lead_officer
    progress_update_create(
        action=action,
        author=author,
        status="on_track",
        percent_complete=20,
        recorded_at=at("2024-06-20"),
    )
    progress_update_create(
        action=action,
        author=author,
        status="at_risk",
        percent_complete=30,
        commentary="Recruitment delayed.",
        recorded_at=at("2024-09-20"),
    )
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("at_risk", 30)
    assert action.updates.count() == 2


def test_a_backdated_update_keeps_the_history_and_the_newer_status():
    action = ActionFactory()
    progress_update_create(
        action=action,
        author=action.lead_officer,
        status="on_track",
        percent_complete=50,
        recorded_at=at("2024-09-20"),
    )
    progress_update_create(
        action=action,
        author=action.lead_officer,
        status="at_risk",
        percent_complete=40,
        commentary="Late entry",
        recorded_at=at("2024-06-20"),
    )
    action.refresh_from_db()
    assert action.status == "on_track"


def test_an_at_risk_update_without_commentary_is_refused_with_a_message():
    action = ActionFactory()
    with pytest.raises(ValidationError) as error:
        progress_update_create(
            action=action,
            author=action.lead_officer,
            status="at_risk",
            percent_complete=10,
            commentary="  ",
        )
    assert "commentary" in error.value.message_dict
    assert action.updates.count() == 0


def test_status_as_at_a_day_ignores_later_updates():
    action = ActionFactory()
    progress_update_create(
        action=action,
        author=UserFactory(),
        status="on_track",
        percent_complete=20,
        recorded_at=at("2024-06-30"),
    )
    progress_update_create(
        action=action,
        author=UserFactory(),
        status="off_track",
        percent_complete=20,
        commentary="Funding withdrawn",
        recorded_at=at("2024-07-01"),
    )
    assert status_on(action, dt.date(2024, 6, 30)) == ActionStatus.ON_TRACK
    assert status_on(action, dt.date(2024, 3, 31)) is None  # before it started
    assert (
        direction_between(action, dt.date(2024, 6, 30), dt.date(2024, 9, 30)) == Direction.WORSENED
    )


def test_an_action_not_updated_for_a_quarter_shows_no_change():
    action = ActionFactory(start_date=dt.date(2024, 4, 1))
    progress_update_create(
        action=action,
        author=UserFactory(),
        status="on_track",
        percent_complete=20,
        recorded_at=at("2024-05-01"),
    )
    assert (
        direction_between(action, dt.date(2024, 6, 30), dt.date(2024, 9, 30)) == Direction.UNCHANGED
    )


def test_an_action_that_started_after_the_last_quarter_end_is_new():
    action = ActionFactory(start_date=dt.date(2024, 8, 1), target_date=dt.date(2025, 3, 31))
    progress_update_create(
        action=action,
        author=UserFactory(),
        status="on_track",
        percent_complete=5,
        recorded_at=at("2024-08-20"),
    )
    assert direction_between(action, dt.date(2024, 6, 30), dt.date(2024, 9, 30)) == Direction.NEW


def test_an_action_started_but_never_updated_counts_as_not_started_at_both_ends():
    action = ActionFactory(start_date=dt.date(2024, 4, 1))
    assert (
        direction_between(action, dt.date(2024, 6, 30), dt.date(2024, 9, 30)) == Direction.UNCHANGED
    )
