"""The recommendations table: rolled-up status and direction, filters in the URL, sorting,
pages, and downloads of exactly what is filtered."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from actions.choices import ActionStatus
from actions.models import ProgressUpdate
from actions.selectors import recommendations_with_rollup
from tests.dashboard_plan import plan_build
from tests.factories import (
    ActionFactory,
    CouncilFactory,
    DirectorateFactory,
    RecommendationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0), tick=False):
        yield


@pytest.fixture
def plan(council):
    return plan_build(council=council, size=2, today=TODAY)


def rows(client, **query):
    response = client.get(reverse("reviews:recommendation_list"), query)
    assert response.status_code == 200
    return response.context["table"].data.data


@pytest.mark.parametrize(
    "statuses",
    [
        [],
        ["complete", "closed"],
        ["closed"],
        ["on_track", "not_started"],
        ["complete", "not_started"],
        ["on_track", "at_risk", "complete"],
        ["off_track", "at_risk"],
    ],
)
def test_the_rolled_up_status_in_the_database_matches_the_rule(council, statuses):
    recommendation = RecommendationFactory(review=ReviewFactory(council=council))
    for n, status in enumerate(statuses):
        action = ActionFactory(recommendation=recommendation, reference=f"R1.{n}")
        if status != "not_started":  # an action begun with no update yet is Not started
            ProgressUpdate.objects.create(
                action=action, author=action.lead_officer, status=status, percent_complete=50
            )
    annotated = recommendations_with_rollup().get(pk=recommendation.pk)
    expected = ActionStatus.rollup(statuses)
    assert annotated.rolled_up_status == (expected.value if expected else None)
    assert annotated.action_count == len(statuses)


def test_it_shows_rolled_up_status_and_direction_in_words(client, plan, cabinet_member):
    client.force_login(cabinet_member)
    page = client.get(reverse("reviews:recommendation_list")).content.decode()
    assert page.count("At risk") >= 2 and "Worsened" in page and "↓" in page
    assert "Download CSV" in page and "Download XLSX" in page


def test_it_filters_by_status_rag_theme_directorate_and_overdue(
    client, plan, cabinet_member, council
):
    review, actions = plan
    client.force_login(cabinet_member)
    assert len(rows(client, status="at_risk")) == 2
    assert len(rows(client, rag="green")) == 0
    theme = review.themes.get(number=1)
    assert [r.theme_id for r in rows(client, theme=theme.pk)] == [theme.pk]
    directorate = DirectorateFactory(council=council, name="Place")
    ActionFactory(recommendation=actions[0].recommendation, reference="R9.9",
                  directorate=directorate, target_date=TODAY - dt.timedelta(days=1))  # fmt: skip
    assert [r.pk for r in rows(client, directorate=directorate.pk)] == [
        actions[0].recommendation_id
    ]
    assert [r.pk for r in rows(client, overdue="true")] == [actions[0].recommendation_id]
    assert len(rows(client, due_within="90")) == 2
    assert len(rows(client, due_within="10")) == 0


def test_it_only_lists_the_persons_own_council(client, plan, cabinet_member):
    RecommendationFactory(review=ReviewFactory(council=CouncilFactory()), title="Elsewhere")
    client.force_login(cabinet_member)
    assert "Elsewhere" not in client.get(reverse("reviews:recommendation_list")).content.decode()


def test_it_sorts_and_pages_with_the_query_in_the_url(client, council, cabinet_member):
    review = ReviewFactory(council=council)
    for n in range(1, 31):
        RecommendationFactory(review=review, number=n, title=f"Recommendation {n:02d}")
    client.force_login(cabinet_member)
    first = rows(client, sort="-title")
    assert first[0].title == "Recommendation 30"
    response = client.get(reverse("reviews:recommendation_list"), {"sort": "title", "page": 2})
    assert response.context["table"].page.number == 2
    assert 'href="?sort=title&amp;page=1"' in response.content.decode()


def export(client, url_name, fmt, **query):
    response = client.get(reverse(url_name), {**query, "_export": fmt})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_recommendations_download_with_the_filters_applied(client, plan, cabinet_member, fmt):
    client.force_login(cabinet_member)
    table = export(client, "reviews:recommendation_list", fmt, status="at_risk")
    assert table[0] == ["Ref", "Recommendation", "Status", "Direction of travel", "Actions",
                        "Theme", "Review", "Lead member", "Lead officer"]  # fmt: skip
    assert len(table) == 3
    assert {row[2] for row in table[1:]} == {"At risk (Amber)"}
    assert {row[3] for row in table[1:]} == {"Worsened"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_actions_download_with_filters_and_direction(client, plan, cabinet_member, fmt):
    client.force_login(cabinet_member)
    table = export(client, "actions:action_list", fmt, rag="amber")
    header = table[0]
    assert "Direction of travel" in header and "Status" in header
    assert len(table) == 3
    status = header.index("Status")
    assert {row[status] for row in table[1:]} == {"At risk (Amber)"}
    assert {row[header.index("Direction of travel")] for row in table[1:]} == {"Worsened"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)",
                                       "\tTab", "\rReturn"])  # fmt: skip
def test_exported_cells_never_run_as_formulas(client, council, cabinet_member, fmt, dangerous):
    recommendation = RecommendationFactory(review=ReviewFactory(council=council), title=dangerous)
    ActionFactory(recommendation=recommendation, description=dangerous)
    client.force_login(cabinet_member)
    for url_name, column in (("reviews:recommendation_list", "Recommendation"),
                             ("actions:action_list", "Action")):  # fmt: skip
        table = export(client, url_name, fmt)
        value = table[1][table[0].index(column)]
        assert value == "'" + dangerous


def test_a_harmless_cell_is_exported_as_it_is(client, council, cabinet_member):
    RecommendationFactory(review=ReviewFactory(council=council), title="Plain – words 5")
    client.force_login(cabinet_member)
    table = export(client, "reviews:recommendation_list", "csv")
    assert table[1][1] == "Plain – words 5"


def test_the_filters_sit_in_a_panel_above_the_table_with_checkboxes_a_count_and_all_reviews(
    client, officer
):
    from django.urls import reverse

    client.force_login(officer)
    page = client.get(reverse("reviews:recommendation_list")).content.decode()
    assert 'class="govuk-details app-filter-panel"' in page
    assert page.index("app-filter-panel") < page.index("<table")
    assert ">All reviews</option>" in page and "---------" not in page
    assert 'type="checkbox" value="on_track"' in page
    assert 'id="result-count"' in page
