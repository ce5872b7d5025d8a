"""The Cabinet report for Sefton's 2023 CPC with the sample plan: how long the snapshot, the HTML
and the PDF take, and how big the PDF is; then WeasyPrint and headless Chromium side by side on
the same HTML at 1x, 5x and 20x the plan (whole process each, wall and CPU seconds, per page).
Run by ``python -m bench`` in its throwaway database (Sefton and the demo plan already loaded),
or alone with ``python -m bench.report``; it needs a performance team member from load_demo.

    BENCH_REPORT_RUNS=5 BENCH_REPORT_SCALES=1,5,20 BENCH_REPORT_PAIRS=5 python -m bench.report
"""

import copy
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.test_settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()

from django.contrib.auth import get_user_model
from django.utils import timezone

from reports import selectors, services
from reports.pdf import render_pdf
from reports.rendering import report_html
from reports.snapshot import ReportSnapshot
from reviews.models import Review
from tracker.quarters import FinancialQuarter

RUNS = max(3, int(os.environ.get("BENCH_REPORT_RUNS", "5")))
SCALES = [int(n) for n in os.environ.get("BENCH_REPORT_SCALES", "1,5,20").split(",")]
PAIRS = max(1, int(os.environ.get("BENCH_REPORT_PAIRS", "5")))  # at 1x and 5x; one at 20x
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _median_seconds(work, runs: int):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times), result


def run(print_line) -> None:
    review = Review.objects.get(slug="2023-cpc", council__short_name="Sefton")
    author = get_user_model().objects.get(username="performance")
    # The last complete quarter, as the performance team would report it now.
    quarter = FinancialQuarter.containing(timezone.localdate()).previous()
    report = services.cabinet_report_create(
        council=review.council,
        quarter=quarter,
        reviews=[review],
        created_by=author,
        meeting_date=quarter.end + dt.timedelta(days=60),
    )
    actions = report.frozen_snapshot.headline.actions
    print_line(
        f"Cabinet report: {review.title}, {quarter.label}, {actions} actions "
        f"(median of {RUNS} runs)"
    )

    median, *_ = _median_seconds(
        lambda: selectors.report_snapshot(reviews=[review], quarter=quarter), RUNS
    )
    print_line(f"  {'Snapshot as at the quarter end':<42} {median * 1000:8.1f} ms")
    median, *_, html = _median_seconds(lambda: report_html(report), RUNS)
    print_line(f"  {'HTML with charts':<42} {median * 1000:8.1f} ms")
    median, fastest, slowest, rendered = _median_seconds(lambda: render_pdf(html), RUNS)
    print_line(
        f"  {'PDF render (WeasyPrint, PDF/UA-1)':<42} {median:8.2f} s "
        f"(min {fastest:.2f}, max {slowest:.2f})"
    )
    print_line(f"  {'PDF size':<42} {rendered.pages:5d} pages  {len(rendered.content):,} bytes")
    median, *_ = _median_seconds(
        lambda: services.cabinet_report_render_pdf(report=report), max(3, RUNS // 2)
    )
    print_line(f"  {'Generate PDF draft (service, end to end)':<42} {median:8.2f} s")
    side_by_side(report, print_line)


def scaled_snapshot(snapshot: dict, times: int) -> dict:
    """The snapshot with its recommendations, actions and milestones repeated ``times`` over
    (references made unique), so the report has that many times the rows to lay out."""
    snapshot = ReportSnapshot.from_json(snapshot).to_json()  # any stored format, as format 3
    scaled = copy.deepcopy(snapshot)
    scaled["recommendations"] = []
    for copy_number in range(1, times + 1):
        for row in copy.deepcopy(snapshot["recommendations"]):
            if copy_number > 1:
                suffix = f"/{copy_number}"
                row["reference"] += suffix
                for action in row["actions"]:
                    action["reference"] += suffix
                    action["recommendation"] = row["reference"]
                    for milestone in action["milestones_due"]:
                        milestone["action"], milestone["recommendation"] = (
                            action["reference"],
                            row["reference"],
                        )
            scaled["recommendations"].append(row)
    for row in scaled["rag_by_theme"]:
        row[1] = {rag: count * times for rag, count in row[1].items()}
    for row in scaled["status_over_quarters"]:
        row[1] = {status: count * times for status, count in row[1].items()}
    scaled["headline"] = {
        key: value * times if isinstance(value, int) and key != "average_percent" else value
        for key, value in snapshot["headline"].items()
    }
    return scaled


def _whole_process(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the child and its children) of one process run to the end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # Fixed programs and temporary file names only: nothing typed by a user.
    subprocess.run(command, check=True, capture_output=True, timeout=900, cwd=ROOT)  # noqa: S603
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def side_by_side(report, print_line) -> None:
    """WeasyPrint (as the tracker renders: PDF/UA-1 plus repairs) and Chromium printing the
    same HTML file, whole process each, alternating (W, C, W, C ...) so neither gets a warmer
    machine; PAIRS pairs at the sizes that take seconds, one at the size that takes a minute."""
    print_line()
    print_line(
        "Cabinet report HTML rendered by both, whole process each, alternating "
        "(median wall s of the pairs [fastest-slowest], CPU s, pages)"
    )
    if CHROMIUM is None:
        print_line("  Chromium is not installed: only WeasyPrint is measured.")
    header = (
        f"  {'size':>4} {'pairs':>5} {'WeasyPrint':>29} {'s/page':>7}   {'Chromium':>29}"
        f" {'s/page':>7} {'W/C':>5}   layout / write / PDF-UA s"
    )
    print_line(header)
    original = report.snapshot
    with tempfile.TemporaryDirectory(prefix="pct-bench-report-") as folder:
        folder = Path(folder)
        for times in SCALES:
            report.snapshot = scaled_snapshot(original, times)
            html = folder / f"report-{times}x.html"
            html.write_text(report_html(report), encoding="utf-8")
            weasy_pdf, chrome_pdf = folder / f"w-{times}.pdf", folder / f"c-{times}.pdf"
            weasyprint = [
                sys.executable, "-m", "bench.render_weasyprint", str(html), str(weasy_pdf)
            ]  # fmt: skip
            chromium = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--no-pdf-header-footer",
                        f"--print-to-pdf={chrome_pdf}", html.as_uri()]  # fmt: skip
            pairs = PAIRS if times <= 5 else 1
            w_runs, c_runs = [], []
            for _ in range(pairs):
                w_runs.append(_whole_process(weasyprint))
                if CHROMIUM:
                    c_runs.append(_whole_process(chromium))
            w_wall, w_pages = statistics.median(w for w, _ in w_runs), _pages(weasy_pdf)
            weasy = _figures(w_runs, w_pages)
            chrome, c_per_page, ratio = "not measured", "", ""
            if c_runs:
                c_wall, c_pages = statistics.median(w for w, _ in c_runs), _pages(chrome_pdf)
                chrome = _figures(c_runs, c_pages)
                c_per_page = f"{c_wall / c_pages:7.3f}"
                ratio = f"{w_wall / c_wall:5.2f}"
            phases = subprocess.run(  # noqa: S603
                [*weasyprint, "--phases"], check=True, capture_output=True, text=True,
                timeout=900, cwd=ROOT,
            ).stdout.split()  # fmt: skip
            print_line(
                f"  {times:>3}x {pairs:>5} {weasy:>29} {w_wall / w_pages:7.3f}   {chrome:>29}"
                f" {c_per_page:>7} {ratio:>5}   {' / '.join(phases[1:])}"
            )
    report.snapshot = original


def _figures(runs: list[tuple[float, float]], pages: int) -> str:
    walls = [wall for wall, _ in runs]
    spread = f"[{min(walls):.2f}-{max(walls):.2f}]" if len(runs) > 1 else ""
    cpu = statistics.median(cpu for _, cpu in runs)
    return f"{statistics.median(walls):6.2f} {spread:>11} {cpu:5.2f} {pages:4d}p"


def main() -> None:
    """Run alone: a throwaway database with Sefton and the demo plan, then ``run``."""
    import io
    import logging

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import setup_test_environment, teardown_test_environment

    logging.disable(logging.INFO)
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        handle, path = tempfile.mkstemp(prefix="pct-bench-", suffix=".sqlite3")
        os.close(handle)
        database.setdefault("TEST", {})["NAME"] = path
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_sefton", verbosity=0, stdout=io.StringIO())
        with override_settings(DEBUG=True):
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
        run(lambda text="": print(text, flush=True))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
