"""Action plans exactly as councils publish them import without retyping, and again without
changing anything."""

import datetime as dt

import pytest
import time_machine

from actions.choices import ActionStatus, UpdateSource
from actions.models import Action, Milestone, ProgressUpdate
from imports import parsing
from imports.choices import ImportKind, ImportStatus
from imports.services import import_batch_apply, import_batch_create
from reviews.choices import RecommendationKind
from reviews.models import Recommendation
from tests.factories import ActionFactory
from tests.import_files import csv_bytes, xlsx_bytes
from tests.import_fixtures import (
    formal_and_additional_plan_rows,
    progress_review_plan_rows,
    published_fixture,  # noqa: F401 - the published fixture
    word_table_plan_rows,
)

pytestmark = pytest.mark.django_db


def upload(setup, review, content, filename="plan.xlsx"):
    return import_batch_create(
        kind=ImportKind.ACTION_PLAN,
        content=content,
        filename=filename,
        council=setup.council,
        review=review,
        uploaded_by=setup.performance,
    )


def problems(batch):
    return [str(parsing.Problem(**p)) for p in batch.errors]


def import_twice(setup, review, rows):
    """Import the plan, then the same file again; the second preview must find nothing to do."""
    first = upload(setup, review, xlsx_bytes(rows))
    assert problems(first) == []
    import_batch_apply(batch=first, user=setup.performance)
    counts = _counts()
    second = upload(setup, review, xlsx_bytes(rows))
    assert problems(second) == []
    assert (second.summary["created"], second.summary["updated"]) == ([], [])
    assert second.change_count == 0
    assert _counts() == counts
    return first


def _counts():
    return (
        Action.objects.count(),
        Action.history.count(),
        Milestone.objects.count(),
        ProgressUpdate.objects.count(),
        Recommendation.objects.count(),
    )


def test_it_imports_a_word_table_plan_and_a_reimport_changes_nothing(published):
    batch = import_twice(published, published.cpc, word_table_plan_rows())

    actions = {a.reference: a for a in Action.objects.filter(recommendation__review=published.cpc)}
    assert sorted(actions) == ["R1.1", "R1.2", "R1.3", "R2.1", "R3.1", "R4.1"]
    assert actions["R1.1"].description == "Carry out a review of capacity in the corporate centre"
    assert actions["R1.2"].description.startswith("Report the findings and proposals")
    assert (actions["R1.1"].target_date, actions["R1.2"].target_date) == (
        dt.date(2024, 3, 31),
        dt.date(2024, 6, 30),
    )
    # The merged recommendation and lead cells carry down; "Complete" is a status, not a date.
    assert actions["R1.3"].recommendation.number == 1
    assert actions["R1.3"].lead_officer == published.leads["jwhitfield"]
    assert actions["R1.3"].directorate == published.directorate
    assert actions["R1.3"].target_date is None
    assert (actions["R1.3"].status, actions["R1.3"].percent_complete) == ("complete", 100)
    # "July 2023 and ongoing": the date is the target, the words are kept.
    assert actions["R2.1"].target_date == dt.date(2023, 7, 31)
    assert actions["R2.1"].timescale_note == "July 2023 and ongoing"
    assert actions["R2.1"].directorate == published.directorate  # "Corporate": the only one
    assert actions["R3.1"].target_date is None
    assert actions["R3.1"].timescale_note == "Ongoing"
    assert actions["R4.1"].timescale_note == "To be addressed through 2, above"
    assert actions["R4.1"].directorate == published.childrens
    assert Action.objects.count() == 6  # the cross-reference is no action of its own
    # How each recommendation cell was matched is shown in the preview.
    matches = {item["reference"]: item["match"] for item in batch.summary["created"]}
    assert matches["R1.1"] == matches["R1.3"] == "R1 (by number)"
    assert matches["R2.1"] == "R2 (by number)"
    assert matches["R3.1"] == "R3 (100% text match)"
    assert matches["R4.1"] == "R4 (by number)"
    assert batch.summary["ignored"] == ["Comments from Overview and Scrutiny"]
    note = ProgressUpdate.objects.get(action=actions["R2.1"])
    assert (note.author, note.recorded_by) == (
        published.leads["mgreenhalgh"],
        published.performance,
    )


@time_machine.travel(dt.datetime(2023, 1, 16, 12, 0))  # the plan as sent to the progress review
def test_it_imports_a_progress_review_plan_with_peer_suggestions_kept_apart(published):
    import_twice(published, published.revisit, progress_review_plan_rows())

    suggestions = list(published.revisit.recommendations.suggestions())
    assert [(s.reference, s.title) for s in suggestions] == [
        ("S4", "Use the November 2023 Corporate Peer Challenge to help develop the 2035 vision, "
               "with specific questions for the peer team"),
        ("S5", "Align the sequencing of the localities review with the next budget planning "
               "period"),
    ]  # fmt: skip
    assert published.revisit.recommendations.recommendations().count() == 3
    actions = {
        a.reference: a for a in Action.objects.filter(recommendation__review=published.revisit)
    }
    assert sorted(actions) == ["R1.1", "R3.1", "S4.1", "S5.1"]
    assert actions["S4.1"].recommendation == suggestions[0]
    assert (actions["S4.1"].status, actions["S4.1"].percent_complete) == ("complete", 100)
    assert actions["R3.1"].status == ActionStatus.AT_RISK
    assert actions["R1.1"].updates.get().source == UpdateSource.IMPORT
    assert actions["S5.1"].timescale_note == "Ongoing"


def test_it_reads_formal_and_additional_recommendations_under_their_headings(published):
    import_twice(published, published.cpc, formal_and_additional_plan_rows())

    actions = {a.reference: a for a in Action.objects.filter(recommendation__review=published.cpc)}
    assert sorted(actions) == ["R1.1", "R3.1", "S6.1", "S7.1"]
    assert actions["S6.1"].recommendation.kind == RecommendationKind.SUGGESTION
    assert actions["S6.1"].recommendation.title == (
        "Strengthen member development so that all councillors understand the financial position"
    )
    assert actions["S7.1"].timescale_note == "Quarterly"
    assert actions["R3.1"].target_date == dt.date(2024, 2, 29)


def test_it_asks_to_confirm_a_weak_match_and_shows_its_score(published):
    rows = [
        ["Recommendation", "Action", "Timescale"],
        ["Review corporate capacity", "Map the skills in the corporate centre", "March 2024"],
        ["Improve the parks", "Plant trees", "March 2024"],
    ]
    batch = upload(published, published.cpc, csv_bytes(rows), "plan.csv")
    found = problems(batch)
    assert any(
        p.startswith("Row 2, Recommendation: 'Review corporate capacity' looks most like R1")
        and "% alike" in p
        and "start the cell with 'R1:'" in p
        for p in found
    ), found
    assert any(
        p.startswith("Row 3, Recommendation: 'Improve the parks' is not one of") for p in found
    )
    assert not batch.can_be_applied


def test_it_says_so_when_bullets_and_timescales_do_not_pair_up(published):
    rows = [
        ["Recommendation", "Action", "Timescale"],
        ["R1", "• First step\n• Second step\n• Third step", "• March 2024\n• June 2024"],
    ]
    batch = upload(published, published.cpc, csv_bytes(rows), "plan.csv")
    assert problems(batch) == [
        "Row 2, Timescale: The Action cell has 3 actions but this cell has 2 timescales. Give "
        "each action its own timescale line, in the same order, or one timescale for them all."
    ]


def test_names_are_matched_as_people_type_them_and_never_invented(published):
    rows = [
        ["Recommendation", "Action", "Lead officer", "Directorate"],
        ["R1", "One", "JAN WHITFIELD", "corporate resources & customer services"],
        ["R1", "Two", "Jan Whitfeld", "Childrens Servics"],
        ["R1", "Three", "", "S"],
    ]
    batch = upload(published, published.cpc, csv_bytes(rows), "plan.csv")
    found = problems(batch)
    assert found == [
        "Row 3, Lead officer: There is no person called 'Jan Whitfeld' in Sefton. Did you mean "
        "'Jan Whitfield'? Use a name from the admin, or add the person there first; the import "
        "never creates one.",
        "Row 3, Directorate: There is no directorate called 'Childrens Servics' in Sefton. Did "
        "you mean 'Children's Services'? Use a name from the admin, or add the directorate "
        "there first; the import never creates one.",
        "Row 4, Directorate: There is no directorate called 'S' in Sefton. Use a name from the "
        "admin, or add the directorate there first; the import never creates one.",
    ]


def test_a_status_without_an_update_column_says_what_to_add(published):
    rows = [["Recommendation", "Action", "RAG"], ["R1", "One", "Red"]]
    batch = upload(published, published.cpc, csv_bytes(rows), "plan.csv")
    assert problems(batch) == [
        "Row 2, Latest update: Say why the action is off track. The file has no column for it: "
        "add a column called Latest update, or remove the RAG."
    ]


def test_it_finds_the_header_row_below_titles_and_lists_ignored_columns(published):
    rows = [
        ["Action plan"],
        ["Recommendation"],
        ["Ref no", "Recommendation", "Actions", "Owner", "Notes for the team"],
        [1, "R2", "Brief the Members", "Jan Whitfield", "not read"],
    ]
    batch = upload(published, published.cpc, xlsx_bytes(rows))
    assert problems(batch) == []
    assert batch.summary["ignored"] == ["Notes for the team"]
    assert [item["reference"] for item in batch.summary["created"]] == ["1"]


def test_a_reimport_into_a_review_with_actions_warns_where_descriptions_change(published):
    ActionFactory(recommendation=published.cpc.recommendations.get(number=1), reference="R1.1",
                  description="Old words")  # fmt: skip
    rows = [["Recommendation", "Action ref", "Action"], ["R1", "R1.1", "New words"]]
    batch = upload(published, published.cpc, csv_bytes(rows), "plan.csv")
    assert batch.summary["warnings"] == [
        "Corporate Peer Challenge 2023 already has 1 action: a row matching one by reference "
        "updates it; the other rows add new actions.",
        "Row 2: R1.1's description would be replaced: 'Old words' becomes 'New words'.",
    ]


@time_machine.travel(dt.datetime(2023, 1, 16, 12, 0))
def test_the_review_page_shows_suggestions_apart(client, published):
    import_batch_apply(
        batch=upload(published, published.revisit, xlsx_bytes(progress_review_plan_rows())),
        user=published.performance,
    )
    client.force_login(published.performance)
    html = client.get(published.revisit.get_absolute_url()).content.decode()
    recommendations, suggestions = html.split("Peer suggestions", 1)
    assert "R3." in recommendations and "S4." not in recommendations
    assert "S4." in suggestions and "S5." in suggestions
    assert ImportStatus.APPLIED


def test_an_edited_description_updates_its_action_with_a_warning_instead_of_adding_one(published):
    rows = word_table_plan_rows()
    import_batch_apply(batch=upload(published, published.cpc, xlsx_bytes(rows)),
                       user=published.performance)  # fmt: skip
    rows[7][1] = "Agree a reserves strategy as part of the Medium Term Financial Plan 2024-27"
    batch = upload(published, published.cpc, xlsx_bytes(rows))
    assert problems(batch) == []
    assert batch.summary["created"] == []
    assert [item["reference"] for item in batch.summary["updated"]] == ["R3.1"]
    assert "Row 8: R3.1's description would be replaced" in batch.summary["warnings"][1]
