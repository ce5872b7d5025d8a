"""Progress that contradicts itself is refused, the same way by the update form, the service
behind it (and so corrections and the admin) and the spreadsheet import: Complete is 100 % with
no milestone open, Not started is 0 %, and an action past its target date is not On track
without a revised target date and the reason for it."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.choices import ActionStatus
from actions.models import Action
from actions.services import progress_update_create
from imports.choices import ImportKind
from imports.services import import_batch_create
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReviewFactory,
    typed_date,
)
from tests.import_files import PLAN_HEADINGS, xlsx_bytes
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0), tick=False):
        yield


@pytest.fixture
def recommendation(council):
    return RecommendationFactory(review=ReviewFactory(council=council))


@pytest.fixture
def action(officer, recommendation):
    return ActionFactory(
        recommendation=recommendation,
        lead_officer=officer,
        start_date=dt.date(2026, 4, 1),
        target_date=dt.date(2027, 3, 31),
    )


def post_update(client, action, **data):
    client.force_login(action.lead_officer)
    fields = {"version": action.version, "status": "on_track", "percent_complete": 50}
    return client.post(reverse("actions:update_create", args=[action.pk]), fields | data)


def test_the_form_refuses_complete_below_100_percent(client, action):
    response = post_update(client, action, status="complete", percent_complete=60,
                           commentary="All done.")  # fmt: skip
    assert response.status_code == 200
    assert "A complete action is 100% done, not 60%" in response.content.decode()
    assert not action.updates.exists()


def test_the_form_refuses_complete_while_a_milestone_is_open(client, action):
    MilestoneFactory(action=action, title="Board sign-off", due_date=dt.date(2026, 11, 1))
    response = post_update(client, action, status="complete", percent_complete=100,
                           commentary="All done.")  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "“Board sign-off”" in page
    assert not action.updates.exists()


def test_completing_the_last_milestone_in_the_same_update_is_allowed(client, action):
    milestone = MilestoneFactory(action=action, title="Board sign-off", due_date=TODAY)
    response = post_update(
        client, action, status="complete", percent_complete=100, commentary="All done.",
        **{f"milestone_{milestone.pk}": "on"},
        **typed_date(f"milestone_{milestone.pk}_on", "2026-11-30"),
    )  # fmt: skip
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETE


def test_the_form_refuses_not_started_above_0_percent(client, action):
    response = post_update(client, action, status="not_started", percent_complete=20)
    assert "An action that has not started is 0% done, not 20%" in response.content.decode()


def test_on_track_past_the_target_date_needs_a_revised_date_and_a_reason(
    client, officer, recommendation
):
    late = ActionFactory(
        recommendation=recommendation,
        lead_officer=officer,
        start_date=dt.date(2025, 4, 1),
        target_date=dt.date(2026, 9, 30),
    )
    page = post_update(client, late, status="on_track").content.decode()
    assert "The action was due on 30 September 2026" in page
    page = post_update(
        client, late, **typed_date("revised_target_date", "2027-03-31")
    ).content.decode()
    assert "Say why the target date has changed" in page
    response = post_update(
        client, late, **typed_date("revised_target_date", "2027-03-31"),
        target_revision_reason="Waiting for the new finance system.",
    )  # fmt: skip
    assert response.status_code == 302
    late = Action.objects.get(pk=late.pk)
    assert (late.target_date, late.revised_target_date) == (
        dt.date(2026, 9, 30),
        dt.date(2027, 3, 31),
    )
    # Both dates are shown on the action's page.
    page = client.get(late.get_absolute_url()).content.decode()
    assert "30 September 2026" in page and "31 March 2027" in page


def test_the_service_refuses_what_the_form_refuses(action, officer):
    with pytest.raises(ValidationError, match="100% done"):
        progress_update_create(
            action=action, author=officer, status="complete", percent_complete=0,
            commentary="Done",
        )  # fmt: skip


def import_problems(plan_setup, *, reference, milestones, status, percent) -> str:
    """The problems a one-row action plan import reports, in one string."""
    rows = [
        PLAN_HEADINGS,
        [
            1, reference, "Appoint an Organisational Development lead",
            "casey.bennett@example.org", "", "", dt.datetime(2026, 4, 1),
            dt.datetime(2027, 3, 31), milestones, status, percent, "Lead appointed.",
        ],
    ]  # fmt: skip
    batch = import_batch_create(
        kind=ImportKind.ACTION_PLAN,
        content=xlsx_bytes(rows),
        filename="plan.xlsx",
        council=plan_setup.council,
        review=plan_setup.review,
        uploaded_by=plan_setup.performance,
    )
    return " ".join(problem["message"] for problem in batch.errors)


def test_an_import_refuses_complete_at_60_percent(plan_setup):
    messages = import_problems(
        plan_setup, reference="R1.1", milestones="", status="Complete", percent=60
    )
    assert "A complete action is 100% done, not 60%" in messages


@pytest.mark.parametrize(
    ("milestones", "refused"),
    [
        ("Lead appointed – 30/09/2026", True),
        ("Lead appointed – 30/09/2026 (completed 15/09/2026)", False),
    ],
)
def test_an_import_checks_a_new_actions_own_milestones_before_calling_it_complete(
    plan_setup, milestones, refused
):
    messages = import_problems(
        plan_setup, reference="R1.9", milestones=milestones, status="Complete", percent=100
    )
    expected = "cannot be complete while milestones are still open (“Lead appointed”)"
    assert (expected in messages) is refused, messages
