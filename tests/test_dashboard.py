"""The Cabinet and Scrutiny dashboard: headline figures that drill down, direction of travel,
charts, and a bounded number of queries whatever the size of the plan."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.urls import reverse

from accounts.choices import Role
from actions.choices import ActionStatus, Direction, Rag
from dashboard.selectors import dashboard_for
from tests.dashboard_plan import plan_build, update
from tests.factories import CouncilFactory, MilestoneFactory, ReviewFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)  # 2026/27 Q3


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0), tick=False):
        yield


@pytest.fixture
def plan(council):
    return plan_build(council=council, size=2, today=TODAY)


def figures(dashboard):
    return {figure.label: figure for figure in dashboard.figures}


def test_it_counts_the_headline_figures_of_the_review(plan, cabinet_member):
    review, actions = plan
    stale = actions[0]
    stale.updates.all().delete()  # immutable in the app; here to set up a stale action
    update(stale, dt.date(2026, 9, 1), "on_track")
    MilestoneFactory(action=actions[1], due_date=dt.date(2026, 10, 1),
                     completed_on=dt.date(2026, 9, 30))  # fmt: skip
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    seen = figures(board)
    assert seen["Recommendations"].value == "2"
    assert seen["Actions"].value == "4"
    assert seen["Overdue milestones"].value == "4"
    assert seen["Milestones met on time"].value == "20%"  # 1 of the 5 due so far
    assert seen["No update this quarter"].value == "1"
    counts = {status: count for status, count, _ in board.status_counts}
    assert counts[ActionStatus.ON_TRACK] == 2 and counts[ActionStatus.AT_RISK] == 2
    rags = {rag: count for rag, count, _ in board.rag_counts}
    assert rags[Rag.GREEN] == 2 and rags[Rag.AMBER] == 2


def test_direction_of_travel_compares_with_the_previous_quarter_end(plan, cabinet_member):
    review, _actions = plan
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    directions = dict(board.directions)
    # On track at 30 September for all; one in each recommendation is now at risk.
    assert directions[Direction.WORSENED] == 2 and directions[Direction.UNCHANGED] == 2
    assert {row.direction for row in board.recommendations} == {Direction.WORSENED}
    assert {row.status for row in board.recommendations} == {ActionStatus.AT_RISK}


def test_an_action_with_no_update_this_quarter_keeps_its_direction_unchanged(
    council, cabinet_member
):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    for action in actions:
        action.updates.filter(recorded_at__month=11).delete()
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    assert dict(board.directions)[Direction.UNCHANGED] == 2
    assert figures(board)["No update this quarter"].value == "2"


def drill(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page.context["table"].data.data


def test_every_headline_figure_drills_down_to_the_matching_actions(
    client, clock, plan, cabinet_member
):
    review, actions = plan
    stale = actions[0]
    stale.updates.filter(recorded_at__month=11).delete()
    client.force_login(cabinet_member)
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    seen = figures(board)
    assert {a.reference for a in drill(client, seen["No update this quarter"].url)} == {
        stale.reference
    }
    assert len(drill(client, seen["Overdue milestones"].url)) == 4
    assert len(drill(client, seen["Actions"].url)) == 4
    query = parse_qs(urlparse(seen["No update this quarter"].url).query)
    assert query == {"review": [str(review.pk)], "stale": ["true"]}


def test_a_chart_segment_leads_to_the_filtered_table(client, clock, plan, cabinet_member):
    review, _ = plan
    client.force_login(cabinet_member)
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    rag_chart = board.charts[0]
    amber_link = rag_chart.links[1][2]  # second theme, Amber column
    assert f"theme={review.themes.get(number=2).pk}" in amber_link
    rows = drill(client, amber_link)
    assert [a.status for a in rows] == [ActionStatus.AT_RISK]


def test_the_page_shows_figures_direction_words_and_charts(client, clock, plan, cabinet_member):
    client.force_login(cabinet_member)
    page = client.get(reverse("dashboard:dashboard")).content.decode()
    assert "progress at a glance" in page
    assert "Worsened" in page and "↓" in page
    assert page.count("Show the data for this chart") == 3
    assert 'role="group"' in page  # charts whose segments link to the filtered table
    assert "Actions by RAG status for each theme" in page
    assert "Milestones due 1 October 2026 to 31 March 2027" in page


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_can_read_the_dashboard(client, clock, plan, personas, role):
    client.force_login(personas[role])
    assert client.get("/").status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_review_picker_shows_another_review_but_not_another_councils(
    client, clock, plan, cabinet_member
):
    ReviewFactory(council=plan[0].council, slug="2018-cpc", title="CPC 2018",
                  onsite_start=dt.date(2018, 9, 4), onsite_end=dt.date(2018, 9, 7))  # fmt: skip
    ReviewFactory(council=CouncilFactory(), slug="elsewhere")
    client.force_login(cabinet_member)
    assert "CPC 2018: progress at a glance" in client.get("/?review=2018-cpc").content.decode()
    assert client.get("/?review=elsewhere").status_code == 404


@pytest.mark.parametrize("size", [1, 12])
def test_the_dashboard_runs_a_bounded_number_of_queries(
    client, clock, council, cabinet_member, size, django_assert_max_num_queries
):
    plan_build(council=council, size=size, today=TODAY)
    client.force_login(cabinet_member)
    # Read cold (nothing cached yet): the plan, its charts and each cached read's plan version.
    with django_assert_max_num_queries(22):
        response = client.get("/")
    assert response.status_code == 200
    with django_assert_max_num_queries(9):  # cached: the page around it, and the versions
        response = client.get("/")
    assert response.status_code == 200


def test_actions_worsened_links_to_the_actions_table_filtered_by_direction(
    plan, cabinet_member, client, clock
):
    review, actions = plan
    client.force_login(cabinet_member)
    page = client.get(reverse("dashboard:dashboard"), {"review": review.slug}).content.decode()
    link = f"{reverse('actions:action_list')}?review={review.pk}&amp;direction=worsened"
    assert f'href="{link}"><strong>2</strong> actions' in page
    listed = client.get(
        reverse("actions:action_list"), {"review": review.pk, "direction": "worsened"}
    )
    worsened = {row.record.pk for row in listed.context["table"].rows}
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    assert len(worsened) == dict(board.directions)[Direction.WORSENED] == 2
    assert all(ActionStatus(a.status) == ActionStatus.AT_RISK for a in actions if a.pk in worsened)


def test_peer_suggestions_are_shown_apart_from_the_recommendations(
    client, clock, plan, cabinet_member
):
    from reviews.choices import RecommendationKind
    from tests.factories import ActionFactory, RecommendationFactory

    review, _actions = plan
    suggestion = RecommendationFactory(
        review=review, number=9, kind=RecommendationKind.SUGGESTION,
        title="Share the budget with residents early",
    )  # fmt: skip
    ActionFactory(recommendation=suggestion, start_date=dt.date(2026, 4, 1))
    board = dashboard_for(user=cabinet_member, reviews=[review], today=TODAY)
    seen = figures(board)
    assert (seen["Recommendations"].value, seen["Recommendations"].hint) == (
        "2",
        "and 1 peer suggestion",
    )
    assert [row.recommendation for row in board.suggestions] == [suggestion]
    assert suggestion not in [row.recommendation for row in board.recommendations]
    client.force_login(cabinet_member)
    page = client.get(reverse("dashboard:dashboard")).content.decode()
    recommendations, suggestions = page.split(">Peer suggestions</caption>")
    assert suggestion.title not in recommendations.split(">Recommendations</caption>")[1]
    assert suggestion.title in suggestions
