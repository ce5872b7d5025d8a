"""When a plan's work moves into business as usual the performance team closes a recommendation,
or the whole plan, with a date and where it continues: closed items stay visible and reported,
leave the quarterly chase, and the final report says the plan is complete."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from actions.models import UpdateRound
from actions.services import plan_close, recommendations_close, update_reminders_plan
from reports.rendering import report_html
from reports.selectors import report_snapshot
from reports.services import cabinet_report_create
from tests.factories import typed_date
from tests.reports_plan import Q2, make_plan
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db
CORPORATE_PLAN = "Corporate Plan 2025\u201330"


@pytest.fixture
def plan(council, officer):
    return make_plan(council, officer)


@pytest.fixture
def performance(personas):
    return personas[Role.PERFORMANCE]


def test_the_performance_team_closes_a_recommendation_through_a_confirmation_page(
    client, plan, performance
):
    review, actions = plan
    r1 = actions["R1.1"].recommendation
    client.force_login(performance)
    url = reverse("reviews:recommendation_close", args=[review.slug, r1.number])
    page = client.get(url).content.decode()
    assert "Are you sure you want to close this recommendation?" in page
    empty = client.post(url, typed_date("closed_on", "") | {"continues_in": ""})
    assert "Enter where the work continues" in empty.content.decode()
    response = client.post(
        url, typed_date("closed_on", "2025-03-31") | {"continues_in": CORPORATE_PLAN}
    )
    assert response.status_code == 302
    r1.refresh_from_db()
    assert (r1.closed_on, r1.continues_in, r1.closed_by) == (
        dt.date(2025, 3, 31), CORPORATE_PLAN, performance,
    )  # fmt: skip
    assert r1.history.first().history_change_reason.startswith("Closed")
    detail = client.get(r1.get_absolute_url()).content.decode()
    assert "Closed" in detail and CORPORATE_PLAN in detail  # still visible


def test_closing_refuses_a_future_date_and_no_destination(plan, performance):
    _, actions = plan
    r1 = actions["R1.1"].recommendation
    with pytest.raises(ValidationError) as error:
        recommendations_close(
            recommendations=[r1], closed_on=timezone.localdate() + dt.timedelta(days=1),
            continues_in=" ", by=performance,
        )  # fmt: skip
    assert set(error.value.message_dict) == {"closed_on", "continues_in"}


def test_closed_recommendations_leave_the_quarterly_chase(council, plan, performance):
    _, actions = plan
    quarter = FinancialQuarter.containing(timezone.localdate())
    update_round = UpdateRound.objects.create(
        council=council, quarter_start_year=quarter.start_year, quarter_number=quarter.number,
        deadline=quarter.end, opened_by=performance,
    )  # fmt: skip
    before = {a.reference for a in update_round.outstanding_actions()}
    assert {"R1.1", "R1.2"} <= before
    recommendations_close(
        recommendations=[actions["R1.1"].recommendation], closed_on=timezone.localdate(),
        continues_in=CORPORATE_PLAN, by=performance,
    )  # fmt: skip
    after = {a.reference for a in update_round.outstanding_actions()}
    assert after == before - {"R1.1", "R1.2"}
    reminded = {a.reference for entry in update_reminders_plan(update_round=update_round)
                for a in entry["actions"]}  # fmt: skip
    assert not reminded & {"R1.1", "R1.2"}


def test_the_plans_last_report_says_it_is_complete_and_what_difference_it_made(
    council, plan, performance
):
    review, _ = plan
    assert plan_close(
        review=review, closed_on=dt.date(2024, 9, 20), continues_in=CORPORATE_PLAN,
        by=performance,
    ) == 2  # fmt: skip
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    assert snapshot.headline.plan_complete
    assert [r.closed_on for r in snapshot.recommendations] == [dt.date(2024, 9, 20)] * 2
    report = cabinet_report_create(
        council=council, quarter=Q2, reviews=[review], created_by=performance,
        meeting_date=dt.date(2024, 11, 14),
    )  # fmt: skip
    report.difference_narrative = "Reserves are rebuilt.\n\n<script>alert(1)</script>"
    report.save()
    html = report_html(report)
    assert "The plan is complete" in html and CORPORATE_PLAN in html
    assert "What difference has it made" in html and "Reserves are rebuilt." in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    # Closed items are still reported: every recommendation with its status.
    assert "R1" in html and "R2" in html


def test_a_plan_closed_after_the_quarter_is_not_complete_in_that_quarters_report(plan, performance):
    review, _ = plan
    plan_close(review=review, closed_on=dt.date(2024, 12, 1), continues_in=CORPORATE_PLAN,
               by=performance)  # fmt: skip
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    assert not snapshot.headline.plan_complete
