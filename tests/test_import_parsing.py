"""Reading cells the way people fill them in: dates, statuses, percentages, milestones, headings."""

import datetime as dt

import pytest

from actions.choices import ActionStatus
from imports import parsing
from tests.import_files import csv_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("31/03/2024", dt.date(2024, 3, 31)),
        ("31-03-2024", dt.date(2024, 3, 31)),
        ("31.03.24", dt.date(2024, 3, 31)),
        ("1/4/24", dt.date(2024, 4, 1)),
        ("31 March 2024", dt.date(2024, 3, 31)),
        ("31st March 2024", dt.date(2024, 3, 31)),
        ("31 Mar 2024", dt.date(2024, 3, 31)),
        ("31-Mar-24", dt.date(2024, 3, 31)),
        ("March 2024", dt.date(2024, 3, 31)),
        ("Feb 2024", dt.date(2024, 2, 29)),
        ("Sept 2024", dt.date(2024, 9, 30)),
        ("Q4 2023/24", dt.date(2024, 3, 31)),
        ("2023/24 Q4", dt.date(2024, 3, 31)),
        ("Quarter 1 2024-25", dt.date(2024, 6, 30)),
        ("2024-03-31", dt.date(2024, 3, 31)),
        ("45382", dt.date(2024, 3, 31)),
        (45382, dt.date(2024, 3, 31)),
        (dt.datetime(2024, 3, 31, 0, 0), dt.date(2024, 3, 31)),
        ("", None),
        ("Ongoing", None),
        ("TBC", None),
    ],
)
def test_it_reads_dates_as_people_type_them(typed, day):
    assert parsing.parse_date(typed) == day


@pytest.mark.parametrize(
    "typed",
    ["31/02/2024", "03/31/2024", "Spring 2024", "2024", "Q5 2023/24", "2023/25 Q1", "soon", 7],
)
def test_it_refuses_impossible_or_ambiguous_dates_quoting_them(typed):
    with pytest.raises(ValueError, match=f"'{typed}' is not a date"):
        parsing.parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("Green", ActionStatus.ON_TRACK),
        ("AMBER", ActionStatus.AT_RISK),
        ("red", ActionStatus.OFF_TRACK),
        ("Blue", ActionStatus.COMPLETE),
        ("Completed", ActionStatus.COMPLETE),
        ("Not started", ActionStatus.NOT_STARTED),
        ("Closed", ActionStatus.CLOSED),
        ("Superseded", ActionStatus.CLOSED),
        ("Closed / superseded", ActionStatus.CLOSED),
        ("On track (Green)", ActionStatus.ON_TRACK),
        ("", None),
    ],
)
def test_it_reads_status_and_rag_words(typed, status):
    assert parsing.parse_status(typed) == status


def test_it_reads_percentages_and_refuses_what_is_out_of_range():
    typed = ("50", "50%", 75.0, "", None)
    assert [parsing.parse_percent(v) for v in typed] == [50, 50, 75, None, None]
    for bad in ("-5", "101", "lots"):
        with pytest.raises(ValueError, match=f"'{bad}'"):
            parsing.parse_percent(bad)


def test_it_reads_several_milestones_from_one_cell_in_either_order():
    cell = (
        "• Job description agreed – 30/06/2024 (completed 12/06/2024)\n"
        "30/09/2024 Lead in post\n"
        "1. Strategy to Cabinet - March 2025\n"
        "Staff survey (Q2 2025/26)"
    )
    assert parsing.parse_milestones(cell) == [
        parsing.MilestoneText("Job description agreed", dt.date(2024, 6, 30), dt.date(2024, 6, 12)),
        parsing.MilestoneText("Lead in post", dt.date(2024, 9, 30)),
        parsing.MilestoneText("Strategy to Cabinet", dt.date(2025, 3, 31)),
        parsing.MilestoneText("Staff survey", dt.date(2025, 9, 30)),
    ]


def test_a_milestone_line_without_a_date_is_refused():
    with pytest.raises(ValueError, match="'Get it done' has no due date"):
        parsing.parse_milestones("Get it done")


def test_headings_are_matched_whatever_their_case_spacing_and_punctuation():
    headings = ["REC NO.", "action-ref", "Actions", "Responsible Officer", "Deadline",
                "RAG Status", "% Complete", "Latest update", "Something else"]  # fmt: skip
    sheet = parsing.read_sheet(csv_bytes([headings, ["1"] * 9]), "plan.csv")
    assert list(sheet.headers) == [
        "recommendation", "reference", "description", "lead_officer", "target_date", "status",
        "percent", "commentary",
    ]  # fmt: skip
    assert sheet.notes == ["Column 'Something else' is not one the tracker reads; it is ignored."]


def test_two_columns_meaning_the_same_thing_are_a_problem():
    sheet = parsing.read_sheet(xlsx_bytes([["Ref", "Action ref", "Action"], ["a", "b", "c"]]))
    assert [str(p) for p in sheet.problems] == [
        "Row 1, Action ref: This column and 'Ref' both look like 'Action ref'. Rename or remove "
        "one of them."
    ]


def test_csv_separated_by_semicolons_and_saved_in_windows_encoding_is_read():
    content = csv_bytes([["Rec", "Ref", "Action"], ["1", "R1.1", "Café – £5k"]],
                        encoding="cp1252", delimiter=";")  # fmt: skip
    sheet = parsing.read_sheet(content, "plan.csv")
    assert sheet.rows[0].text("description") == "Café – £5k"


def test_exported_quotes_before_formula_characters_are_taken_off_again():
    assert parsing.cell_text(parsing.neutralise("=1+1")) == "=1+1"
    assert parsing.cell_text("'quoted on purpose'") == "'quoted on purpose'"
    assert parsing.neutralise(-5) == -5
