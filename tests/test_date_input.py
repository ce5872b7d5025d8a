"""Dates are typed in GOV.UK's date input (day, month, year) wherever a date is asked for, with
GOV.UK's error messages, and an error that links to the first box of the date."""

import datetime as dt

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from actions.forms import MilestoneCompleteForm, ProgressUpdateForm, ReminderForm, UpdateRoundForm
from reports.forms import CabinetReportCreateForm, CabinetReportForm
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory, typed_date
from tracker.forms import GovukDateField

pytestmark = pytest.mark.django_db


class DeadlineForm(forms.Form):
    deadline = GovukDateField(noun="Deadline")


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the deadline"),
        ("31", "", "2027", "Deadline must include a month"),
        ("", "", "2027", "Deadline must include a day and a month"),
        ("31", "2", "2027", "Deadline must be a real date"),
        ("3l", "3", "2027", "Deadline must be a real date"),
        ("31", "3", "27", "Year must include 4 numbers"),
    ],
)
def test_a_date_that_is_not_whole_or_real_gets_govuk_s_message(day, month, year, message):
    form = DeadlineForm({"deadline_day": day, "deadline_month": month, "deadline_year": year})
    assert not form.is_valid()
    assert form.errors["deadline"] == [message]


def test_a_date_is_read_from_its_three_boxes_and_the_month_may_be_a_name():
    for month in ("3", "03", "March", "mar"):
        form = DeadlineForm(
            {"deadline_day": "31", "deadline_month": month, "deadline_year": "2027"}
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["deadline"] == dt.date(2027, 3, 31)


def test_only_the_box_in_error_is_marked_and_what_was_typed_is_kept():
    form = DeadlineForm({"deadline_day": "31", "deadline_month": "", "deadline_year": "2027"})
    form.is_valid()
    html = str(form["deadline"])
    assert 'name="deadline_day"' in html and 'value="31"' in html and 'value="2027"' in html
    assert html.count("govuk-input--error") == 1
    assert 'id="id_deadline_1"' in html.split("govuk-input--error")[1][:80]


def test_every_form_that_asks_for_a_date_uses_the_date_input(personas, council):
    action = ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=council)),
        lead_officer=personas[Role.OFFICER],
    )
    milestone = action.milestones.create(title="Board", due_date=dt.date(2026, 1, 1))
    forms_with_dates = [
        (
            ProgressUpdateForm(action=action),
            ["revised_target_date", f"milestone_{milestone.pk}_on"],
        ),
        (MilestoneCompleteForm(milestone=milestone), ["completed_on"]),
        (UpdateRoundForm(council=council), ["deadline"]),
        (ReminderForm(), ["on"]),
        (CabinetReportCreateForm(user=personas[Role.PERFORMANCE]), ["meeting_date"]),
        (CabinetReportForm(), ["meeting_date"]),
    ]
    for form, names in forms_with_dates:
        typed = [name for name, field in form.fields.items() if isinstance(field, forms.DateField)]
        assert typed == [], f"{type(form).__name__} asks for {typed} without the date input"
        for name in names:
            assert isinstance(form.fields[name], GovukDateField)


def test_the_update_form_asks_for_the_revised_date_in_a_fieldset_and_links_errors_to_day(
    personas, council
):
    officer = personas[Role.OFFICER]
    action = ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=council)),
        lead_officer=officer,
    )
    client = Client()
    client.force_login(officer)
    url = reverse("actions:update_create", kwargs={"pk": action.pk})
    page = client.get(url).content.decode()
    assert '<div class="govuk-date-input" id="id_revised_target_date">' in page
    assert "Revised target date (if it has changed)</legend>" in page
    response = client.post(
        url,
        {
            "version": action.version,
            "status": "on_track",
            "percent_complete": "40",
            "revised_target_date_day": "31",
            "revised_target_date_month": "",
            "revised_target_date_year": "2027",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="#id_revised_target_date_0">Revised target date must include a month</a>' in page
    )
    assert 'aria-describedby="id_revised_target_date-hint id_revised_target_date-error"' in page
    assert action.updates.count() == 0


def test_a_round_deadline_is_typed_in_the_date_input(personas, council):
    client = Client()
    client.force_login(personas[Role.PERFORMANCE])
    url = reverse("actions:round_create")
    page = client.get(url).content.decode()
    assert 'name="deadline_day"' in page and 'type="date"' not in page
    response = client.post(url, {"quarter": "x", **typed_date("deadline", "")})
    assert "Enter the deadline" in response.content.decode()
