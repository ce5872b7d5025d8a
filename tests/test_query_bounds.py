"""The dashboard, the two tables and the recommendation page cost the same number of queries
whatever the number of actions, and a synthetic council 100 times Sefton's can be generated
without touching Sefton's rows."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, Milestone, ProgressUpdate
from reviews.models import Recommendation, RecommendationLink, Review
from tests.dashboard_plan import plan_build

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
MAX_QUERIES = 20


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0), tick=False):
        yield


def query_counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    return counts


def test_pages_cost_the_same_queries_with_4_or_60_actions(
    client, council, cabinet_member, django_assert_max_num_queries
):
    review, actions = plan_build(council=council, size=2, today=TODAY)
    recommendation = actions[0].recommendation
    urls = ["/", "/actions/", "/recommendations/", recommendation.get_absolute_url(),
            "/recurring-themes/", review.get_absolute_url()]  # fmt: skip
    client.force_login(cabinet_member)
    small = query_counts(client, urls)
    plan_build(council=council, size=30, today=TODAY, slug="2024-cpc")
    for n in range(30, 60):
        actions[0].__class__.objects.create(
            recommendation=recommendation, reference=f"R.{n}", description="More"
        )
    large = query_counts(client, urls)
    assert large == small
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            client.get(url)


def test_synthetic_data_is_n_times_sefton_and_leaves_sefton_alone(db):
    call_command("load_sefton", verbosity=0, stdout=None)
    sefton = Review.objects.filter(council__short_name="Sefton")
    before = {
        "reviews": sorted(sefton.values_list("pk", "title")),
        "recommendations": Recommendation.objects.filter(review__in=sefton).count(),
        "links": RecommendationLink.objects.filter(later__review__in=sefton).count(),
    }
    call_command("generate_synthetic_data", scale=3, verbosity=0)
    call_command("generate_synthetic_data", scale=3, verbosity=0)  # replaces, never doubles
    synthetic = Review.objects.filter(council__short_name="Synthetic")
    assert synthetic.count() == 3 * len(before["reviews"])
    assert (
        Recommendation.objects.filter(review__in=synthetic).count() == 3 * before["recommendations"]
    )
    assert (
        RecommendationLink.objects.filter(later__review__in=synthetic).count()
        == 3 * before["links"]
    )
    assert sorted(sefton.values_list("pk", "title")) == before["reviews"]
    assert Recommendation.objects.filter(review__in=sefton).count() == before["recommendations"]


def test_synthetic_data_copies_the_plan_with_its_history(council, personas):
    _review, actions = plan_build(council=council, size=2, today=TODAY)
    call_command("generate_synthetic_data", scale=2, source=council.short_name, verbosity=0)
    copied = Action.objects.filter(recommendation__review__council__short_name="Synthetic")
    assert copied.count() == 2 * len(actions)
    assert Milestone.objects.filter(action__in=copied).count() == 2 * len(actions)
    assert ProgressUpdate.objects.filter(action__in=copied).count() == 4 * len(actions)
    assert sorted(copied.values_list("status", flat=True)) == sorted(
        [a.status for a in Action.objects.filter(pk__in=[a.pk for a in actions])] * 2
    )
