"""Exported spreadsheets come back: the plan re-imports to the same data, and the quarterly
update sheet officers fill in becomes progress updates, with conflicts flagged."""

import datetime as dt

import pytest
import time_machine
from django.db.models import F
from django.utils import timezone

from actions.choices import ActionStatus, UpdateSource
from actions.models import Action, ProgressUpdate
from actions.services import progress_update_create
from imports import exports
from imports.choices import ImportKind
from imports.services import ImportRefused, import_batch_apply, import_batch_create
from tests.factories import ActionFactory, MilestoneFactory, RecommendationFactory, ReviewFactory
from tests.import_files import read_xlsx, save_xlsx
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imported_when_the_plan_was_current():
    """These plans were written in autumn 2024: import them as then, while their target dates are
    still ahead (an action past its target date is not on track without a revised date)."""
    with time_machine.travel(dt.datetime(2024, 11, 1, 12, 0)):
        yield


def recorded(day: str):
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10)))


@pytest.fixture
def plan(plan_setup):
    """Two actions with milestones, updates and text a spreadsheet would run as a formula."""
    first = ActionFactory(
        recommendation=plan_setup.recommendations[1],
        reference="R1.1",
        description="=Appoint an OD lead, then +1 more, @everyone",
        lead_officer=plan_setup.lead,
        directorate=plan_setup.directorate,
        portfolio=plan_setup.portfolio,
        start_date=dt.date(2024, 4, 1),
        target_date=dt.date(2025, 3, 31),
        expected_outcome="-A named lead in post",
    )
    MilestoneFactory(
        action=first,
        title="Job description agreed",
        due_date=dt.date(2024, 6, 30),
        completed_on=dt.date(2024, 6, 12),
    )
    MilestoneFactory(action=first, title="Lead in post", due_date=dt.date(2024, 9, 30))
    progress_update_create(
        action=first,
        author=plan_setup.lead,
        status=ActionStatus.AT_RISK,
        percent_complete=35,
        commentary="=SUM(A1:A9) is not a formula here.\nSecond line.",
        recorded_at=recorded("2024-09-20"),
    )
    second = ActionFactory(
        recommendation=plan_setup.recommendations[2],
        reference="R2.1",
        description="Refresh the medium-term financial strategy",
        lead_officer=plan_setup.officer,
        directorate=None,
        start_date=None,
        target_date=dt.date(2024, 12, 31),
    )
    return first, second


PLAN_FIELDS = (
    "reference", "description", "lead_officer_id", "directorate_id", "portfolio_id",
    "start_date", "target_date", "status", "percent_complete", "expected_outcome",
)  # fmt: skip


def plan_data(review):
    """The plan of a review as plain data, to compare two reviews' plans."""
    data = []
    for action in Action.objects.filter(recommendation__review=review).order_by("reference"):
        latest = action.updates.first()
        data.append(
            {
                "recommendation": action.recommendation.number,
                **{name: getattr(action, name) for name in PLAN_FIELDS},
                "commentary": latest.commentary if latest else "",
                "milestones": list(
                    action.milestones.values_list("title", "due_date", "completed_on")
                ),
            }
        )
    return data


def export(review, kind):
    actions = exports.actions_for_export(Action.objects.filter(recommendation__review=review))
    if kind == "csv":
        return exports.action_plan_csv(actions), "plan.csv"
    return exports.action_plan_xlsx(actions), "plan.xlsx"


def upload(setup, content, filename, *, review, kind=ImportKind.ACTION_PLAN, user=None):
    return import_batch_create(
        kind=kind,
        content=content,
        filename=filename,
        council=setup.council,
        review=review,
        uploaded_by=user or setup.performance,
    )


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_exported_plan_reimports_unchanged_into_its_own_review(plan_setup, plan, kind):
    content, filename = export(plan_setup.review, kind)
    batch = upload(plan_setup, content, filename, review=plan_setup.review)

    assert batch.errors == []
    assert (batch.summary["created"], batch.summary["updated"]) == ([], [])
    assert [item["reference"] for item in batch.summary["unchanged"]] == ["R1.1", "R2.1"]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_exported_plan_imports_to_the_same_data_in_another_review(plan_setup, plan, kind):
    copy = ReviewFactory(council=plan_setup.council, slug="copy", title="Copy")
    for number in (1, 2, 3):
        RecommendationFactory(review=copy, number=number)
    content, filename = export(plan_setup.review, kind)

    batch = upload(plan_setup, content, filename, review=copy)
    assert batch.errors == []
    import_batch_apply(batch=batch, user=plan_setup.performance)

    assert plan_data(copy) == plan_data(plan_setup.review)
    assert plan_data(copy)[0]["description"].startswith("=Appoint")
    assert plan_data(copy)[0]["commentary"].startswith("=SUM(A1:A9)")


def test_exported_text_that_looks_like_a_formula_is_neutralised(plan_setup, plan):
    content, _ = export(plan_setup.review, "xlsx")
    _, sheet = read_xlsx(content)
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'=Appoint an OD lead, then +1 more, @everyone" in [c.value for c in cells]
    assert "'-A named lead in post" in [c.value for c in cells]
    csv_text = export(plan_setup.review, "csv")[0].decode("utf-8-sig")
    assert "'=SUM(A1:A9)" in csv_text
    assert ",=" not in csv_text


def quarterly_export(setup, **filters):
    actions = Action.objects.filter(recommendation__review=setup.review, **filters)
    return exports.quarterly_update_xlsx(exports.actions_for_export(actions), title="Q3 update")


def fill_in(content: bytes, updates: dict[str, tuple]) -> bytes:
    """Type into the New columns as an officer would, by action reference."""
    workbook, sheet = read_xlsx(content)
    headings = [cell.value for cell in sheet[1]]
    columns = {name: headings.index(name) + 1 for name in headings}
    for row in sheet.iter_rows(min_row=2):
        reference = row[columns["Action ref"] - 1].value
        if reference in updates:
            status, percent, commentary = updates[reference]
            sheet.cell(row=row[0].row, column=columns["New status"], value=status)
            sheet.cell(row=row[0].row, column=columns["New % complete"], value=percent)
            sheet.cell(row=row[0].row, column=columns["New commentary"], value=commentary)
    return save_xlsx(workbook)


def test_the_update_sheet_has_empty_new_columns_and_hidden_locked_ids(plan_setup, plan):
    first, second = plan
    _, sheet = read_xlsx(quarterly_export(plan_setup))
    headings = [cell.value for cell in sheet[1]]
    assert headings[-5:] == [
        "New status",
        "New % complete",
        "New commentary",
        "Tracker action ID",
        "Last update ID",
    ]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["R1.1"][-5:] == (None, None, None, first.pk, first.updates.get().pk)
    assert rows["R2.1"][-5:] == (None, None, None, second.pk, None)
    assert rows["R1.1"][6:8] == ("At risk", 35)
    for letter in ("M", "N"):
        assert sheet.column_dimensions[letter].hidden
    assert sheet.protection.sheet
    assert sheet["J2"].protection.locked is False
    assert sheet["M2"].protection.locked is True


def test_a_filled_in_update_sheet_adds_one_imported_update_per_changed_row(plan_setup, plan):
    first, second = plan
    content = fill_in(
        quarterly_export(plan_setup),
        {"R1.1": ("Green", 60, "Lead appointed in October."), "R2.1": ("Complete", "100%", "Done")},
    )
    batch = upload(plan_setup, content, "q3.xlsx", review=None, kind=ImportKind.QUARTERLY_UPDATES)
    assert batch.errors == []
    assert batch.summary["updated"][0]["changes"] == [
        "Status: At risk → On track",
        "% complete: 35 → 60",
        "Commentary: Lead appointed in October.",
    ]
    import_batch_apply(batch=batch, user=plan_setup.performance)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.percent_complete) == (ActionStatus.ON_TRACK, 60)
    assert (second.status, second.percent_complete) == (ActionStatus.COMPLETE, 100)
    imported = ProgressUpdate.objects.filter(source=UpdateSource.IMPORT)
    assert imported.count() == 2
    assert {update.author for update in imported} == {plan_setup.performance}


def test_rows_left_empty_change_nothing(plan_setup, plan):
    batch = upload(
        plan_setup,
        quarterly_export(plan_setup),
        "q3.xlsx",
        review=plan_setup.review,
        kind=ImportKind.QUARTERLY_UPDATES,
    )
    assert batch.errors == []
    assert len(batch.summary["unchanged"]) == 2
    assert not batch.can_be_applied


def test_an_action_updated_since_the_export_is_a_conflict_not_overwritten(plan_setup, plan):
    first, second = plan
    content = fill_in(
        quarterly_export(plan_setup),
        {"R1.1": ("Green", 60, "From the spreadsheet."), "R2.1": ("Green", 20, "Started.")},
    )
    progress_update_create(
        action=first,
        author=plan_setup.lead,
        status=ActionStatus.OFF_TRACK,
        percent_complete=30,
        commentary="Entered in the tracker after the export.",
        recorded_at=recorded("2024-10-01"),
    )
    batch = upload(plan_setup, content, "q3.xlsx", review=None, kind=ImportKind.QUARTERLY_UPDATES)

    assert [item["reference"] for item in batch.summary["conflicts"]] == ["R1.1"]
    assert (
        "updated in the tracker on 01 Oct 2024 at 10:00 by Casey Bennett"
        in (batch.summary["conflicts"][0]["message"])
    )
    assert [item["reference"] for item in batch.summary["updated"]] == ["R2.1"]
    with pytest.raises(ImportRefused, match="conflict"):
        import_batch_apply(batch=batch, user=plan_setup.performance)
    assert ProgressUpdate.objects.filter(source=UpdateSource.IMPORT).count() == 0

    import_batch_apply(batch=batch, user=plan_setup.performance, skip_conflicts=True)
    first.refresh_from_db()
    assert first.status == ActionStatus.OFF_TRACK  # the tracker's newer update stands
    assert ProgressUpdate.objects.filter(source=UpdateSource.IMPORT).get().action == second


def test_an_officer_imports_updates_only_for_actions_they_may_update(plan_setup, plan):
    content = fill_in(
        quarterly_export(plan_setup),
        {"R1.1": ("Green", 60, "Not mine to say."), "R2.1": ("Green", 20, "Started.")},
    )
    batch = upload(
        plan_setup,
        content,
        "q3.xlsx",
        review=None,
        kind=ImportKind.QUARTERLY_UPDATES,
        user=plan_setup.officer,
    )
    assert [(p["row"], p["column"], p["message"]) for p in batch.errors] == [
        (2, "Action ref", "You cannot update R1.1: it is not one of your actions.")
    ]
    with pytest.raises(ImportRefused):
        import_batch_apply(batch=batch, user=plan_setup.officer)
    assert ProgressUpdate.objects.filter(source=UpdateSource.IMPORT).count() == 0


def test_an_update_needing_a_reason_without_one_is_reported_with_its_row(plan_setup, plan):
    content = fill_in(quarterly_export(plan_setup), {"R2.1": ("Red", None, None)})
    batch = upload(plan_setup, content, "q3.xlsx", review=None, kind=ImportKind.QUARTERLY_UPDATES)
    assert [(p["row"], p["column"], p["message"]) for p in batch.errors] == [
        (3, "New commentary", "Say why the action is off track.")
    ]


def test_an_edited_reference_or_a_foreign_action_id_is_refused(plan_setup, plan):
    other_council_action = ActionFactory()
    workbook, sheet = read_xlsx(fill_in(quarterly_export(plan_setup), {"R2.1": ("Green", 5, "")}))
    sheet["C2"] = "R9.9"
    sheet["M3"] = other_council_action.pk
    batch = upload(
        plan_setup,
        save_xlsx(workbook),
        "q3.xlsx",
        review=None,
        kind=ImportKind.QUARTERLY_UPDATES,
    )
    messages = [(p["row"], p["column"]) for p in batch.errors]
    assert messages == [(2, "Action ref"), (3, "Tracker action ID")]


def test_the_update_sheet_lists_only_the_chosen_officers_actions(plan_setup, plan):
    _, sheet = read_xlsx(quarterly_export(plan_setup, lead_officer=plan_setup.officer))
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["R2.1"]


def test_a_save_by_someone_else_during_the_import_makes_it_write_nothing(
    plan_setup, plan, monkeypatch
):
    _, second = plan
    content = fill_in(
        quarterly_export(plan_setup),
        {"R1.1": ("Green", 60, "First."), "R2.1": ("Green", 20, "Second.")},
    )
    batch = upload(plan_setup, content, "q3.xlsx", review=None, kind=ImportKind.QUARTERLY_UPDATES)
    from imports import services

    real_preview = services.import_preview

    def preview_then_someone_saves(**kwargs):
        preview = real_preview(**kwargs)
        Action.objects.filter(pk=second.pk).update(version=F("version") + 1)
        return preview

    monkeypatch.setattr(services, "import_preview", preview_then_someone_saves)
    with pytest.raises(ImportRefused, match="changed by someone else while importing"):
        import_batch_apply(batch=batch, user=plan_setup.performance)
    assert ProgressUpdate.objects.filter(source=UpdateSource.IMPORT).count() == 0
