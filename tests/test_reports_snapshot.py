"""The snapshot a Cabinet report freezes: the plan as it stood at the quarter's end."""

import json

import pytest

from actions.progress import MilestoneState
from reports.selectors import report_snapshot
from reports.snapshot import ReportSnapshot
from reviews.choices import RecommendationKind
from tests.factories import ActionFactory, RecommendationFactory
from tests.reports_plan import Q2, make_plan, update

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(council, officer):
    return make_plan(council, officer)


def actions_of(snapshot):
    return {a.reference: a for r in snapshot.recommendations for a in r.actions}


def test_an_update_recorded_after_the_quarter_end_is_not_in_the_snapshot(plan):
    review, _ = plan
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2))["R1.1"]
    assert (seen.status, seen.rag, seen.percent) == ("on_track", "green", 30)
    assert seen.commentary == "Business case approved in September."
    assert "Recruitment frozen" not in str(report_snapshot(reviews=[review], quarter=Q2))


def test_the_next_quarter_sees_the_later_update(plan):
    review, _ = plan
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2.next()))["R1.1"]
    assert (seen.status, seen.direction) == ("off_track", "worsened")


def test_an_update_on_the_last_day_of_the_quarter_counts(plan):
    review, actions = plan
    update(actions["R1.1"], "2024-09-30", "at_risk", 35, "Late on the last day.", hour=23)
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2))["R1.1"]
    assert seen.status == "at_risk"


def test_it_gives_each_action_its_direction_of_travel_since_the_previous_quarter_end(plan):
    review, _ = plan
    seen = actions_of(report_snapshot(reviews=[review], quarter=Q2))
    assert {ref: a.direction for ref, a in seen.items()} == {
        "R1.1": "unchanged",
        "R1.2": "worsened",
        "R2.1": "improved",
    }


def test_it_rolls_recommendations_up_from_their_actions(plan):
    review, _ = plan
    recommendations = report_snapshot(reviews=[review], quarter=Q2).recommendations
    assert [(r.reference, r.status, r.rag, r.direction) for r in recommendations] == [
        ("R1", "at_risk", "amber", "worsened"),
        ("R2", "complete", "blue", "improved"),
    ]


def test_it_lists_overdue_and_completed_actions_and_milestones_due(plan):
    review, _ = plan
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    assert [a.reference for a in snapshot.overdue] == ["R1.2"]
    assert [a.reference for a in snapshot.completed] == ["R2.1"]
    due = {m.title: m.state for m in snapshot.milestones_due}
    # Completed on 5 October: after the quarter, so overdue as at 30 September.
    assert due == {"Business case approved": "met", "Directorate costings in": "overdue"}
    headline = snapshot.headline
    assert (headline.actions, headline.overdue, headline.milestones_met) == (3, 1, 1)


def test_the_snapshot_is_stored_as_plain_json_and_read_back_the_same(plan):
    review, _ = plan
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    stored = json.loads(json.dumps(snapshot.to_json()))
    assert stored["format"] == 3
    assert ReportSnapshot.from_json(stored) == snapshot


def test_it_costs_the_same_few_queries_however_big_the_plan(plan, django_assert_num_queries):
    review, actions = plan
    with django_assert_num_queries(11) as small:  # 9, and the two cached reads' versions
        report_snapshot(reviews=[review], quarter=Q2)
    for n in range(5):
        ActionFactory(recommendation=actions["R1.1"].recommendation, reference=f"R1.{n + 5}")
    with django_assert_num_queries(len(small.captured_queries)):
        report_snapshot(reviews=[review], quarter=Q2)


def _as_format_2(stored: dict) -> dict:
    """A format-3 snapshot as format 2 stored it: the derived lists beside the rows, no kind
    and no recommendation tags on the rows."""
    old = json.loads(json.dumps(stored)) | {"format": 2}
    actions = []
    for rec in old["recommendations"]:
        rec.pop("kind")
        for action in rec["actions"]:
            action.pop("recommendation")
            for milestone in action["milestones_due"]:
                del milestone["action"], milestone["recommendation"]
            actions.append((rec["reference"], action))
    tagged = [{"recommendation": ref, **a} for ref, a in actions]
    old["overdue"] = [a for a in tagged if a["overdue"]]
    old["completed"] = [a for a in tagged if a["completed_this_quarter"]]
    old["stale"] = [a for a in tagged if a["is_stale"]]
    old["milestones_due"] = [
        {"action": a["reference"], "recommendation": ref} | m
        for ref, a in actions
        for m in a["milestones_due"]
    ]
    return old


def _as_format_1(stored: dict) -> dict:
    """As format 1 stored it: no as-at day, no staleness or revised targets, and milestones
    "met", "met late" or "not met"."""
    old = _as_format_2(stored) | {"format": 1}
    del old["as_at"], old["provisional"], old["stale"]
    del old["headline"]["stale"], old["headline"]["milestones_overdue"]
    words = {"met": "met", "met_late": "met late", "overdue": "not met"}
    for action in [a for rec in old["recommendations"] for a in rec["actions"]]:
        del action["is_stale"], action["revised_target_date"]
        for milestone in action["milestones_due"]:
            milestone["state"] = words[milestone["state"]]
    for milestone in old["milestones_due"]:
        milestone["state"] = words[milestone["state"]]
    return old


def test_a_report_stored_in_format_2_reads_as_it_did(plan):
    review, _ = plan
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    assert ReportSnapshot.from_json(_as_format_2(snapshot.to_json())) == snapshot


def test_a_report_stored_in_format_1_reads_as_at_its_quarter_end(plan):
    review, _ = plan
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    read = ReportSnapshot.from_json(_as_format_1(snapshot.to_json()))
    assert (read.as_at, read.provisional, read.headline.stale) == (Q2.end, False, 0)
    assert {m.title: m.state for m in read.milestones_due} == {
        "Business case approved": MilestoneState.MET,
        "Directorate costings in": MilestoneState.OVERDUE,
    }
    assert read.headline.milestones_overdue == 1
    assert [a.reference for a in read.overdue] == ["R1.2"]
    assert read.recommendations == snapshot.recommendations


def test_peer_suggestions_are_counted_apart_from_recommendations(plan):
    review, _ = plan
    suggestion = RecommendationFactory(
        review=review, number=3, kind=RecommendationKind.SUGGESTION, title="Tell staff more"
    )
    ActionFactory(recommendation=suggestion, reference="S3.1")
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    assert [r.reference for r in snapshot.formal_recommendations] == ["R1", "R2"]
    assert [(r.reference, r.kind) for r in snapshot.suggestions] == [
        (suggestion.reference, RecommendationKind.SUGGESTION)
    ]
    assert (snapshot.headline.recommendations, snapshot.headline.suggestions) == (3, 1)
