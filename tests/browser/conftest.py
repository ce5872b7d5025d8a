"""Real-browser tests: Playwright driving Debian's Chromium against the live test server.

Skipped, with one clear line in the summary, when Chromium is not installed. Playwright's own
browser download is never used (`playwright install` cannot run here).
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse every
# ORM call made by fixtures here as "async-unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium")
SKIP_MESSAGE = "Browser tests skipped: Chromium not installed"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO_PASSWORD = "sefton-demo"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason=SKIP_MESSAGE))


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(SKIP_MESSAGE, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo_data(transactional_db):
    """Sefton's reviews, the sample action plan and the demo people, as `make run` has them."""
    call_command("load_sefton", stdout=io.StringIO())
    with override_settings(DEBUG=True):  # load_demo refuses to run without it
        call_command("load_demo", stdout=io.StringIO())


class Page:
    """A browser tab with the CSP violations and script errors it met."""

    def __init__(self, context, base_url):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def __getattr__(self, name):
        return getattr(self.page, name)

    def sign_in(self, username, password=DEMO_PASSWORD):
        self.page.goto(f"{self.base_url}/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not sign in"


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (no cookies) at a given width; axe is preloaded.

    axe is added as an init script, which CSP does not govern, so the app's real policy stays
    on and any inline script or style it blocks shows up in ``console_errors``.
    """
    contexts = []

    def open_page(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        return Page(context, live_server.url)

    yield open_page
    for context in contexts:
        context.close()
