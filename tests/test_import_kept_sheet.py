"""Confirming an import plans from the sheet the preview read, kept with the upload, so the file
is read once; everything the tracker holds is still checked again at confirm, and the bulk
writes leave the same rows and history as a save would."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import Action, Milestone, ProgressUpdate
from imports import bulk, parsing
from imports.choices import ImportKind, ImportStatus
from imports.models import ImportBatch
from imports.parsing import Cell, Row, Sheet
from imports.services import ImportRefused, import_batch_apply, import_batch_create
from tests.factories import ActionFactory
from tests.import_files import PLAN_HEADINGS, csv_bytes, with_saved_formula_value, xlsx_bytes
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imported_when_the_plan_was_current():
    with time_machine.travel(dt.datetime(2024, 11, 1, 12, 0)):
        yield


def plan_rows():
    return [
        PLAN_HEADINGS,
        [
            1, "R1.1", "Appoint an Organisational Development lead", "casey.bennett@example.org",
            "", "", dt.datetime(2024, 4, 1), dt.datetime(2025, 3, 31),
            "Job description agreed – 30/06/2024\nLead in post – 30/09/2024",
            "Green", 25, "Recruitment under way.",
        ],
        [
            2, "R2.1", "Adopt a strategy", "Casey Bennett", "", "", "01/04/2024", "Q4 2024/25",
            "", "Not started", 0, "",
        ],
    ]  # fmt: skip


def upload(setup, content, filename="plan.xlsx"):
    return import_batch_create(
        kind=ImportKind.ACTION_PLAN,
        content=content,
        filename=filename,
        council=setup.council,
        review=setup.review,
        uploaded_by=setup.performance,
    )


def file_read_again(*args, **kwargs):
    raise AssertionError("the file was read again")


def test_confirming_does_not_read_the_file_again(plan_setup, monkeypatch):
    batch = upload(plan_setup, xlsx_bytes(plan_rows()))
    monkeypatch.setattr(parsing, "read_sheet", file_read_again)

    import_batch_apply(batch=ImportBatch.objects.get(pk=batch.pk), user=plan_setup.performance)

    assert sorted(Action.objects.values_list("reference", flat=True)) == ["R1.1", "R2.1"]
    assert ImportBatch.objects.get().status == ImportStatus.APPLIED


def test_the_upload_page_reads_the_file_once(client, plan_setup, monkeypatch):
    reads = []
    real_read = parsing.read_sheet

    def counted(*args, **kwargs):
        reads.append(args)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(parsing, "read_sheet", counted)
    monkeypatch.setattr("imports.forms.read_sheet", counted)
    client.force_login(plan_setup.performance)
    client.post(
        reverse("imports:importbatch_create"),
        {
            "kind": ImportKind.ACTION_PLAN,
            "review": plan_setup.review.pk,
            "file": SimpleUploadedFile("plan.xlsx", xlsx_bytes(plan_rows())),
        },
    )
    assert ImportBatch.objects.get().change_count == 2
    assert len(reads) == 1


def test_a_sheet_kept_for_other_bytes_is_not_used(plan_setup, monkeypatch):
    batch = upload(plan_setup, xlsx_bytes(plan_rows()))
    other = upload(plan_setup, xlsx_bytes([*plan_rows()[:2]]))
    ImportBatch.objects.filter(pk=batch.pk).update(sheet=other.sheet)  # not this file's sheet

    kept = ImportBatch.objects.get(pk=batch.pk).kept_sheet()

    assert kept is None
    import_batch_apply(batch=batch, user=plan_setup.performance)  # read from its bytes again
    assert Action.objects.count() == 2


def test_an_upload_kept_before_sheets_were_kept_is_read_again_and_imported(plan_setup):
    batch = upload(plan_setup, xlsx_bytes(plan_rows()))
    ImportBatch.objects.filter(pk=batch.pk).update(sheet={})

    import_batch_apply(batch=ImportBatch.objects.get(pk=batch.pk), user=plan_setup.performance)
    assert Action.objects.count() == 2


def test_an_action_edited_between_preview_and_confirm_stops_the_import(plan_setup, monkeypatch):
    existing = ActionFactory(
        recommendation=plan_setup.recommendations[1],
        reference="R1.1",
        description="Appoint an Organisational Development lead",
        target_date=dt.date(2025, 3, 31),
    )
    rows = plan_rows()
    rows[1][7] = dt.datetime(2025, 6, 30)  # the file moves R1.1's target date
    batch = upload(plan_setup, xlsx_bytes(rows))
    assert [item["reference"] for item in batch.summary["updated"]] == ["R1.1"]
    monkeypatch.setattr(parsing, "read_sheet", file_read_again)
    Action.objects.filter(pk=existing.pk).update(target_date=dt.date(2025, 6, 30))

    with pytest.raises(ImportRefused, match="changed since the preview"):
        import_batch_apply(batch=batch, user=plan_setup.performance)
    assert not Action.objects.filter(reference="R2.1").exists()
    assert ProgressUpdate.objects.count() == 0


def test_the_kept_sheet_gives_back_every_kind_of_cell(plan_setup):
    rows = [
        ["Recommendation", "Action ref", "Action", "Start date", "Target date", "% complete"],
        [1, "R1.1", "Text with – dashes\nand lines", dt.datetime(2024, 4, 1, 9, 30), 45000, 0.5],
        [True, "R1.2", "=A1", dt.date(2024, 4, 1), 2.0, None],
        [None, " ", "'=SUM(1)", dt.time(9, 30), 1.25, "50%"],
    ]
    content = with_saved_formula_value(xlsx_bytes(rows), "C3", 7)
    read = parsing.read_sheet(content, "plan.xlsx")
    batch = upload(plan_setup, content)

    kept = ImportBatch.objects.get(pk=batch.pk).kept_sheet()  # through the database's JSON

    assert kept == read
    assert list(kept.headers) == list(read.headers)  # in the file's order, as read
    kinds = [[(name, type(c.value)) for name, c in row.cells.items()] for row in kept.rows]
    assert kinds == [[(name, type(c.value)) for name, c in row.cells.items()] for row in read.rows]
    every_kind = {kind for row in kinds for _, kind in row}
    assert {int, float, bool, str, dt.datetime, dt.time, type(None)} <= every_kind
    assert kept.rows[1].cells["description"].formula == "=A1"


def test_a_csv_sheet_is_kept_too(plan_setup):
    content = csv_bytes([[str(cell) for cell in row] for row in plan_rows()])
    batch = upload(plan_setup, content, "plan.csv")
    assert ImportBatch.objects.get(pk=batch.pk).kept_sheet() == parsing.read_sheet(content)


def test_a_cell_json_cannot_hold_keeps_no_sheet():
    sheet = Sheet(headers={"reference": "Action ref"})
    sheet.rows.append(Row(2, {"reference": Cell(float("nan"))}))
    assert sheet.to_json() is None
    sheet.rows[0] = Row(2, {"reference": Cell(object())})
    assert sheet.to_json() is None
    assert Sheet.from_json({"format": "an older one"}) is None


def test_imported_rows_have_the_history_simple_history_would_write(plan_setup):
    batch = upload(plan_setup, xlsx_bytes(plan_rows()))
    import_batch_apply(batch=batch, user=plan_setup.performance)

    action = Action.objects.get(reference="R1.1")
    record = action.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        plan_setup.performance,
        None,
    )
    tracked = [f.attname for f in Action.history.model.tracked_fields]
    assert {name: getattr(record, name) for name in tracked} == {
        name: getattr(action, name) for name in tracked
    }
    assert Milestone.history.filter(history_type="+").count() == Milestone.objects.count() == 2
    update = action.updates.get()
    assert (update.author, update.recorded_by, update.status) == (
        plan_setup.lead,
        plan_setup.performance,
        ActionStatus.ON_TRACK,
    )
    assert action.status == ActionStatus.ON_TRACK


def test_bulk_history_matches_simple_historys_own(plan_setup):
    action = ActionFactory(recommendation=plan_setup.recommendations[1])
    milestone = Milestone.objects.create(action=action, title="Step", due_date=dt.date(2025, 1, 31))
    when = timezone.now()
    for model, record in ((Action, action), (Milestone, milestone)):
        bulk.history_create([record], model, user=plan_setup.performance, date=when)
        model.history.bulk_history_create(
            [record], default_user=plan_setup.performance, default_date=when,
            default_change_reason=None,
        )  # fmt: skip
        ours, theirs = model.history.filter(id=record.pk).order_by("-history_id")[:2][::-1]
        columns = [f.attname for f in model.history.model._meta.concrete_fields]
        columns.remove("history_id")
        assert {c: getattr(ours, c) for c in columns} == {c: getattr(theirs, c) for c in columns}
