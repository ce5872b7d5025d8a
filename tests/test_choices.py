import pytest

from actions.choices import ActionStatus, Direction, Rag

S = ActionStatus


@pytest.mark.parametrize(
    ("status", "rag"),
    [
        (S.ON_TRACK, Rag.GREEN),
        (S.AT_RISK, Rag.AMBER),
        (S.OFF_TRACK, Rag.RED),
        (S.COMPLETE, Rag.BLUE),
        (S.NOT_STARTED, Rag.GREY),
        (S.CLOSED, Rag.GREY),
    ],
)
def test_it_derives_the_rag_colour_from_the_status(status, rag):
    assert status.rag == rag


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], None),
        ([S.ON_TRACK, S.OFF_TRACK, S.COMPLETE], S.OFF_TRACK),
        ([S.ON_TRACK, S.AT_RISK], S.AT_RISK),
        ([S.ON_TRACK, S.COMPLETE], S.ON_TRACK),
        ([S.NOT_STARTED, S.COMPLETE], S.NOT_STARTED),
        ([S.NOT_STARTED, S.ON_TRACK], S.ON_TRACK),
        ([S.COMPLETE, S.CLOSED], S.COMPLETE),
        ([S.CLOSED], S.CLOSED),
    ],
)
def test_a_recommendation_takes_the_worst_status_of_its_open_actions(statuses, expected):
    assert ActionStatus.rollup(statuses) == expected


@pytest.mark.parametrize(
    ("previous", "current", "direction"),
    [
        (S.AT_RISK, S.ON_TRACK, Direction.IMPROVED),
        (S.ON_TRACK, S.OFF_TRACK, Direction.WORSENED),
        (S.ON_TRACK, S.ON_TRACK, Direction.UNCHANGED),
        (S.ON_TRACK, S.COMPLETE, Direction.IMPROVED),
        (S.NOT_STARTED, S.AT_RISK, Direction.WORSENED),
        (None, S.ON_TRACK, Direction.NEW),
    ],
)
def test_direction_of_travel_compares_two_quarter_ends(previous, current, direction):
    assert Direction.between(previous, current) == direction


def test_every_direction_has_an_arrow_and_a_word():
    for direction in Direction:
        assert direction.arrow and direction.label


def test_commentary_is_required_for_at_risk_off_track_and_complete_only():
    assert {s for s in ActionStatus if s.needs_commentary} == {S.AT_RISK, S.OFF_TRACK, S.COMPLETE}
