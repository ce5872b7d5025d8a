"""What Cabinet reads is one figure, whoever draws it: the dashboard, its charts, the tables and
the Cabinet report's snapshot all read the plan as it stood on a day the same way."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.choices import Role
from actions.choices import ActionStatus
from actions.progress import MilestoneState, plan_as_at
from dashboard.selectors import dashboard_for
from reports import services as report_services
from reports.selectors import report_snapshot
from tests.dashboard_plan import update
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReviewFactory,
)
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)  # 2026/27 Q3, a month before it ends
Q3 = FinancialQuarter(2026, 3)


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0), tick=False):
        yield


@pytest.fixture
def review(council):
    return ReviewFactory(council=council, slug="2023-cpc")


def test_an_action_that_starts_next_year_counts_nowhere_yet(review, cabinet_member, clock):
    ActionFactory(
        recommendation=RecommendationFactory(review=review),
        start_date=dt.date(2027, 6, 1),
        target_date=dt.date(2028, 3, 31),
    )
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    headline = {status: count for status, count, _ in board.status_counts}
    assert headline[ActionStatus.NOT_STARTED] == 0
    this_quarter = board.charts[1].rows[-1]  # status by quarter: the current quarter's row
    assert this_quarter[-1] == 0  # its total
    snapshot = report_snapshot(reviews=[review], quarter=Q3)
    assert snapshot.headline.actions == 0 and snapshot.headline.later_starts == 1
    assert {f.label: f.value for f in board.figures}["Actions"] == "0"


def test_a_draft_for_the_current_quarter_is_as_at_today_and_provisional(
    council, review, personas, clock
):
    action = ActionFactory(
        recommendation=RecommendationFactory(review=review),
        start_date=dt.date(2026, 4, 1),
        target_date=dt.date(2027, 3, 31),
    )
    update(action, dt.date(2026, 11, 20), "on_track", 40)
    MilestoneFactory(action=action, title="Later in December", due_date=dt.date(2026, 12, 18))
    MilestoneFactory(action=action, title="Missed in November", due_date=dt.date(2026, 11, 10))
    draft = report_services.cabinet_report_create(
        council=council,
        quarter=Q3,
        reviews=[review],
        created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2027, 2, 11),
    )
    snapshot = draft.frozen_snapshot
    assert snapshot.as_at == dt.date(2026, 12, 1) and snapshot.provisional is True
    due = {m.title: m.state for m in snapshot.milestones_due}
    assert due == {"Later in December": "due", "Missed in November": "overdue"}
    assert snapshot.headline.milestones_overdue == 1
    # The dashboard on the same day says the same.
    plan = plan_as_at(reviews=[review], day=TODAY)
    states = {m.title: m.state for a in plan.actions for m in a.milestones}
    assert states["Later in December"] == MilestoneState.DUE
    assert states["Missed in November"] == MilestoneState.OVERDUE


def test_a_report_for_an_ended_quarter_is_as_at_its_last_day(council, review, personas, clock):
    ActionFactory(recommendation=RecommendationFactory(review=review))
    draft = report_services.cabinet_report_create(
        council=council,
        quarter=Q3.previous(),
        reviews=[review],
        created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2026, 12, 10),
    )
    assert draft.frozen_snapshot.as_at == dt.date(2026, 9, 30)
    assert draft.frozen_snapshot.provisional is False


def test_an_action_last_updated_five_quarters_ago_is_flagged_as_stale(
    review, cabinet_member, clock
):
    action = ActionFactory(
        recommendation=RecommendationFactory(review=review),
        start_date=dt.date(2025, 4, 1),
        target_date=dt.date(2027, 3, 31),
    )
    update(action, dt.date(2025, 9, 16), "on_track", 30)
    snapshot = report_snapshot(reviews=[review], quarter=Q3.previous())
    row = snapshot.recommendations[0].actions[0]
    assert row.is_stale is True and row.updated_on == dt.date(2025, 9, 16)
    assert snapshot.headline.stale == 1
    assert [a.reference for a in snapshot.stale] == [action.reference]
    plan = plan_as_at(reviews=[review], day=TODAY)
    assert plan.actions[0].is_stale


def test_the_actions_table_agrees_with_the_dashboard_on_an_action_not_begun(
    client, review, cabinet_member, clock
):
    ActionFactory(
        recommendation=RecommendationFactory(review=review),
        start_date=dt.date(2027, 6, 1),
        target_date=dt.date(2028, 3, 31),
    )
    client.force_login(cabinet_member)
    url = reverse("actions:action_list") + f"?review={review.pk}&status=not_started"
    page = client.get(url).content.decode()
    assert "No actions match these filters." in page


def test_a_provisional_draft_says_so_on_every_page_of_its_pdf_and_cannot_be_issued(
    council, review, personas, clock
):
    import io

    from django.core.exceptions import ValidationError
    from pypdf import PdfReader

    action = ActionFactory(recommendation=RecommendationFactory(review=review))
    update(action, dt.date(2026, 11, 20), "on_track", 40)
    draft = report_services.cabinet_report_create(
        council=council,
        quarter=Q3,
        reviews=[review],
        created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2027, 2, 11),
    )
    report_services.cabinet_report_render_pdf(report=draft)
    draft.refresh_from_db()
    pages = PdfReader(io.BytesIO(bytes(draft.pdf))).pages
    assert len(pages) > 1
    for page in pages:
        assert "Provisional: as at 1 December 2026" in page.extract_text()
    with (
        time_machine.travel(dt.datetime(2027, 1, 5, 12, 0), tick=False),
        pytest.raises(ValidationError, match="generate the PDF again"),
    ):
        report_services.cabinet_report_issue(report=draft, issued_by=personas[Role.PERFORMANCE])
