"""A recommendation's page shows each action's direction of travel and its latest commentary,
read from the one read of the plan (actions.progress.plan_as_at)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.choices import Role
from actions.selectors import quarter_days
from actions.services import progress_update_create
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_each_action_shows_its_direction_and_latest_commentary(client, council, personas):
    officer = personas[Role.OFFICER]
    recommendation = RecommendationFactory(review=ReviewFactory(council=council))
    worse = ActionFactory(recommendation=recommendation, lead_officer=officer, reference="R1.1")
    steady = ActionFactory(recommendation=recommendation, lead_officer=officer, reference="R1.2")
    last_quarter = timezone.make_aware(
        dt.datetime.combine(quarter_days()["previous_day"] - dt.timedelta(days=5), dt.time(12))
    )
    for action in (worse, steady):
        progress_update_create(
            action=action, author=officer, status="on_track", percent_complete=20,
            commentary="Started well.", recorded_at=last_quarter,
        )  # fmt: skip
    progress_update_create(
        action=worse, author=officer, status="off_track", percent_complete=25,
        commentary="The supplier went into administration; a new tender is being drafted.",
    )  # fmt: skip

    client.force_login(personas[Role.CABINET])
    page = client.get(recommendation.get_absolute_url()).content.decode()
    rows = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    first, second = rows.split("</tr>")[:2]
    assert "R1.1" in first and "Worsened" in first
    assert "The supplier went into administration" in first
    assert "R1.2" in second and "No change" in second and "Started well." in second
