"""Importing a council's action plan from the spreadsheet it already keeps."""

import datetime as dt

import pytest
import time_machine

from actions.choices import ActionStatus, UpdateSource
from actions.models import Action, Milestone, ProgressUpdate
from actions.services import progress_update_create
from imports import parsing
from imports.choices import ImportKind, ImportStatus
from imports.models import ImportBatch
from imports.services import ImportRefused, import_batch_apply, import_batch_create, import_preview
from tests.factories import ActionFactory, MilestoneFactory
from tests.import_files import (
    PDF_BYTES,
    PLAN_HEADINGS,
    PNG_BYTES,
    csv_bytes,
    with_saved_formula_value,
    xlsx_bytes,
)
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imported_when_the_plan_was_current():
    """These plans were written in autumn 2024: import them as then, while their target dates are
    still ahead (an action past its target date is not on track without a revised date)."""
    with time_machine.travel(dt.datetime(2024, 11, 1, 12, 0)):
        yield


def upload(setup, content, filename="plan.xlsx", user=None):
    return import_batch_create(
        kind=ImportKind.ACTION_PLAN,
        content=content,
        filename=filename,
        council=setup.council,
        review=setup.review,
        uploaded_by=user or setup.performance,
    )


def clean_plan_rows():
    return [
        PLAN_HEADINGS,
        [
            1, "R1.1", "Appoint an Organisational Development lead", "casey.bennett@example.org",
            "Corporate Resources and Customer Services", "Regeneration and Skills",
            dt.datetime(2024, 4, 1), dt.datetime(2025, 3, 31),
            "Job description agreed – 30/06/2024\nLead in post – 30/09/2024",
            "Green", 25, "Recruitment under way.",
        ],
        [
            1, "R1.2", "Adopt an Organisational Development strategy", "Casey Bennett",
            "", "", dt.datetime(2024, 4, 1), dt.datetime(2025, 12, 31), "", "Not started", 0, "",
        ],
        [
            2, "R2.1", "Refresh the medium-term financial strategy", "", "", "",
            None, dt.datetime(2024, 12, 31), "", "", "", "",
        ],
    ]  # fmt: skip


def test_it_previews_a_clean_plan_and_writes_nothing_until_confirmed(plan_setup):
    batch = upload(plan_setup, xlsx_bytes(clean_plan_rows()))

    assert batch.errors == []
    assert [item["reference"] for item in batch.summary["created"]] == ["R1.1", "R1.2", "R2.1"]
    assert batch.summary["created"][0]["milestones"] == 2
    assert batch.summary["created"][0]["status"] == "On track"
    assert Action.objects.count() == 0


def test_it_imports_a_clean_plan_in_one_go(plan_setup):
    batch = upload(plan_setup, xlsx_bytes(clean_plan_rows()))
    import_batch_apply(batch=batch, user=plan_setup.performance)

    first = Action.objects.get(reference="R1.1")
    assert first.recommendation == plan_setup.recommendations[1]
    assert first.lead_officer == plan_setup.lead
    assert first.directorate == plan_setup.directorate
    assert first.portfolio == plan_setup.portfolio
    assert (first.start_date, first.target_date) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert [(m.title, m.due_date) for m in first.milestones.all()] == [
        ("Job description agreed", dt.date(2024, 6, 30)),
        ("Lead in post", dt.date(2024, 9, 30)),
    ]
    assert (first.status, first.percent_complete) == (ActionStatus.ON_TRACK, 25)
    update = first.updates.get()
    assert update.source == UpdateSource.IMPORT
    # Credited to the lead officer, as recorded on their behalf by whoever imported the plan.
    assert update.author == plan_setup.lead
    assert update.recorded_by == plan_setup.performance
    assert update.commentary == "Recruitment under way."
    assert Action.objects.get(reference="R1.2").lead_officer == plan_setup.lead
    assert Action.objects.get(reference="R2.1").updates.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED


def test_it_reads_header_synonyms_title_rows_and_the_dates_people_type(plan_setup):
    rows = [
        ["Rec no.", "Ref", "Actions", "Owner", "Service area", "Start", "Timescale",
         "Key milestones", "RAG", "Percent", "Commentary"],
        ["R1", "1.1", "Set up the OD function", "CASEY BENNETT", "corporate resources and "
         "customer services", "01.04.24", "31 March 2025",
         "- Draft strategy: 30/09/2024\n31-12-2024 Consult staff\nBoard approval (Q4 2024/25)",
         "Amber", "40%", "Slipped a month because of recruitment."],
        ["R1", "1.2", "Publish the strategy", "", "", "April 2024", "2024/25 Q2", "", "Blue",
         "100", "Published."],
        ["Rec 2", "2.1", "Savings plan", "", "", "45383", "Q3 2024/25", "", "Red", "10",
         "Delayed by the budget round."],
        ["3", "3.1", "Ongoing culture work", "", "", "", "Ongoing", "", "In progress", "", ""],
    ]  # fmt: skip
    content = csv_bytes(
        [["Sefton Council – LGA Corporate Peer Challenge action plan"], [], *rows],
        encoding="cp1252",
    )
    batch = upload(plan_setup, content, filename="Action plan (final).csv")

    assert batch.errors == []
    import_batch_apply(batch=batch, user=plan_setup.performance)
    od = Action.objects.get(reference="1.1")
    assert od.lead_officer == plan_setup.lead
    assert (od.start_date, od.target_date) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert [(m.title, m.due_date) for m in od.milestones.all()] == [
        ("Draft strategy", dt.date(2024, 9, 30)),
        ("Consult staff", dt.date(2024, 12, 31)),
        ("Board approval", dt.date(2025, 3, 31)),
    ]
    assert (od.status, od.percent_complete) == (ActionStatus.AT_RISK, 40)
    published = Action.objects.get(reference="1.2")
    assert (published.start_date, published.target_date) == (
        dt.date(2024, 4, 30),
        dt.date(2024, 9, 30),
    )
    assert published.status == ActionStatus.COMPLETE
    savings = Action.objects.get(reference="2.1")
    assert savings.start_date == dt.date(2024, 4, 1)  # Excel serial 45383, typed as text
    assert savings.target_date == dt.date(2024, 12, 31)
    assert savings.status == ActionStatus.OFF_TRACK
    culture = Action.objects.get(reference="3.1")
    assert (culture.target_date, culture.status) == (None, ActionStatus.ON_TRACK)


def test_it_takes_one_milestone_per_row_below_its_action(plan_setup):
    rows = [
        ["Recommendation", "Action ref", "Action", "Milestone", "Milestone date", "Target date"],
        [1, "R1.1", "Appoint an OD lead", "Job description agreed", "30/06/2024", "31/03/2025"],
        ["", "", "", "Interviews held", "August 2024", ""],
        [1, "R1.1", "", "Lead in post", "30/09/2024", ""],
    ]
    batch = upload(plan_setup, xlsx_bytes(rows))
    assert batch.errors == []
    import_batch_apply(batch=batch, user=plan_setup.performance)

    assert list(Milestone.objects.values_list("title", "due_date")) == [
        ("Job description agreed", dt.date(2024, 6, 30)),
        ("Interviews held", dt.date(2024, 8, 31)),
        ("Lead in post", dt.date(2024, 9, 30)),
    ]


def bad_plan_rows():
    return [
        PLAN_HEADINGS,
        [1, "R1.1", "A good action", "", "", "", "", "31/03/2025", "", "", "", ""],
        [1, "R1.2", "Impossible date", "", "", "", "", "31/02/2024", "", "", "", ""],
        [99, "R9.1", "No such recommendation", "", "", "", "", "", "", "", "", ""],
        [2, "R2.1", "Unknown officer", "Pat Nobody", "", "", "", "", "", "", "", ""],
        [2, "R2.2", "Unknown status", "", "", "", "", "", "", "Purple", "150", ""],
        [3, "R3.1", "At risk without a reason", "", "", "", "", "", "", "Amber", "", ""],
        [3, "R3.2", "Target before start", "", "", "", "01/04/2025", "01/04/2024", "", "", "", ""],
        [3, "R3.3", "Bad milestone", "", "", "", "", "", "Get it done", "", "", ""],
    ]  # fmt: skip


def test_a_plan_with_bad_rows_writes_nothing_and_names_every_row_and_column(plan_setup):
    batch = upload(plan_setup, xlsx_bytes(bad_plan_rows()))

    problems = [str(parsing.Problem(**p)) for p in batch.errors]
    assert "Row 3, Target date: '31/02/2024' is not a date. Write it as 31/03/2024, March " \
        "2024 or Q4 2023/24." in problems  # fmt: skip
    assert "Row 4, Recommendation: Corporate Peer Challenge 2023 has no recommendation 99." in (
        problems
    )
    assert any(
        p.startswith("Row 5, Lead officer: There is no person called 'Pat Nobody'")
        for p in problems
    )
    assert any(p.startswith("Row 6, Status: 'Purple' is not a status") for p in problems)
    assert "Row 6, % complete: '150' is not between 0 and 100." in problems
    assert "Row 7, Latest update: Say why the action is at risk." in problems
    starts = [p[:40] for p in problems]
    assert "Row 8, Target date: The target date must" in starts
    assert "Row 9, Milestones: Milestone 'Get it don" in starts
    assert not batch.can_be_applied
    with pytest.raises(ImportRefused):
        import_batch_apply(batch=batch, user=plan_setup.performance)
    assert Action.objects.count() == 0
    assert Milestone.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (PNG_BYTES, "plan.xlsx", "The file is not a spreadsheet"),
        (PDF_BYTES, "plan.xlsx", "The file is not a spreadsheet"),
        (PDF_BYTES, "plan.csv", "The file is not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "plan.xlsx", "password-protected"),
        (b"PK\x03\x04" + b"\x00" * 100, "plan.xlsx", "damaged"),
        (b"", "plan.csv", "The file is empty"),
        (b"Recommendation,Action ref\n1,R\x81\x8d", "plan.csv", "characters could not be read"),
        (b"just some words\nwith no headings\n", "notes.csv", "No header row found"),
    ],
)
def test_it_refuses_what_is_not_a_readable_spreadsheet(plan_setup, content, filename, message):
    batch = upload(plan_setup, content, filename=filename)

    assert len(batch.errors) == 1
    assert message in batch.errors[0]["message"]
    assert not batch.can_be_applied


def test_it_refuses_a_zip_that_is_not_a_workbook(plan_setup):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    batch = upload(plan_setup, out.getvalue())
    assert "not an Excel workbook" in batch.errors[0]["message"]


def test_it_refuses_more_rows_than_the_limit(plan_setup):
    rows = [["Recommendation", "Action ref", "Action"]]
    rows += [[1, f"R1.{n}", "An action"] for n in range(parsing.MAX_ROWS + 1)]
    batch = upload(plan_setup, csv_bytes(rows), filename="big.csv")
    assert batch.errors[0]["message"].startswith("The sheet has more than 2,000 rows")


def test_a_formula_cell_is_read_as_its_saved_value_and_never_calculated(plan_setup):
    rows = [
        ["Recommendation", "Action ref", "Action", "% complete", "Status", "Target date"],
        [1, "R1.1", "Formula with a saved value", "=20+20", "Green", "31/03/2025"],
    ]
    content = with_saved_formula_value(xlsx_bytes(rows), "D2", 40)
    batch = upload(plan_setup, content)

    assert batch.errors == []
    saved = "Row 2, % complete: the formula =20+20 was read as the value Excel saved, '40'."
    assert saved in batch.summary["notes"]
    import_batch_apply(batch=batch, user=plan_setup.performance)
    assert Action.objects.get().percent_complete == 40


def test_a_formula_without_a_saved_value_is_a_problem_not_a_calculation(plan_setup):
    rows = [
        ["Recommendation", "Action ref", "Action", "% complete"],
        [1, "R1.1", '=HYPERLINK("http://example.com","click")', "=10+20"],
    ]
    batch = upload(plan_setup, xlsx_bytes(rows))

    messages = [(p["row"], p["column"], p["message"][:40]) for p in batch.errors]
    assert (2, "% complete", "The formula =10+20 has no saved value, a") in messages
    assert (2, "Action", 'The formula =HYPERLINK("http://example.c') in messages
    assert Action.objects.count() == 0


def test_it_updates_actions_matched_by_reference_and_leaves_the_rest_alone(plan_setup):
    existing = ActionFactory(
        recommendation=plan_setup.recommendations[1],
        reference="R1.1",
        description="Appoint an OD lead",
        lead_officer=plan_setup.lead,
        target_date=dt.date(2025, 3, 31),
    )
    MilestoneFactory(action=existing, title="Lead in post", due_date=dt.date(2024, 9, 30))
    ActionFactory(
        recommendation=plan_setup.recommendations[2],
        reference="R2.1",
        description="Savings plan",
        lead_officer=None,
        start_date=None,
        target_date=None,
    )
    rows = [
        ["Recommendation", "Action ref", "Action", "Target date", "Milestones"],
        [1, "r1.1", "", "30/06/2025", "Lead in post – 31/10/2024\nStrategy drafted – Dec 2024"],
        [2, "R2.1", "Savings plan", "", ""],
    ]
    batch = upload(plan_setup, xlsx_bytes(rows))

    assert batch.errors == []
    assert batch.summary["updated"][0]["changes"] == [
        "Target date: 31 Mar 2025 → 30 Jun 2025",
        "Milestone changed: Lead in post – 31/10/2024",
        "New milestone: Strategy drafted – 31/12/2024",
    ]
    assert batch.summary["unchanged"] == [{"row": 3, "reference": "R2.1"}]
    import_batch_apply(batch=batch, user=plan_setup.performance)
    existing.refresh_from_db()
    assert existing.target_date == dt.date(2025, 6, 30)
    assert existing.description == "Appoint an OD lead"  # an empty cell changes nothing
    assert existing.milestones.count() == 2


def test_applying_twice_is_refused(plan_setup):
    batch = upload(plan_setup, xlsx_bytes(clean_plan_rows()))
    import_batch_apply(batch=batch, user=plan_setup.performance)
    with pytest.raises(ImportRefused, match="already imported"):
        import_batch_apply(batch=batch, user=plan_setup.performance)
    assert Action.objects.count() == 3
    assert ProgressUpdate.objects.count() == 1


def test_it_refuses_to_apply_when_the_tracker_changed_since_the_preview(plan_setup):
    batch = upload(plan_setup, xlsx_bytes(clean_plan_rows()))
    ActionFactory(recommendation=plan_setup.recommendations[2], reference="R2.1")

    with pytest.raises(ImportRefused, match="changed since the preview"):
        import_batch_apply(batch=batch, user=plan_setup.performance)
    assert Action.objects.count() == 1
    batch.refresh_from_db()
    assert [item["reference"] for item in batch.summary["created"]] == ["R1.1", "R1.2"]


def test_one_failing_write_rolls_back_the_whole_file(plan_setup, monkeypatch):
    batch = upload(plan_setup, xlsx_bytes(clean_plan_rows()))

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("imports.services._create_imported_updates", fail)
    with pytest.raises(RuntimeError):
        import_batch_apply(batch=batch, user=plan_setup.performance)
    assert Action.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportStatus.PREVIEWED


def test_the_preview_alone_never_writes(plan_setup):
    import_preview(
        kind=ImportKind.ACTION_PLAN,
        content=xlsx_bytes(clean_plan_rows()),
        filename="plan.xlsx",
        council=plan_setup.council,
        review=plan_setup.review,
        user=plan_setup.performance,
    )
    assert (Action.objects.count(), ImportBatch.objects.count()) == (0, 0)


def test_an_existing_status_change_becomes_one_imported_progress_update(plan_setup):
    action = ActionFactory(recommendation=plan_setup.recommendations[1], reference="R1.1")
    progress_update_create(
        action=action, author=plan_setup.lead, status="on_track", percent_complete=20
    )
    rows = [
        ["Recommendation", "Action ref", "Action", "RAG", "% complete", "Progress update"],
        [1, "R1.1", action.description, "Red", "20", "Supplier failed."],
    ]
    batch = upload(plan_setup, xlsx_bytes(rows))
    assert batch.summary["updated"][0]["changes"] == [
        "New progress update: Off track, 20% complete – “Supplier failed.”"
    ]
    import_batch_apply(batch=batch, user=plan_setup.performance)
    action.refresh_from_db()
    assert action.status == ActionStatus.OFF_TRACK
    assert action.updates.first().source == UpdateSource.IMPORT


def test_imported_plan_changes_are_in_the_audit_history_with_who_made_them(plan_setup):
    action = ActionFactory(
        recommendation=plan_setup.recommendations[1],
        reference="R1.1",
        target_date=dt.date(2025, 3, 31),
    )
    rows = [
        ["Recommendation", "Action ref", "Action", "Target date", "Milestones"],
        [1, "R1.1", "", "30/06/2025", "Lead in post – 30/09/2024"],
        [2, "R2.1", "A new action", "31/12/2025", ""],
    ]
    version_before = Action.objects.get(pk=action.pk).version
    import_batch_apply(batch=upload(plan_setup, xlsx_bytes(rows)), user=plan_setup.performance)

    latest = action.history.first()
    assert latest.target_date == dt.date(2025, 6, 30)
    assert latest.history_user == plan_setup.performance
    created = Action.objects.get(reference="R2.1").history.get()
    assert (created.history_type, created.history_user) == ("+", plan_setup.performance)
    assert Milestone.history.get().history_user == plan_setup.performance
    assert Action.objects.get(pk=action.pk).version == version_before + 1
