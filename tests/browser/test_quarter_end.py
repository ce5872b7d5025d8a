"""Quarter end in a real browser: the officer's to-do list on a phone, an update submitted,
returned and accepted where the council asks for approval."""

import datetime as dt
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from actions.choices import Approval
from actions.models import Action, ProgressUpdate
from reviews.models import Council
from tests.browser.test_accessibility import axe_violations, overflows

PHONE = 375


def first_add_update_button(page):
    return page.locator("a.govuk-button", has_text="Add update").first


def assert_fits_and_is_accessible(page, where):
    assert overflows(page) == [], where
    assert axe_violations(page) == [], where


def test_the_officers_to_do_list_on_a_phone_has_the_button_on_screen(
    demo_data, new_page, live_server
):
    page = new_page(width=PHONE)
    page.sign_in("officer")
    page.goto(f"{live_server.url}/actions/mine/")
    assert re.fullmatch(
        r"\d+ of \d+ to update by \d+ \w+ \d{4}", page.locator("#to-do").inner_text()
    )
    button = first_add_update_button(page)
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
    assert box["width"] > PHONE * 0.75, "the button spans the card"
    assert_fits_and_is_accessible(page, "My actions @375")
    button.click()
    page.wait_for_load_state()
    assert "/updates/new/" in page.url
    assert_fits_and_is_accessible(page, "update form @375")
    assert page.console_errors == []


def test_an_update_is_submitted_returned_and_accepted(demo_data, new_page, live_server):
    council = Council.objects.get()
    council.updates_need_approval = True
    council.save()
    officer = get_user_model().objects.get(username="officer")
    # The demo officer's actions are outside the demo director's directorate, so the
    # performance team decides here (the director's own queue is tested in test_approval.py).
    action = Action.objects.owned_by(officer).open().order_by("pk").first()
    before = (action.status, action.percent_complete)

    page = new_page(width=PHONE)
    page.sign_in("officer")
    page.goto(f"{live_server.url}/actions/{action.pk}/updates/new/")
    page.get_by_label("Off track").check()
    page.get_by_label("Percent complete").fill("35")
    page.get_by_label("Commentary").fill("Supplier pulled out; re-tendering.")
    page.get_by_role("button", name="Submit update").click()
    page.wait_for_load_state()
    assert "submitted for approval" in page.content()
    update = ProgressUpdate.objects.filter(action=action).latest("recorded_at")
    assert update.approval == Approval.SUBMITTED
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == before, "a submitted update never counts"

    approver = new_page()
    approver.sign_in("performance")
    approver.get_by_role("link", name="Approvals").click()
    approver.wait_for_load_state()
    assert_fits_and_is_accessible(approver, "approval queue @1280")
    approver.locator(f"#update-{update.pk}").get_by_role("link", name="Return").click()
    approver.wait_for_load_state()
    assert_fits_and_is_accessible(approver, "return form @1280")
    approver.get_by_role("button", name="Return the update").click()
    approver.wait_for_load_state()
    assert "Enter why you are returning the update" in approver.content()
    assert axe_violations(approver) == []
    approver.get_by_label("Why are you returning this update?").fill("Give the new tender date.")
    approver.get_by_role("button", name="Return the update").click()
    approver.wait_for_load_state()
    assert "returned to" in approver.content()

    page.goto(f"{live_server.url}/actions/mine/")
    first_card = page.locator("li.govuk-summary-card").first
    assert "Returned" in first_card.inner_text()
    assert "Give the new tender date." in first_card.inner_text()
    assert_fits_and_is_accessible(page, "My actions with a returned update @375")
    first_card.get_by_role("link", name="Add update").click()
    page.wait_for_load_state()
    assert "Your last update was returned" in page.content()
    page.get_by_label("Off track").check()
    page.get_by_label("Percent complete").fill("35")
    page.get_by_label("Commentary").fill("Re-tender closes on 20 January.")
    page.get_by_role("button", name="Submit update").click()
    page.wait_for_load_state()

    resubmitted = ProgressUpdate.objects.filter(action=action).latest("recorded_at")
    approver.goto(f"{live_server.url}/actions/approvals/")
    approver.set_viewport_size({"width": PHONE, "height": 900})
    assert_fits_and_is_accessible(approver, "approval queue @375")
    approver.locator(f"#update-{resubmitted.pk}").get_by_role("button", name="Accept").click()
    approver.wait_for_load_state()
    assert "accepted: it now counts" in approver.content()
    action.refresh_from_db()
    assert (action.status, action.percent_complete) == ("off_track", 35)

    approver.goto(f"{live_server.url}/actions/{action.pk}/")
    history = approver.content()
    assert "Give the new tender date." in history and "Accepted" in history
    assert page.console_errors == [] and approver.console_errors == []


def check_both_widths(page, where):
    for width in (1280, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        assert_fits_and_is_accessible(page, f"{where} @{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_performance_team_chases_from_the_round_page_and_confirms_closing(
    demo_data, new_page, live_server, mailoutbox
):
    page = new_page()
    page.sign_in("performance")
    page.get_by_role("link", name="Update rounds").click()
    page.get_by_role("link", name="Open a round").click()
    deadline = timezone.localdate() + dt.timedelta(days=14)
    # The current quarter is chosen from the list; the deadline typed in GOV.UK's date input.
    typed = page.get_by_role("group", name="Deadline")
    typed.get_by_label("Day").fill(str(deadline.day))
    typed.get_by_label("Month").fill(str(deadline.month))
    typed.get_by_label("Year").fill(str(deadline.year))
    page.get_by_role("button", name="Open round").click()
    page.wait_for_load_state()
    progress = page.locator("#progress").inner_text()
    assert re.fullmatch(r"\d+ of \d+ updated, \d+ returned, \d+ not started", progress)
    assert "Nobody has been chased in this round yet." in page.content()
    check_both_widths(page, "round page")

    page.get_by_role("link", name="Send reminders").click()
    page.wait_for_load_state()
    assert "Subject: Progress updates for" in page.content()
    check_both_widths(page, "reminder preview")
    assert mailoutbox == [], "the preview sends nothing"
    # Sent by a worker (the same job as scheduled reminders); the test backend runs it at
    # once, so the progress page goes straight back to the round with the result.
    page.get_by_role("button", name=re.compile(r"Send \d+ reminders?")).click()
    page.wait_for_load_state()
    assert "Reminders sent to" in page.content()
    assert mailoutbox, "reminders were emailed"
    chased = page.locator("table", has=page.locator("th", has_text="Sent")).inner_text()
    assert mailoutbox[0].to[0] in chased

    page.get_by_role("link", name="Close this round").click()
    page.wait_for_load_state()
    assert "Are you sure you want to close this round?" in page.content()
    check_both_widths(page, "close confirmation")
    page.get_by_role("button", name="Close the round").click()
    page.wait_for_load_state()
    assert "closed." in page.content()
    assert page.console_errors == []


def test_evidence_is_uploaded_and_downloaded_only_by_people_who_may_see_the_action(
    demo_data, new_page, live_server, settings, tmp_path
):
    from accounts.choices import Role
    from accounts.services import person_ensure
    from actions.models import Evidence
    from tests.factories import CouncilFactory

    settings.MEDIA_ROOT = str(tmp_path)
    officer = get_user_model().objects.get(username="officer")
    action = Action.objects.owned_by(officer).open().order_by("pk").first()
    pdf = tmp_path / "board-paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    picture = tmp_path / "site-visit.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)

    page = new_page(width=PHONE)
    page.sign_in("officer")
    page.goto(f"{live_server.url}/actions/{action.pk}/updates/new/")
    page.get_by_label("On track").check()
    page.get_by_label("Percent complete").fill("40")
    page.get_by_label("Evidence files (optional)").set_input_files([str(pdf), str(picture)])
    assert_fits_and_is_accessible(page, "update form with two files @375")
    page.get_by_role("button", name=re.compile("Save update|Submit update")).click()
    page.wait_for_load_state()
    files = list(Evidence.objects.order_by("pk"))
    assert [f.extension for f in files] == ["pdf", "png"]

    reader = new_page()
    reader.sign_in("cabinet")
    reader.goto(f"{live_server.url}/actions/{action.pk}/")
    with reader.expect_download() as download:
        reader.get_by_role("link", name="board-paper.pdf").click()
    assert download.value.suggested_filename == "board-paper.pdf"
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.7\n%%EOF\n"
    with reader.expect_download() as download:
        reader.get_by_role("link", name="site-visit.png").click()
    assert download.value.suggested_filename == "site-visit.png"

    person_ensure(
        username="outsider",
        council=CouncilFactory(short_name="Elsewhere"),
        role=Role.PERFORMANCE,
        password="outsider-pass-phrase",
    )
    outsider = new_page()
    outsider.sign_in("outsider", password="outsider-pass-phrase")
    for evidence in files:
        response = outsider.goto(f"{live_server.url}{evidence.get_absolute_url()}")
        assert response.status == 404
    assert page.console_errors == [] and reader.console_errors == []


def test_the_dashboards_direction_and_the_reports_pdf_column_are_on_screen_on_a_phone(
    demo_data, new_page, live_server
):
    page = new_page(width=PHONE)
    page.sign_in("cabinet")
    page.goto(f"{live_server.url}/")
    table = page.locator("table", has=page.locator("caption", has_text="Recommendations"))
    header = table.locator("thead th").last
    assert "direction of travel" in header.inner_text()
    box = header.bounding_box()
    assert box["x"] + box["width"] <= PHONE, box
    page.goto(f"{live_server.url}/reports/")
    pdf = page.locator("thead th", has_text="PDF").bounding_box()
    assert pdf["x"] + pdf["width"] <= PHONE, pdf


def test_pages_behind_forms_fit_and_pass_axe_at_both_widths(demo_data, new_page, live_server):
    """Pages the link crawl cannot reach: the update form in its error state (the date input),
    an import's preview and its confirmation page."""
    from imports.services import import_batch_create
    from reviews.models import Review
    from tests.import_files import PLAN_HEADINGS, xlsx_bytes

    officer = get_user_model().objects.get(username="officer")
    action = Action.objects.filter(lead_officer=officer).order_by("pk").first()
    page = new_page()
    page.sign_in("officer")
    page.goto(f"{live_server.url}/actions/{action.pk}/updates/new/")
    revised = page.get_by_role("group", name="Revised target date (if it has changed)")
    revised.get_by_label("Day").fill("31")
    revised.get_by_label("Year").fill("2027")
    page.get_by_role("button", name=re.compile("Save update|Submit update")).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Revised target date must include a month").click()
    assert page.evaluate("document.activeElement.id") == "id_revised_target_date_0"
    check_both_widths(page, "update form with a date error")

    performance = get_user_model().objects.get(username="performance")
    review = Review.objects.get(slug="2023-cpc")
    rows = [
        PLAN_HEADINGS,
        [1, "R1.9", "Appoint an OD lead", "", "", "", "01/04/2026", "31/03/2028",
         "Lead in post – 30/09/2027", "Green", "20", "Advert out."],
    ]  # fmt: skip
    batch = import_batch_create(
        kind="action_plan", content=xlsx_bytes(rows), filename="plan.xlsx",
        council=review.council, review=review, uploaded_by=performance,
    )  # fmt: skip
    page = new_page()
    page.sign_in("performance")
    page.goto(f"{live_server.url}{batch.get_absolute_url()}")
    check_both_widths(page, "import preview")
    page.get_by_role("button", name="Continue to import 1 change").click()
    page.wait_for_load_state()
    assert "Are you sure you want to import plan.xlsx?" in page.content()
    assert "record 1 progress update, which counts" in page.content()
    check_both_widths(page, "import confirmation")
    page.get_by_role("button", name="Import 1 change").click()
    page.wait_for_load_state()
    assert "Imported plan.xlsx" in page.content()
    assert page.console_errors == []


def test_a_report_s_html_preview_fits_a_phone_and_passes_axe(demo_data, new_page, live_server):
    from reports import services
    from reviews.models import Review
    from tracker.quarters import FinancialQuarter

    review = Review.objects.get(slug="2023-cpc")
    quarter = FinancialQuarter.containing(timezone.localdate()).previous()
    report = services.cabinet_report_create(
        council=review.council, quarter=quarter, reviews=[review],
        created_by=get_user_model().objects.get(username="performance"),
        meeting_date=quarter.end + dt.timedelta(days=40),
    )  # fmt: skip
    page = new_page(width=PHONE)
    page.sign_in("performance")
    page.goto(f"{live_server.url}/reports/{report.pk}/preview/")
    assert "Action Plan Progress" in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"the preview is {width} px wide at {PHONE} px"
    # The preview is reached only through the report's page (a form's result): checked here.
    assert axe_violations(page) == [], "report preview at 375 px"
    wide = new_page(width=1280)
    wide.sign_in("performance")
    wide.goto(f"{live_server.url}/reports/{report.pk}/preview/")
    assert axe_violations(wide) == [], "report preview at 1280 px"
