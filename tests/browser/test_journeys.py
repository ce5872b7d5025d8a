"""Each role's main journey in a real browser, with the app's real CSP on: an officer updates an
action with the keyboard alone, a Cabinet member reads the dashboard and downloads, the
performance team runs a Cabinet report and imports a spreadsheet."""

import re
from pathlib import Path

from django.contrib.auth import get_user_model

from actions.models import Action, ProgressUpdate
from tests.browser.test_accessibility import axe_violations

# GOV.UK's focus style is a yellow outline or box shadow; an element without either is invisible
# to a keyboard user.
FOCUS_STYLE = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
    && s.outlineColor !== 'rgba(0, 0, 0, 0)';
  return {tag: el.tagName, id: el.id, name: el.name || '', href: el.getAttribute('href') || '',
          text: (el.innerText || el.value || '').trim().slice(0, 40),
          visible: outline || s.boxShadow !== 'none'};
}"""


def tab_until(page, predicate, *, limit=60, walk=None):
    """Press Tab until the focused element matches; every focused element must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if walk is not None:
            walk.append(focused)
        if focused["tag"] == "BODY":
            continue  # nothing focused yet (focus was on a tabindex=-1 element that let go)
        assert focused["visible"], f"no visible focus indicator on {focused}"
        if predicate(focused):
            return focused
    raise AssertionError(f"Tab never reached the element; walked {walk}")


def test_an_officer_updates_an_action_with_the_keyboard_alone(demo_data, new_page, live_server):
    officer = get_user_model().objects.get(username="officer")
    action = Action.objects.filter(lead_officer=officer).order_by("pk").first()
    before = ProgressUpdate.objects.filter(action=action).count()
    page = new_page()
    page.sign_in("officer")
    page.goto(f"{live_server.url}/actions/{action.pk}/updates/new/")

    walk = []
    first = tab_until(page, lambda f: True, walk=walk)
    assert first["text"] == "Skip to main content"
    tab_until(page, lambda f: f["name"] == "status", walk=walk)
    # Arrow keys move through a radio group; choose "At risk".
    for _ in range(6):
        if page.evaluate("document.activeElement.value") == "at_risk":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "at_risk"
    percent = tab_until(page, lambda f: f["name"] == "percent_complete", walk=walk)
    page.keyboard.type("55")
    tab_until(page, lambda f: f["name"] == "commentary", walk=walk)  # left empty on purpose
    tab_until(page, lambda f: f["text"] == "Save update", walk=walk)
    names = [f["name"] for f in walk if f["name"]]
    assert names.index("status") < names.index("percent_complete") < names.index("commentary")
    assert percent["visible"]
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # At risk needs commentary: the error summary appears and takes the focus.
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    page.wait_for_function(
        "document.activeElement.classList.contains('govuk-error-summary')", timeout=5000
    )
    assert page.evaluate("document.activeElement.getAttribute('tabindex')") == "-1"
    assert page.input_value("#id_percent_complete") == "55"  # what was typed is kept
    assert ProgressUpdate.objects.filter(action=action).count() == before
    assert axe_violations(page) == []

    # The error link takes the keyboard user to the field; fix it and save.
    link = tab_until(page, lambda f: f["href"] == "#id_commentary")
    assert link["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "commentary"
    page.keyboard.type("Supplier delayed; new date agreed with the director.")
    tab_until(page, lambda f: f["text"] == "Save update")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    assert ProgressUpdate.objects.filter(action=action).count() == before + 1
    latest = ProgressUpdate.objects.filter(action=action).latest("recorded_at")
    assert (latest.status, latest.percent_complete) == ("at_risk", 55)
    assert page.console_errors == []


def test_a_cabinet_member_reads_the_dashboard_and_downloads_the_actions(
    demo_data, new_page, live_server
):
    page = new_page()
    page.sign_in("cabinet")
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").first.is_visible()
    page.get_by_role("link", name=re.compile(r"^Actions$")).first.click()
    page.wait_for_load_state()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download CSV")).first.click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert download.suggested_filename.endswith(".csv")
    assert content.count("\n") > 10  # a header and the sample plan's actions
    assert page.console_errors == []


def test_the_performance_team_runs_a_cabinet_report_and_a_cabinet_member_downloads_it(
    demo_data, new_page, live_server
):
    page = new_page()
    page.sign_in("performance")
    page.goto(f"{live_server.url}/reports/new/")
    page.get_by_label("Quarter", exact=True).select_option("2026-27-Q2")  # from the list
    meeting = page.get_by_role("group", name="Date of the meeting")  # GOV.UK date input
    meeting.get_by_label("Day").fill("9")
    meeting.get_by_label("Month").fill("12")
    meeting.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_load_state()
    page.get_by_role("button", name=re.compile("Generate the PDF draft")).click()
    page.wait_for_load_state()
    download_link = page.get_by_role("link", name=re.compile("Download the PDF"))
    assert download_link.is_visible()
    with page.expect_download() as download_info:
        download_link.click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    report_url = page.url
    assert page.console_errors == []

    cabinet = new_page()
    cabinet.sign_in("cabinet")
    cabinet.goto(report_url)
    assert cabinet.locator("h1").is_visible()


def test_the_performance_team_imports_a_quarterly_update_spreadsheet(
    demo_data, new_page, live_server
):
    page = new_page()
    page.sign_in("performance")
    page.goto(f"{live_server.url}/imports/export/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    spreadsheet = download_info.value.path()
    page.goto(f"{live_server.url}/imports/")
    page.locator("input[type=file]").set_input_files(str(spreadsheet))
    for radio in page.locator("input[type=radio][name=kind]").all()[-1:]:
        radio.check()  # the quarterly update spreadsheet is listed last
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    # An untouched update sheet changes nothing: the preview says so, and nothing is saved.
    assert re.search(r"/imports/\d+/$", page.url), page.url  # the preview of this upload
    assert page.locator("h1").is_visible()
    assert "Traceback" not in page.content()
    assert page.console_errors == []
