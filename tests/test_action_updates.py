"""An officer records progress in the browser: updates, milestones, corrections, reassignment,
and no update is ever lost to someone else's save."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.services import person_ensure
from actions.choices import UpdateSource
from actions.models import Action, Milestone, ProgressUpdate
from actions.services import progress_update_create
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReviewFactory,
    typed_date,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(personas, council, directorate):
    return ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=council)),
        lead_officer=personas[Role.OFFICER],
        directorate=directorate,
        start_date=dt.date(2024, 4, 1),
    )


@pytest.fixture
def milestone(action):
    return MilestoneFactory(action=action, title="Board approves the plan")


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def opened(client, url) -> dict:
    """GET a form page and return the hidden fields it carries, as a browser would send them."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    return {"version": form["version"].value(), "seen_at": form["seen_at"].value()}


def update_url(action):
    return reverse("actions:update_create", kwargs={"pk": action.pk})


def test_it_saves_an_at_risk_update_and_returns_to_my_actions_with_a_banner(officer, action):
    client = signed_in(officer)
    data = opened(client, update_url(action)) | {
        "status": "at_risk",
        "percent_complete": "40",
        "commentary": "Recruitment has slipped to January.",
        "evidence_url": "https://example.org/board-paper.pdf",
    }
    response = client.post(update_url(action), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:my_actions")
    action.refresh_from_db()
    assert (action.status, action.percent_complete, action.version) == ("at_risk", 40, 2)
    update = action.updates.get()
    assert update.author == officer and update.source == UpdateSource.WEB
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Your update to {action.reference} has been saved."
    ]
    page = client.get(response["Location"]).content.decode()
    assert f"Your update to {action.reference} has been saved." in page
    assert "govuk-notification-banner--success" in page


def test_it_completes_a_milestone_with_the_update_and_records_who(officer, action, milestone):
    client = signed_in(officer)
    data = opened(client, update_url(action)) | {
        "status": "on_track",
        "percent_complete": "50",
        f"milestone_{milestone.pk}": "on",
        **typed_date(f"milestone_{milestone.pk}_on", "2024-10-01"),
    }
    assert client.post(update_url(action), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == dt.date(2024, 10, 1)
    assert milestone.history.latest().history_user == officer


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"status": "at_risk", "commentary": ""}, "commentary", "Say why the action is at risk"),
        ({"status": "off_track", "commentary": "   "}, "commentary", "off track"),
        ({"status": "complete", "commentary": ""}, "commentary", "complete"),
        ({"commentary": "x" * 4001}, "commentary", "4,000 characters or fewer"),
        ({"percent_complete": "101"}, "percent_complete", "100 or less"),
        ({"percent_complete": "-1"}, "percent_complete", "0 or more"),
        ({"percent_complete": "lots"}, "percent_complete", "whole number"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url", "https://"),
        ({"evidence_url": "ftp://example.org/file"}, "evidence_url", "https://"),
        ({"status": ""}, "status", "Select the action's status"),
    ],
)
def test_a_mistake_is_shown_next_to_its_field_and_everything_typed_is_kept(
    officer, action, typed, field, message
):
    client = signed_in(officer)
    data = opened(client, update_url(action)) | {
        "status": "on_track",
        "percent_complete": "35",
        "commentary": "Typed with care.",
        "evidence_url": "https://example.org/evidence",
    }
    data |= typed
    response = client.post(update_url(action), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in page
    # Radio groups have no label id; the link goes to their first option, as GOV.UK does.
    anchor = form[field].id_for_label or f"{form[field].auto_id}_0"
    assert f'href="#{anchor}"' in page
    for name, value in data.items():
        if name not in ("version", "seen_at") and value and name != field:
            assert form[name].value() == value
    assert action.updates.count() == 0


def _tomorrow():
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (_tomorrow, "cannot be in the future"),
        (lambda: "2024-03-31", "cannot be before the action started"),
        (lambda: "", "Enter the date"),
    ],
)
def test_a_milestone_date_in_the_future_or_before_the_start_is_refused(
    officer, action, milestone, day, message
):
    client = signed_in(officer)
    url = update_url(action)
    data = opened(client, url) | {
        "status": "on_track",
        "percent_complete": "35",
        f"milestone_{milestone.pk}": "on",
        **typed_date(f"milestone_{milestone.pk}_on", day()),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors[f"milestone_{milestone.pk}_on"]
    assert message in " ".join(errors)
    milestone.refresh_from_db()
    assert milestone.completed_on is None
    assert action.updates.count() == 0


def test_commentary_is_plain_text_on_the_action_page(officer, action):
    progress_update_create(
        action=action,
        author=officer,
        status="at_risk",
        percent_complete=10,
        commentary='<script>alert("x")</script><b>bold</b>',
    )
    page = signed_in(officer).get(action.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page


def test_commentary_is_plain_text_in_the_admin(personas, action):
    update = progress_update_create(
        action=action, author=action.lead_officer, status="at_risk", percent_complete=10,
        commentary="<img src=x onerror=alert(1)>",
    )  # fmt: skip
    client = signed_in(personas[Role.PERFORMANCE])
    page = client.get(reverse("admin:actions_progressupdate_change", args=[update.pk]))
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.content.decode()
    assert "<img src=x" not in page.content.decode()


def test_the_history_shows_each_status_change_newest_first(officer, action):
    for status, percent, note in [("on_track", 10, ""), ("at_risk", 20, "Slipped")]:
        progress_update_create(
            action=action, author=officer, status=status, percent_complete=percent, commentary=note
        )
    page = signed_in(officer).get(action.get_absolute_url()).content.decode()
    assert page.index("changed from On track") < page.index("first update")


# No lost updates: two people working on the same action at the same time.


def test_the_second_of_two_simultaneous_updates_is_refused_and_says_what_changed(personas, action):
    officer, director = personas[Role.OFFICER], personas[Role.DIRECTOR]
    first, second = signed_in(officer), signed_in(director)
    url = update_url(action)
    first_form, second_form = opened(first, url), opened(second, url)

    saved = first.post(
        url,
        first_form | {"status": "at_risk", "percent_complete": "45", "commentary": "Delayed."},
    )
    assert saved.status_code == 302
    typed = {"status": "on_track", "percent_complete": "50", "commentary": "All fine here."}
    refused = second.post(url, second_form | typed)

    assert refused.status_code == 200
    assert action.updates.count() == 1
    page = refused.content.decode()
    assert "Someone else changed this after you opened the page" in page
    assert "Action Persona added a progress update" in page
    assert "At risk, 45% complete" in page
    form = refused.context["form"]
    assert [form[name].value() for name in typed] == list(typed.values())

    # Having seen the change, the director can still save theirs on purpose.
    resubmitted = {"version": form["version"].value(), "seen_at": form["seen_at"].value()}
    assert second.post(url, resubmitted | typed).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.updates.count()) == ("on_track", 2)


def test_a_milestone_completed_meanwhile_refuses_the_older_update_form(personas, action, milestone):
    officer, performance = personas[Role.OFFICER], personas[Role.PERFORMANCE]
    first, second = signed_in(officer), signed_in(performance)
    update_form = opened(first, update_url(action))
    milestone_url = reverse(
        "actions:milestone_complete", kwargs={"pk": action.pk, "milestone_pk": milestone.pk}
    )
    milestone_form = opened(second, milestone_url)
    assert (
        second.post(
            milestone_url, milestone_form | typed_date("completed_on", "2024-09-30")
        ).status_code
        == 302
    )

    refused = first.post(
        update_url(action), update_form | {"status": "on_track", "percent_complete": "60"}
    )
    assert refused.status_code == 200
    assert "Board approves the plan" in refused.content.decode()
    assert action.updates.count() == 0


def test_the_second_of_two_people_completing_one_milestone_is_refused(personas, action, milestone):
    url = reverse(
        "actions:milestone_complete", kwargs={"pk": action.pk, "milestone_pk": milestone.pk}
    )
    first, second = signed_in(personas[Role.OFFICER]), signed_in(personas[Role.DIRECTOR])
    first_form, second_form = opened(first, url), opened(second, url)
    assert first.post(url, first_form | typed_date("completed_on", "2024-09-30")).status_code == 302
    refused = second.post(url, second_form | typed_date("completed_on", "2024-10-15"))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Action Persona changed completed on" in page
    milestone.refresh_from_db()
    assert milestone.completed_on == dt.date(2024, 9, 30)


def test_a_director_reassigns_the_lead_within_the_directorate_and_the_history_shows_it(
    personas, council, directorate, action, django_capture_on_commit_callbacks, mailoutbox
):
    director = personas[Role.DIRECTOR]
    colleague = person_ensure(
        username="colleague",
        council=council,
        role=Role.OFFICER,
        directorate=directorate,
        first_name="Sam",
        last_name="Colleague",
    )
    client = signed_in(director)
    url = reverse("actions:action_reassign", kwargs={"pk": action.pk})
    colleague.email = "sam@example.org"
    colleague.save()
    no_reason = client.post(url, opened(client, url) | {"lead_officer": colleague.pk})
    assert "Enter why the lead officer is changing" in no_reason.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            opened(client, url) | {"lead_officer": colleague.pk, "reason": "Moved to finance."},
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.lead_officer == colleague and action.version == 2
    assert [m.to for m in mailoutbox] == [["sam@example.org"]]
    assert "Moved to finance." in mailoutbox[0].body and action.reference in mailoutbox[0].body
    record = action.history.latest()
    assert record.history_user == director
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Changes to this action" in page
    assert "lead officer changed from <strong>Action Persona</strong> to" in page
    assert "<strong>Sam Colleague</strong>" in page
    assert "Reason: Moved to finance." in page


def test_a_director_cannot_hand_an_action_to_someone_outside_the_directorate(
    personas, council, action
):
    outsider = person_ensure(username="outsider", council=council, role=Role.OFFICER)
    client = signed_in(personas[Role.DIRECTOR])
    url = reverse("actions:action_reassign", kwargs={"pk": action.pk})
    response = client.post(url, opened(client, url) | {"lead_officer": outsider.pk})
    assert response.status_code == 200
    assert "lead_officer" in response.context["form"].errors
    action.refresh_from_db()
    assert action.lead_officer == personas[Role.OFFICER]


def test_a_reassignment_based_on_an_old_page_is_refused_after_an_update(personas, action):
    director, officer = signed_in(personas[Role.DIRECTOR]), signed_in(personas[Role.OFFICER])
    url = reverse("actions:action_reassign", kwargs={"pk": action.pk})
    stale = opened(director, url)
    update = opened(officer, update_url(action))
    officer.post(update_url(action), update | {"status": "on_track", "percent_complete": "5"})
    refused = director.post(
        url, stale | {"lead_officer": personas[Role.DIRECTOR].pk, "reason": "Leaving."}
    )
    assert refused.status_code == 200
    assert "added a progress update" in refused.content.decode()


def test_the_performance_team_corrects_an_entry_by_adding_one(personas, action):
    wrong = progress_update_create(
        action=action, author=personas[Role.OFFICER], status="complete", percent_complete=100,
        commentary="Done.",
    )  # fmt: skip
    client = signed_in(personas[Role.PERFORMANCE])
    url = reverse("actions:update_correct", kwargs={"pk": action.pk})
    response = client.post(
        url,
        opened(client, url)
        | {
            "corrects": wrong.pk,
            "status": "on_track",
            "percent_complete": "60",
            "commentary": "Entered as complete by mistake; the final report is due in March.",
        },
    )
    assert response.status_code == 302
    correction = action.updates.exclude(pk=wrong.pk).get()
    assert correction.source == UpdateSource.CORRECTION and correction.corrects == wrong
    wrong.refresh_from_db()
    assert (wrong.status, wrong.percent_complete) == ("complete", 100)
    action.refresh_from_db()
    assert action.status == "on_track"


def test_an_admin_edit_moves_the_version_on_and_refuses_a_stale_admin_page(personas, action):
    client = signed_in(personas[Role.PERFORMANCE])
    url = reverse("admin:actions_action_change", args=[action.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in ((n, form[n].value()) for n in form.fields)
        if name != "contributors"
    }
    data |= {
        "description": "Reworded by the performance team",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.version == 2
    assert action.history.latest().history_user == personas[Role.PERFORMANCE]
    stale = client.post(url, data | {"description": "Second go on the old page"})
    assert stale.status_code == 200
    assert "Someone else changed" in stale.content.decode()


# Rules the models enforce, whatever the form.


def test_a_target_date_before_the_start_is_a_field_error():
    action = Action(start_date=dt.date(2025, 4, 1), target_date=dt.date(2025, 3, 31))
    with pytest.raises(ValidationError) as error:
        action.clean()
    assert "target_date" in error.value.message_dict


def test_a_milestone_cannot_be_completed_in_the_future_or_before_its_action_started(action):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for day in (tomorrow, dt.date(2024, 3, 1)):
        milestone = Milestone(action=action, title="x", due_date=dt.date(2024, 9, 1))
        milestone.completed_on = day
        with pytest.raises(ValidationError) as error:
            milestone.clean()
        assert "completed_on" in error.value.message_dict


def test_percent_outside_0_to_100_is_a_field_error(action):
    for percent in (-1, 101):
        update = ProgressUpdate(
            action=action, author=action.lead_officer, status="on_track", percent_complete=percent
        )
        with pytest.raises(ValidationError) as error:
            update.full_clean()
        assert "percent_complete" in error.value.message_dict
