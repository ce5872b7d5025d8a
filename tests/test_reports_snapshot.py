"""The snapshot a Cabinet report freezes: the plan as it stood at the quarter's end."""

import pytest

from reports.selectors import report_snapshot
from tests.factories import ActionFactory
from tests.reports_plan import Q2, make_plan, update

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(council, officer):
    return make_plan(council, officer)


def actions_of(snapshot):
    return {a["reference"]: a for r in snapshot["recommendations"] for a in r["actions"]}


def test_an_update_recorded_after_the_quarter_end_is_not_in_the_snapshot(plan):
    review, _ = plan
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2))["R1.1"]
    assert (seen["status"], seen["rag"], seen["percent"]) == ("on_track", "green", 30)
    assert seen["commentary"] == "Business case approved in September."
    assert "Recruitment frozen" not in str(report_snapshot(reviews=[review], quarter=Q2))


def test_the_next_quarter_sees_the_later_update(plan):
    review, _ = plan
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2.next()))["R1.1"]
    assert (seen["status"], seen["direction"]) == ("off_track", "worsened")


def test_an_update_on_the_last_day_of_the_quarter_counts(plan):
    review, actions = plan
    update(actions["R1.1"], "2024-09-30", "at_risk", 35, "Late on the last day.", hour=23)
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2))["R1.1"]
    assert seen["status"] == "at_risk"


def test_it_gives_each_action_its_direction_of_travel_since_the_previous_quarter_end(plan):
    review, _ = plan
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2))
    assert {ref: a["direction"] for ref, a in seen.items()} == {
        "R1.1": "unchanged",
        "R1.2": "worsened",
        "R2.1": "improved",
    }


def test_it_rolls_recommendations_up_from_their_actions(plan):
    review, _ = plan
    recommendations = report_snapshot(reviews=[review], quarter=Q2)["recommendations"]
    assert [(r["reference"], r["status"], r["rag"], r["direction"]) for r in recommendations] == [
        ("R1", "at_risk", "amber", "worsened"),
        ("R2", "complete", "blue", "improved"),
    ]


def test_it_lists_overdue_and_completed_actions_and_milestones_due(plan):
    review, _ = plan
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    assert [a["reference"] for a in snapshot["overdue"]] == ["R1.2"]
    assert [a["reference"] for a in snapshot["completed"]] == ["R2.1"]
    due = {m["title"]: m["state"] for m in snapshot["milestones_due"]}
    # Completed on 5 October: after the quarter, so overdue as at 30 September.
    assert due == {"Business case approved": "met", "Directorate costings in": "overdue"}
    headline = snapshot["headline"]
    assert (headline["actions"], headline["overdue"], headline["milestones_met"]) == (3, 1, 1)


def test_the_snapshot_is_plain_json(plan):
    import json

    review, _ = plan
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_it_costs_the_same_few_queries_however_big_the_plan(plan, django_assert_num_queries):
    review, actions = plan
    with django_assert_num_queries(11) as small:  # 9, and the two cached reads' versions
        report_snapshot(reviews=[review], quarter=Q2)
    for n in range(5):
        ActionFactory(recommendation=actions["R1.1"].recommendation, reference=f"R1.{n + 5}")
    with django_assert_num_queries(len(small.captured_queries)):
        report_snapshot(reviews=[review], quarter=Q2)
