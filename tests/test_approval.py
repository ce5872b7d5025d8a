"""Approval before it counts: where the council asks for it, an officer's update is Submitted
until the directorate's director or the performance team accepts or returns it."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from actions.choices import Approval, TaskState
from actions.models import Action, ProgressUpdate
from actions.services import (
    ReviewRefused,
    progress_update_accept,
    progress_update_create,
    progress_update_return,
)
from tests.factories import ActionFactory, DirectorateFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(council, directorate, officer):
    council.updates_need_approval = True
    council.save()
    return ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=council)),
        reference="R3.1",
        lead_officer=officer,
        directorate=directorate,
    )


def submit(action, officer, status="on_track", percent=40):
    return progress_update_create(
        action=action,
        author=officer,
        status=status,
        percent_complete=percent,
        commentary="What happened this quarter.",
    )


def test_it_holds_an_officers_update_as_submitted_and_it_does_not_count(action, officer):
    update = submit(action, officer)
    action.refresh_from_db()
    assert update.approval == Approval.SUBMITTED
    assert not ProgressUpdate.objects.counted().filter(pk=update.pk).exists()
    assert (action.status, action.percent_complete) == ("not_started", 0)


def test_it_counts_once_the_director_accepts(action, officer, personas):
    update = submit(action, officer)
    progress_update_accept(update=update, by=personas[Role.DIRECTOR])
    action.refresh_from_db()
    assert ProgressUpdate.objects.counted().filter(pk=update.pk).exists()
    assert (action.status, action.percent_complete) == ("on_track", 40)
    update.refresh_from_db()
    assert update.reviewed_by == personas[Role.DIRECTOR] and update.reviewed_at


def test_a_returned_update_never_counts_and_says_why(action, officer, personas):
    accepted = submit(action, officer, percent=20)
    progress_update_accept(update=accepted, by=personas[Role.PERFORMANCE])
    later = submit(action, officer, status="complete", percent=100)
    progress_update_return(update=later, by=personas[Role.PERFORMANCE], reason="Milestone 2?")
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("on_track", 20)
    later.refresh_from_db()
    assert later.approval == Approval.RETURNED and later.review_reason == "Milestone 2?"
    with pytest.raises(ValueError):
        progress_update_return(
            update=submit(action, officer), by=personas[Role.DIRECTOR], reason=" "
        )


def test_an_update_is_decided_once(action, officer, personas):
    update = submit(action, officer)
    progress_update_accept(update=update, by=personas[Role.DIRECTOR])
    with pytest.raises(ReviewRefused):
        progress_update_return(update=update, by=personas[Role.PERFORMANCE], reason="No")


def test_a_director_of_another_directorate_may_not_approve(action, officer, council):
    from accounts.services import person_ensure

    other = person_ensure(
        username="other-director",
        council=council,
        role=Role.DIRECTOR,
        directorate=DirectorateFactory(council=council, name="Adult Social Care"),
    )
    update = submit(action, officer)
    assert not ProgressUpdate.objects.awaiting_approval_by(other).exists()
    with pytest.raises(PermissionError):
        progress_update_accept(update=update, by=other)


def test_approvers_and_imports_count_at_once_and_the_setting_off_counts_everything(
    action, officer, personas, council
):
    own = submit(action, personas[Role.DIRECTOR])
    assert own.approval == Approval.NOT_NEEDED
    council.updates_need_approval = False
    council.save()
    action = Action.objects.get(pk=action.pk)
    assert submit(action, officer).approval == Approval.NOT_NEEDED


def test_the_director_accepts_and_returns_from_the_queue_page(client, action, officer, personas):
    first = submit(action, officer)
    client.force_login(personas[Role.DIRECTOR])
    queue = client.get(reverse("actions:approval_queue"))
    assert list(queue.context["updates"]) == [first]
    assert "1 update waiting" in queue.content.decode()
    response = client.post(reverse("actions:update_accept", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.approval == Approval.ACCEPTED

    second = submit(action, officer, status="at_risk", percent=45)
    empty = client.post(reverse("actions:update_return", args=[second.pk]), {"reason": ""})
    assert "Enter why you are returning the update" in empty.content.decode()
    client.post(reverse("actions:update_return", args=[second.pk]), {"reason": "Add a date."})
    second.refresh_from_db()
    assert second.approval == Approval.RETURNED

    history = client.get(action.get_absolute_url()).content.decode()
    assert "Returned" in history and "Add a date." in history and "Accepted" in history


def test_the_officer_cannot_reach_the_queue_or_accept(client, action, officer):
    update = submit(action, officer)
    client.force_login(officer)
    assert client.get(reverse("actions:approval_queue")).status_code == 403
    assert client.post(reverse("actions:update_accept", args=[update.pk])).status_code == 403
    update.refresh_from_db()
    assert update.approval == Approval.SUBMITTED


def test_a_returned_update_is_top_of_the_officers_to_do_list_with_its_reason(
    client, action, officer, personas
):
    others = [
        ActionFactory(
            recommendation=RecommendationFactory(review=action.recommendation.review, number=n),
            reference=f"R{n}.1",
            lead_officer=officer,
        )
        for n in (1, 2)
    ]
    returned = submit(action, officer)
    progress_update_return(update=returned, by=personas[Role.DIRECTOR], reason="Which board?")
    client.force_login(officer)
    page = client.get(reverse("actions:my_actions"))
    tasks = page.context["tasks"]
    assert tasks[0] == action and tasks[0].task_state == TaskState.RETURNED
    assert {a.pk for a in tasks[1:]} == {a.pk for a in others}
    assert "Which board?" in page.content.decode()
    form = client.get(reverse("actions:update_create", args=[action.pk])).content.decode()
    assert "Your last update was returned" in form and "Which board?" in form


def test_the_update_form_says_it_will_be_submitted(client, action, officer):
    client.force_login(officer)
    page = client.get(reverse("actions:update_create", args=[action.pk])).content.decode()
    assert "Submit update" in page and "counts in the dashboard and Cabinet reports" in page
