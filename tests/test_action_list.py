import datetime as dt

import pytest
from django.urls import reverse

from actions.filtersets import ActionFilterSet
from actions.models import Action
from tests.dashboard_plan import update
from tests.factories import ActionFactory, CouncilFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(council):
    review = ReviewFactory(council=council, slug="2023-cpc")
    recommendation = RecommendationFactory(review=review, number=8)
    plan = {
        "late": ActionFactory(recommendation=recommendation, reference="R8.1",
                              target_date=dt.date(2024, 9, 30)),
        "soon": ActionFactory(recommendation=recommendation, reference="R8.2",
                              target_date=dt.date(2024, 12, 1)),
        "done": ActionFactory(recommendation=recommendation, reference="R8.3",
                              target_date=dt.date(2024, 6, 30)),
    }  # fmt: skip
    update(plan["done"], dt.date(2024, 6, 20), "complete", 100)
    return plan


def filtered(data, user, rf, today=dt.date(2024, 11, 1)):
    request = rf.get("/actions/", data)
    request.user = user
    return set(
        ActionFilterSet(
            data, queryset=Action.objects.all(), request=request, today=today
        ).qs.values_list("reference", flat=True)
    )


def test_overdue_means_open_and_past_its_target_date(plan, officer, rf):
    assert filtered({"overdue": "true"}, officer, rf) == {"R8.1"}


def test_due_within_n_days_counts_from_today(plan, officer, rf):
    assert filtered({"due_within": "30"}, officer, rf) == {"R8.2"}
    assert filtered({"due_within": "10"}, officer, rf) == set()


def test_rag_filter_uses_the_colour_derived_from_status(plan, officer, rf):
    assert filtered({"rag": "blue"}, officer, rf) == {"R8.3"}


def test_the_action_list_links_each_reference_and_shows_status_words(client, plan, officer):
    client.force_login(officer)
    page = client.get(reverse("actions:action_list")).content.decode()
    assert f'href="{plan["late"].get_absolute_url()}"' in page
    assert "Complete" in page and "Not started" in page


def test_another_councils_actions_cannot_be_reached_by_guessing_ids(client, plan, officer):
    elsewhere = ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=CouncilFactory()))
    )
    client.force_login(officer)
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    assert client.get(plan["late"].get_absolute_url()).status_code == 200
    assert elsewhere.reference not in client.get(reverse("actions:action_list")).content.decode()
