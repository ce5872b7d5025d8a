"""The Import and Export pages as people use them: upload, read the preview, confirm."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.choices import Role
from accounts.services import person_ensure
from actions.choices import ActionStatus, UpdateSource
from actions.models import Action, ProgressUpdate
from imports.choices import ImportKind, ImportStatus
from imports.models import ImportBatch
from tests.factories import ActionFactory, CouncilFactory, ReviewFactory
from tests.import_files import PDF_BYTES, PLAN_HEADINGS, csv_bytes, read_xlsx, save_xlsx, xlsx_bytes
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imported_when_the_plan_was_current():
    """These plans were written in autumn 2024: import them as then, while their target dates are
    still ahead (an action past its target date is not on track without a revised date)."""
    with time_machine.travel(dt.datetime(2024, 11, 1, 12, 0)):
        yield


PASSWORD = "correct horse battery staple"
CREATE = reverse("imports:importbatch_create")


def signed_in(client, user):
    client.force_login(user)
    return client


def plan_file(name="plan.xlsx"):
    rows = [
        PLAN_HEADINGS,
        [1, "R1.1", "Appoint an OD lead", "Casey Bennett", "", "", "01/04/2024", "31/03/2025",
         "Lead in post – 30/09/2024", "Green", "20", "Advert out."],
    ]  # fmt: skip
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def test_the_performance_team_uploads_previews_and_confirms_a_plan(client, plan_setup):
    signed_in(client, plan_setup.performance)
    response = client.post(
        CREATE,
        {"kind": ImportKind.ACTION_PLAN, "review": plan_setup.review.pk, "file": plan_file()},
    )
    batch = ImportBatch.objects.get()
    assert response.url == batch.get_absolute_url()

    preview = client.get(batch.get_absolute_url())
    html = preview.content.decode()
    assert "Preview: plan.xlsx" in html
    assert "Appoint an OD lead" in html
    confirm_url = reverse("imports:importbatch_confirm", args=[batch.pk])
    assert f'action="{confirm_url}"' in html and "Continue to import 1 change" in html
    assert Action.objects.count() == 0

    # The irreversible step asks first, and says what will happen.
    confirm = client.get(confirm_url).content.decode()
    assert "Are you sure you want to import plan.xlsx?" in confirm
    happens = confirm.split('id="what-will-happen">')[1].split("</ul>")[0]
    assert "add 1 action<" in happens and "update 0 actions<" in happens
    assert "record 1 progress update," in happens  # the plan's Green status, 20%
    assert "You cannot undo this." in confirm and "Import 1 change" in confirm
    assert Action.objects.count() == 0

    response = client.post(reverse("imports:importbatch_apply", args=[batch.pk]), follow=True)
    assert "Imported plan.xlsx: 1 action created." in response.content.decode()
    assert Action.objects.get().lead_officer == plan_setup.lead
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED


def test_a_preview_with_problems_offers_no_import_button(client, plan_setup):
    signed_in(client, plan_setup.performance)
    rows = [PLAN_HEADINGS, [7, "R7.1", "", "", "", "", "", "31/02/2024", "", "", "", ""]]
    client.post(
        CREATE,
        {
            "kind": ImportKind.ACTION_PLAN,
            "review": plan_setup.review.pk,
            "file": SimpleUploadedFile("bad.csv", csv_bytes(rows)),
        },
    )
    batch = ImportBatch.objects.get()
    html = client.get(batch.get_absolute_url()).content.decode()
    assert "problems in the spreadsheet: nothing will be imported" in html
    assert "Row 2, Target date: &#x27;31/02/2024&#x27; is not a date" in html
    assert "govuk-error-summary" in html
    assert "/apply/" not in html

    client.post(reverse("imports:importbatch_apply", args=[batch.pk]))
    assert Action.objects.count() == 0


def test_a_pdf_renamed_xlsx_is_refused_on_the_form_and_not_kept(client, plan_setup):
    signed_in(client, plan_setup.performance)
    response = client.post(
        CREATE,
        {
            "kind": ImportKind.ACTION_PLAN,
            "review": plan_setup.review.pk,
            "file": SimpleUploadedFile("plan.xlsx", PDF_BYTES),
        },
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_file">The file is not a spreadsheet.' in html
    assert ImportBatch.objects.count() == 0


def test_the_upload_form_says_what_is_missing(client, plan_setup):
    signed_in(client, plan_setup.performance)
    response = client.post(CREATE, {"kind": ImportKind.ACTION_PLAN})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select the review the action plan belongs to." in html
    assert "Select a spreadsheet to upload." in html
    assert ImportBatch.objects.count() == 0


def test_officers_cannot_import_action_plans(client, plan_setup):
    signed_in(client, plan_setup.officer)
    response = client.post(
        CREATE,
        {"kind": ImportKind.ACTION_PLAN, "review": plan_setup.review.pk, "file": plan_file()},
    )
    assert response.status_code == 200  # the choice is not offered to them
    assert "Select a valid choice" in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("role", [Role.CABINET, Role.SCRUTINY])
def test_members_cannot_reach_the_import_pages(client, plan_setup, personas, role):
    signed_in(client, personas[role])
    assert client.get(CREATE).status_code == 403


def test_an_officer_round_trips_their_own_updates(client, plan_setup):
    mine = ActionFactory(
        recommendation=plan_setup.recommendations[1],
        reference="R1.1",
        lead_officer=plan_setup.officer,
    )
    ActionFactory(recommendation=plan_setup.recommendations[2], reference="R2.1")
    signed_in(client, plan_setup.officer)
    page = client.get(reverse("imports:export")).content.decode()
    assert 'class="govuk-select' in page
    assert f'<option value="{plan_setup.officer.pk}" selected>' in page  # their own, to start

    response = client.get(
        reverse("imports:export"),
        {"what": "updates", "review": plan_setup.review.pk, "lead_officer": plan_setup.officer.pk},
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="2023-cpc-updates-' in response["Content-Disposition"]
    workbook, sheet = read_xlsx(response.content)
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["R1.1"]
    sheet["J2"], sheet["K2"], sheet["L2"] = "Amber", 40, "Waiting for the board."

    client.post(
        CREATE,
        {
            "kind": ImportKind.QUARTERLY_UPDATES,
            "file": SimpleUploadedFile("mine.xlsx", save_xlsx(workbook)),
        },
    )
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:importbatch_apply", args=[batch.pk]))
    mine.refresh_from_db()
    assert (mine.status, mine.percent_complete) == (ActionStatus.AT_RISK, 40)
    update = mine.updates.get()
    assert (update.author, update.source) == (plan_setup.officer, UpdateSource.IMPORT)


def test_someone_else_cannot_see_or_confirm_an_upload(client, plan_setup):
    signed_in(client, plan_setup.performance)
    client.post(
        CREATE,
        {"kind": ImportKind.ACTION_PLAN, "review": plan_setup.review.pk, "file": plan_file()},
    )
    batch = ImportBatch.objects.get()
    signed_in(client, plan_setup.officer)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(reverse("imports:importbatch_apply", args=[batch.pk])).status_code == 404

    elsewhere = CouncilFactory(short_name="Elsewhere")
    stranger = person_ensure(
        username="stranger", council=elsewhere, role=Role.PERFORMANCE, password=PASSWORD
    )
    signed_in(client, stranger)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert Action.objects.count() == 0


def test_the_review_choices_and_exports_stay_inside_the_council(client, plan_setup):
    foreign = ReviewFactory(title="Another council's review")
    ActionFactory(recommendation__review=foreign, reference="X1.1")
    signed_in(client, plan_setup.performance)
    assert "Another council" not in client.get(CREATE).content.decode()
    response = client.get(reverse("imports:export"), {"what": "plan_csv", "review": foreign.pk})
    assert "Select a valid choice" in response.content.decode()


def test_a_discarded_upload_can_no_longer_be_imported(client, plan_setup):
    signed_in(client, plan_setup.performance)
    client.post(
        CREATE,
        {"kind": ImportKind.ACTION_PLAN, "review": plan_setup.review.pk, "file": plan_file()},
    )
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:importbatch_discard", args=[batch.pk]))
    response = client.post(reverse("imports:importbatch_apply", args=[batch.pk]), follow=True)
    assert "already discarded" in response.content.decode()
    assert Action.objects.count() == 0


def test_the_import_item_is_in_the_navigation_for_the_performance_team(client, plan_setup):
    signed_in(client, plan_setup.performance)
    assert f'href="{CREATE}"' in client.get("/").content.decode()
    signed_in(client, plan_setup.cabinet)
    assert f'href="{CREATE}"' not in client.get("/").content.decode()


# --- The command ---------------------------------------------------------------------------------


def write(tmp_path, rows, name="plan.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    return str(path)


def test_the_command_dry_run_prints_the_preview_and_writes_nothing(tmp_path, plan_setup, capsys):
    rows = [PLAN_HEADINGS, [1, "R1.1", "Appoint", "", "", "", "", "", "", "", "", ""]]
    path = write(tmp_path, rows)
    call_command("import_action_plan", path, "--review", "2023-cpc", "--dry-run")
    out = capsys.readouterr().out
    assert "Create   row 2: R1.1" in out
    assert "1 to create, 0 to update, 0 unchanged, 0 conflicts, 0 problems." in out
    assert "Dry run: nothing was written." in out
    assert (Action.objects.count(), ImportBatch.objects.count()) == (0, 0)


def test_the_command_fails_with_every_problem_and_writes_nothing(tmp_path, plan_setup, capsys):
    rows = [PLAN_HEADINGS, [1, "R1.1", "Fine", "", "", "", "", "", "", "", "", ""],
            [2, "R2.1", "Bad", "", "", "", "", "32/01/2025", "", "", "", ""]]  # fmt: skip
    with pytest.raises(CommandError, match="1 problems: nothing was imported"):
        call_command("import_action_plan", write(tmp_path, rows), "--review", "2023-cpc")
    assert "Problem: Row 3, Target date: '32/01/2025' is not a date" in capsys.readouterr().out
    assert Action.objects.count() == 0


def test_the_command_imports_as_the_named_person(tmp_path, plan_setup):
    rows = [PLAN_HEADINGS, [1, "R1.1", "Appoint", "", "", "", "", "", "", "Amber", "10", "Late."]]
    call_command(
        "import_action_plan", write(tmp_path, rows), "--review", "2023-cpc", "--as", "performance"
    )
    update = ProgressUpdate.objects.get()
    assert (update.author, update.source) == (plan_setup.performance, UpdateSource.IMPORT)
    assert ImportBatch.objects.get().status == ImportStatus.APPLIED


def test_the_command_needs_someone_to_attribute_updates_to(tmp_path, plan_setup):
    rows = [PLAN_HEADINGS, [1, "R1.1", "Appoint", "", "", "", "", "", "", "Amber", "10", "Late."]]
    with pytest.raises(CommandError, match="--as"):
        call_command("import_action_plan", write(tmp_path, rows), "--review", "2023-cpc")
    assert (Action.objects.count(), ImportBatch.objects.count()) == (0, 0)


def test_the_command_refuses_an_unknown_review_or_a_missing_file(tmp_path, plan_setup):
    with pytest.raises(CommandError, match="no review"):
        call_command("import_action_plan", str(tmp_path / "x.xlsx"), "--review", "nope")
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_action_plan", str(tmp_path / "x.xlsx"), "--review", "2023-cpc")


def test_a_colleague_sees_the_preview_but_only_the_uploader_can_confirm(client, plan_setup):
    colleague = person_ensure(
        username="colleague", council=plan_setup.council, role=Role.PERFORMANCE
    )
    signed_in(client, plan_setup.performance)
    client.post(
        CREATE,
        {"kind": ImportKind.ACTION_PLAN, "review": plan_setup.review.pk, "file": plan_file()},
    )
    batch = ImportBatch.objects.get()
    signed_in(client, colleague)
    html = client.get(batch.get_absolute_url()).content.decode()
    assert "can import this file" in html and "/apply/" not in html
    response = client.post(reverse("imports:importbatch_apply", args=[batch.pk]), follow=True)
    assert "Only the person who uploaded a file can import it." in response.content.decode()
    assert Action.objects.count() == 0


def test_only_the_uploader_reaches_the_confirmation_page_of_a_previewed_file(client, plan_setup):
    signed_in(client, plan_setup.performance)
    client.post(
        CREATE,
        {"kind": ImportKind.ACTION_PLAN, "review": plan_setup.review.pk, "file": plan_file()},
    )
    batch = ImportBatch.objects.get()
    confirm_url = reverse("imports:importbatch_confirm", args=[batch.pk])
    colleague = person_ensure(
        council=plan_setup.review.council, username="colleague", role=Role.PERFORMANCE
    )
    signed_in(client, colleague)
    assert client.get(confirm_url).status_code == 404
    signed_in(client, plan_setup.performance)
    client.post(reverse("imports:importbatch_discard", args=[batch.pk]))
    assert client.get(confirm_url).status_code == 404  # discarded: nothing to confirm
