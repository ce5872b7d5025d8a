"""Who changed what and when, on reviews, recommendations, actions and milestones."""

import pytest
from django.urls import reverse
from simple_history.models import registered_models

from accounts.choices import Role
from actions.models import Action, Milestone, ProgressUpdate
from reviews.models import PeerFeedback, Recommendation, RecommendationLink, Review, Theme
from tests.factories import RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_every_editable_record_keeps_a_history_but_progress_updates_do_not_need_one():
    tracked = set(registered_models.values())
    for model in (
        Review,
        Theme,
        Recommendation,
        RecommendationLink,
        PeerFeedback,
        Action,
        Milestone,
    ):
        assert model in tracked, model
    assert ProgressUpdate not in tracked


def test_an_admin_edit_of_a_recommendation_records_who_and_what(client, personas, council):
    recommendation = RecommendationFactory(review=ReviewFactory(council=council), number=3)
    client.force_login(personas[Role.PERFORMANCE])
    url = reverse("admin:reviews_recommendation_change", args=[recommendation.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["title"] = "Corrected title"
    for prefix in ("links_to_earlier", "feedback", "actions"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest, previous = recommendation.history.all()[:2]
    assert latest.history_user == personas[Role.PERFORMANCE]
    assert [c.field for c in latest.diff_against(previous).changes] == ["title"]
    history_page = client.get(
        reverse("admin:reviews_recommendation_history", args=[recommendation.pk])
    )
    assert history_page.status_code == 200
