"""Officers' commentary is untrusted: it reaches the PDF as text, and WeasyPrint may fetch only
the tracker's own static files, whatever the HTML asks for."""

import datetime as dt
import http.server
import io
import threading
import time

import pikepdf
import pytest
from django.conf import settings

from accounts.choices import Role
from reports import pdf as report_pdf
from reports import services
from tests.factories import MilestoneFactory
from tests.reports_plan import make_plan, pdf_text, q2_draft, update

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_server():
    """An HTTP server on 127.0.0.1 that counts every request it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def payloads(base: str) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        "<link rel=attachment href=file:///etc/passwd>",
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}</style>",
        f'<p style="background: url({base}/inline.png)">styled</p>',
        f'<img src="{base}/pixel.png">',
        f'<link rel="stylesheet" href="{base}/linked.css">',
    ]


def assert_no_embedded_files(content: bytes):
    with pikepdf.open(io.BytesIO(content)) as pdf:
        names = pdf.Root.get("/Names", {})
        assert "/EmbeddedFiles" not in names
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                assert annotation.get("/Subtype") != "/FileAttachment"
    assert b"/EmbeddedFile" not in content
    assert b"root:x:0" not in content


def test_commentary_full_of_html_is_printed_as_text_and_fetches_nothing(
    council, officer, personas, counting_server
):
    base, hits = counting_server
    review, actions = make_plan(council, officer)
    commentary = "\n".join(payloads(base))
    update(actions["R1.1"], "2024-09-25", "on_track", 35, commentary)
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    report = services.cabinet_report_render_pdf(report=report)
    content = bytes(report.pdf)
    # Long URLs wrap across lines in the table cell: compare without whitespace.
    text = "".join(pdf_text(content).split())
    for payload in payloads(base):
        assert "".join(payload.split()) in text, payload
    assert hits == []
    assert_no_embedded_files(content)


def test_even_raw_html_cannot_make_the_renderer_fetch_anything(counting_server):
    """Belt and braces: were escaping ever bypassed, the fetcher still refuses."""
    base, hits = counting_server
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Raw</title>'
        + "".join(payloads(base))
        + f"<style>@font-face {{ font-family: x; src: url({base}/font.woff) }}</style>"
        + "</head><body><h1>Raw</h1>"
        + '<img alt="x" src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22>'
        + f'<image href=%22{base}/svg.png%22/></svg>">'
        + f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{base}/inline-svg.png"/></svg>'
        + '<img src="../manage.py" alt="x"><img src="/etc/passwd" alt="x">'
        + "</body></html>"
    )
    rendered = report_pdf.render_pdf(html, timeout=60)
    assert rendered.pages >= 1
    assert hits == []
    assert_no_embedded_files(rendered.content)


def test_the_counting_server_does_count_a_renderer_that_may_fetch(counting_server):
    """The zero counts above mean something: WeasyPrint's own fetcher would call the server."""
    import weasyprint

    base, hits = counting_server
    weasyprint.HTML(string=f'<link rel="stylesheet" href="{base}/linked.css"><p>x</p>').write_pdf()
    assert hits == ["/linked.css"]


def test_the_fetcher_serves_only_files_under_the_static_folder():
    fetcher = report_pdf._fetcher_class()()
    favicon = report_pdf.STATIC_BASE_URL + "govuk/assets/images/favicon.svg"
    response = fetcher.fetch(favicon)
    assert (
        response.read()
        == (settings.BASE_DIR / "static/govuk/assets/images/favicon.svg").read_bytes()
    )
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        "data:text/css,body{color:red}",
        report_pdf.STATIC_BASE_URL + "../manage.py",
        report_pdf.STATIC_BASE_URL + "%2e%2e/manage.py",
        report_pdf.STATIC_BASE_URL + "govuk/../../tracker/settings.py",
        report_pdf.STATIC_BASE_URL + "govuk/",
        "https://static.pct.invalid/manage.py",
    ]:
        with pytest.raises(report_pdf.URLRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 9


def test_a_render_that_runs_too_long_is_stopped(monkeypatch):
    def endless(html):
        time.sleep(30)

    monkeypatch.setattr(report_pdf, "render_in_process", endless)
    started = time.monotonic()
    with pytest.raises(report_pdf.RenderTimeout):
        report_pdf.render_pdf("<p>x</p>", timeout=0.5)
    assert time.monotonic() - started < 5


def test_every_free_text_field_in_the_pdf_is_printed_as_text(
    council, officer, personas, counting_server
):
    base, hits = counting_server
    review, actions = make_plan(council, officer)
    hostile = {
        "action": f'<img src="{base}/action.png">',
        "recommendation": "<script>alert('recommendation')</script>",
        "theme": f"<link rel=stylesheet href={base}/theme.css>",
        "milestone": f'<iframe src="{base}/milestone.html">',
        "officer": "<b onmouseover=alert(1)>Bold</b>",
    }
    action = actions["R1.2"]
    action.description = hostile["action"]
    action.save()
    recommendation = action.recommendation
    recommendation.title = hostile["recommendation"]
    recommendation.save()
    recommendation.theme.title = hostile["theme"]
    recommendation.theme.save()
    MilestoneFactory(action=action, title=hostile["milestone"], due_date=dt.date(2024, 8, 15))
    officer.first_name = hostile["officer"]
    officer.save()
    report = q2_draft(council, [review], personas[Role.PERFORMANCE])
    content = bytes(services.cabinet_report_render_pdf(report=report).pdf)
    text = "".join(pdf_text(content).split())
    for field, payload in hostile.items():
        assert "".join(payload.split()) in text, field
    assert hits == []
    assert_no_embedded_files(content)
