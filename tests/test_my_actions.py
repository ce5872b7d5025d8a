"""My actions: the officer's quarter-end list, and the performance team's update rounds."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.services import person_ensure
from actions.choices import Approval, TaskState
from actions.models import ProgressUpdate, UpdateRound
from actions.services import progress_update_create, update_round_open
from tests.factories import (
    ActionFactory,
    DirectorateFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReviewFactory,
    UserFactory,
    typed_date,
)
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def review(council):
    return ReviewFactory(council=council, title="Corporate Peer Challenge 2023")


def make_actions(review, lead, count, *, directorate=None, start_number=1):
    actions = []
    for n in range(start_number, start_number + count):
        action = ActionFactory(
            recommendation=RecommendationFactory(review=review, number=n),
            reference=f"R{n}.1",
            lead_officer=lead,
            directorate=directorate,
        )
        MilestoneFactory(action=action, due_date=dt.date(2024, 6, 30))
        MilestoneFactory(action=action, due_date=dt.date(2030, 6, 30))
        progress_update_create(
            action=action, author=lead, status="on_track", percent_complete=10 * n % 100
        )
        actions.append(action)
    return actions


def test_it_lists_only_the_actions_i_lead_or_contribute_to(client, officer, review, council):
    mine = make_actions(review, officer, 2)
    someone_else = UserFactory()
    theirs = make_actions(review, someone_else, 1, start_number=5)[0]
    helping = make_actions(review, someone_else, 1, start_number=7)[0]
    helping.contributors.add(officer)
    client.force_login(officer)
    table = client.get(reverse("actions:my_actions")).context["table"]
    shown = {row.record.reference for row in table.rows}
    assert shown == {mine[0].reference, mine[1].reference, helping.reference}
    assert theirs.reference not in shown


def test_a_director_sees_every_action_of_their_directorate(client, personas, review, directorate):
    other = DirectorateFactory(council=directorate.council, name="Invest Sefton")
    ours = make_actions(review, UserFactory(), 2, directorate=directorate)
    make_actions(review, UserFactory(), 1, directorate=other, start_number=5)
    client.force_login(personas[Role.DIRECTOR])
    table = client.get(reverse("actions:my_actions")).context["table"]
    assert {row.record.pk for row in table.rows} == {a.pk for a in ours}


def test_it_flags_actions_not_updated_this_quarter_and_overdue_milestones(client, officer, review):
    fresh, stale = make_actions(review, officer, 2)
    quarter = FinancialQuarter.containing(timezone.localdate())
    stale.updates.update(recorded_at=at(quarter.previous().end))
    fresh.milestones.update(completed_on=dt.date(2024, 6, 1))
    client.force_login(officer)
    response = client.get(reverse("actions:my_actions"))
    rows = {row.record.pk: row.record for row in response.context["table"].rows}
    assert rows[stale.pk].task_state == TaskState.TO_DO
    assert rows[fresh.pk].task_state == TaskState.UPDATED
    assert rows[stale.pk].has_overdue_milestone is True
    assert rows[fresh.pk].has_overdue_milestone is False
    assert rows[fresh.pk].next_milestone_due is None
    assert rows[stale.pk].next_milestone_due == dt.date(2024, 6, 30)
    page = response.content.decode()
    last = f"{quarter.previous().end:%-d %B %Y}"
    assert page.count(f"Not updated this quarter: last updated {last}</strong>") == 1
    assert page.count("Milestone overdue</strong>") == 1


def test_it_groups_rows_by_review_and_recommendation(client, officer, review):
    later = make_actions(review, officer, 1, start_number=9)[0]
    earlier = make_actions(review, officer, 1, start_number=2)[0]
    client.force_login(officer)
    page = client.get(reverse("actions:my_actions")).content.decode()
    page = page[page.index("<table") :]  # the table of all actions, below the to-do list
    assert page.count('class="govuk-table__row app-group-row"') == 2
    assert page.index(">R2</a>") < page.index(earlier.reference) < page.index(">R9</a>")
    assert page.index(">R9</a>") < page.index(later.reference)
    assert "Corporate Peer Challenge 2023" in page


def test_it_filters_by_status_and_sorts_by_last_update(client, officer, review):
    _, two, _ = make_actions(review, officer, 3)
    progress_update_create(
        action=two, author=officer, status="at_risk", percent_complete=5, commentary="Late"
    )
    client.force_login(officer)
    table = client.get(reverse("actions:my_actions"), {"status": "at_risk"}).context["table"]
    assert [row.record.pk for row in table.rows] == [two.pk]
    table = client.get(reverse("actions:my_actions"), {"sort": "-last_update_at"}).context["table"]
    assert next(iter(table.rows)).record.pk == two.pk


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, officer, review, django_assert_max_num_queries
):
    make_actions(review, officer, 2)
    client.force_login(officer)
    url = reverse("actions:my_actions")
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    make_actions(review, officer, 15, start_number=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["table"].rows) == 17


def test_it_paginates(client, officer, review):
    make_actions(review, officer, 27)
    client.force_login(officer)
    response = client.get(reverse("actions:my_actions"))
    assert len(response.context["table"].page.object_list) == 25
    assert 'class="govuk-pagination"' in response.content.decode()


def test_the_navigation_offers_my_actions_to_officers_and_rounds_to_the_performance_team(
    client, personas
):
    client.force_login(personas[Role.OFFICER])
    page = client.get(reverse("actions:my_actions")).content.decode()
    assert ">My actions</strong>" in page and "Update rounds" not in page
    client.force_login(personas[Role.CABINET])
    page = client.get(reverse("actions:action_list")).content.decode()
    assert "My actions" not in page
    client.force_login(personas[Role.PERFORMANCE])
    assert "Update rounds" in client.get(reverse("actions:action_list")).content.decode()


# Update rounds.


@pytest.fixture
def current_quarter():
    return FinancialQuarter.containing(timezone.localdate())


def test_the_performance_team_opens_a_round_and_owners_see_what_is_outstanding(
    client, personas, council, review, current_quarter
):
    officer = personas[Role.OFFICER]
    done, outstanding = make_actions(review, officer, 2)
    outstanding.updates.update(recorded_at=at(current_quarter.previous().end))
    client.force_login(personas[Role.PERFORMANCE])
    deadline = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(
        reverse("actions:round_create"),
        {"quarter": current_quarter.slug, **typed_date("deadline", deadline)},
    )
    update_round = UpdateRound.objects.get()
    assert response["Location"] == update_round.get_absolute_url()
    team_page = client.get(update_round.get_absolute_url()).content.decode()
    assert outstanding.reference in team_page and done.reference not in team_page

    client.force_login(officer)
    page = client.get(reverse("actions:my_actions"))
    assert page.context["outstanding"] == [outstanding]
    assert (
        f"The performance team has asked for updates for {current_quarter.label} by"
        in page.content.decode()
    )


def test_a_second_open_round_for_the_same_quarter_is_refused(
    client, personas, council, current_quarter
):
    update_round_open(
        council=council,
        quarter=current_quarter,
        deadline=current_quarter.end,
        opened_by=personas[Role.PERFORMANCE],
    )
    client.force_login(personas[Role.PERFORMANCE])
    response = client.post(
        reverse("actions:round_create"),
        {"quarter": current_quarter.slug, **typed_date("deadline", current_quarter.end)},
    )
    assert response.status_code == 200
    assert "already open" in " ".join(response.context["form"].errors["quarter"])
    with pytest.raises(IntegrityError), transaction.atomic():
        UpdateRound.objects.create(
            council=council,
            quarter_start_year=current_quarter.start_year,
            quarter_number=current_quarter.number,
            deadline=current_quarter.end,
            opened_by=personas[Role.PERFORMANCE],
        )


def test_a_closed_round_can_be_opened_again(client, personas, council, current_quarter):
    first = update_round_open(
        council=council,
        quarter=current_quarter,
        deadline=current_quarter.end,
        opened_by=personas[Role.PERFORMANCE],
    )
    client.force_login(personas[Role.PERFORMANCE])
    client.post(reverse("actions:round_close", kwargs={"pk": first.pk}))
    first.refresh_from_db()
    assert not first.is_open
    update_round_open(
        council=council,
        quarter=current_quarter,
        deadline=current_quarter.end,
        opened_by=personas[Role.PERFORMANCE],
    )
    assert UpdateRound.objects.open().count() == 1


def test_reminders_email_each_owner_once_listing_their_outstanding_actions(
    personas, council, review, current_quarter
):
    officer = personas[Role.OFFICER]
    officer.email = "officer@example.org"
    officer.save()
    colleague = person_ensure(
        username="colleague", council=council, role=Role.OFFICER, email="colleague@example.org"
    )
    mine = make_actions(review, officer, 2)
    theirs = make_actions(review, colleague, 1, start_number=5)
    up_to_date = make_actions(review, colleague, 1, start_number=7)[0]
    for action in [*mine, *theirs]:
        action.updates.update(recorded_at=at(current_quarter.previous().end))
    progress_update_create(
        action=up_to_date, author=colleague, status="on_track", percent_complete=50
    )
    update_round = update_round_open(
        council=council,
        quarter=current_quarter,
        deadline=current_quarter.end,
        opened_by=personas[Role.PERFORMANCE],
    )

    call_command("send_update_reminders", "--round", str(update_round.pk), "--dry-run")
    assert mail.outbox == []

    out = StringIO()
    call_command("send_update_reminders", stdout=out)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2
    assert set(by_recipient) == {"officer@example.org", "colleague@example.org"}
    officer_mail = by_recipient["officer@example.org"].body
    assert all(a.reference in officer_mail for a in mine)
    assert up_to_date.reference not in by_recipient["colleague@example.org"].body
    assert current_quarter.label in by_recipient["officer@example.org"].subject
    assert "3 outstanding action(s); emailed 2 owner(s)." in out.getvalue()


def test_it_is_the_quarters_to_do_list_with_a_count_and_finished_actions_folded_away(
    client, officer, review, council, personas, current_quarter
):
    to_do, updated, finished = make_actions(review, officer, 3)
    to_do.updates.update(recorded_at=at(current_quarter.previous().end))
    finished.milestones.update(completed_on=timezone.localdate())  # complete: none left open
    progress_update_create(
        action=finished, author=officer, status="complete", percent_complete=100,
        commentary="Done and dusted.",
    )  # fmt: skip
    deadline = current_quarter.end
    update_round_open(
        council=council, quarter=current_quarter, deadline=deadline,
        opened_by=personas[Role.PERFORMANCE],
    )  # fmt: skip
    client.force_login(officer)
    response = client.get(reverse("actions:my_actions"))
    page = response.content.decode()
    assert [a.pk for a in response.context["tasks"]] == [to_do.pk, updated.pk]
    assert [a.task_state.label for a in response.context["tasks"]] == ["To do", "Updated"]
    assert f"1 of 2 to update by {deadline:%-d %B %Y}" in page
    assert "Complete and closed actions (1)" in page
    assert page.index("Complete and closed actions") < page.index(f">{finished.reference}<")
    add_update = reverse("actions:update_create", args=[to_do.pk])
    assert f'data-module="govuk-button" href="{add_update}">Add update' in page


def test_the_update_form_shows_last_quarters_status_percent_and_commentary(
    client, officer, review, current_quarter
):
    action = make_actions(review, officer, 1)[0]
    action.updates.update(
        recorded_at=at(current_quarter.previous().end), commentary="Board agreed the scope."
    )
    client.force_login(officer)
    page = client.get(reverse("actions:update_create", args=[action.pk])).content.decode()
    assert f"Last quarter ({current_quarter.previous().end:%-d %B %Y})" in page
    assert "Last quarter: 10%." in page
    assert "Board agreed the scope." in page


def test_the_round_page_shows_progress_and_sends_previewed_reminders_it_then_lists(
    client, personas, council, review, current_quarter
):
    officer = personas[Role.OFFICER]
    officer.email = "officer@example.org"
    officer.save()
    _updated, outstanding = make_actions(review, officer, 2)
    outstanding.updates.update(recorded_at=at(current_quarter.previous().end))
    performance = personas[Role.PERFORMANCE]
    update_round = update_round_open(
        council=council, quarter=current_quarter, deadline=current_quarter.end,
        opened_by=performance,
    )  # fmt: skip
    client.force_login(performance)
    page = client.get(update_round.get_absolute_url()).content.decode()
    assert "1 of 2 updated, 0 returned, 1 not started" in page
    assert "Nobody has been chased in this round yet." in page

    preview = client.get(reverse("actions:round_reminders", args=[update_round.pk]))
    text = preview.content.decode()
    assert "officer@example.org" in text and outstanding.reference in text
    assert f"Subject: Progress updates for {current_quarter.label}" in text
    assert mail.outbox == [], "the preview sends nothing"

    response = client.post(reverse("actions:round_reminders", args=[update_round.pk]))
    assert response["Location"] == update_round.get_absolute_url()
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]
    assert outstanding.reference in mail.outbox[0].body
    reminder = update_round.reminders.get()
    assert (reminder.recipient, reminder.sent_by, reminder.action_count) == (
        officer, performance, 1,
    )  # fmt: skip
    page = client.get(update_round.get_absolute_url()).content.decode()
    assert "officer@example.org" in page and "Nobody has been chased" not in page


def test_closing_a_round_asks_for_confirmation_first(client, personas, council, current_quarter):
    update_round = update_round_open(
        council=council, quarter=current_quarter, deadline=current_quarter.end,
        opened_by=personas[Role.PERFORMANCE],
    )  # fmt: skip
    client.force_login(personas[Role.PERFORMANCE])
    confirm = client.get(reverse("actions:round_close", args=[update_round.pk]))
    assert "Are you sure you want to close this round?" in confirm.content.decode()
    update_round.refresh_from_db()
    assert update_round.is_open
    client.post(reverse("actions:round_close", args=[update_round.pk]))
    update_round.refresh_from_db()
    assert not update_round.is_open


def test_the_update_form_is_part_of_my_actions_in_the_navigation_too(client, officer, review):
    action = make_actions(review, officer, 1)[0]
    client.force_login(officer)
    response = client.get(reverse("actions:update_create", args=[action.pk]))
    active = [item["label"] for item in response.context["navigation"] if item["active"]]
    assert active == ["My actions"]


def test_a_returned_update_is_still_owed_and_a_submitted_one_is_not(
    personas, council, review, current_quarter
):
    """Who is chased follows the to-do list: Returned is owed again, Submitted is done."""
    officer = personas[Role.OFFICER]
    returned, submitted, untouched = make_actions(review, officer, 3)
    for action in (returned, submitted, untouched):
        action.updates.update(recorded_at=at(current_quarter.previous().end))
    for action, approval in ((returned, Approval.RETURNED), (submitted, Approval.SUBMITTED)):
        update = progress_update_create(
            action=action, author=officer, status="on_track", percent_complete=60
        )
        ProgressUpdate.objects.filter(pk=update.pk).update(
            approval=approval, review_reason="Say what the delay is." if approval else ""
        )
    update_round = update_round_open(
        council=council,
        quarter=current_quarter,
        deadline=current_quarter.end,
        opened_by=personas[Role.PERFORMANCE],
    )
    assert set(update_round.outstanding_actions()) == {returned, untouched}
