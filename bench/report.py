"""The Cabinet report for Sefton's 2023 CPC with the sample plan: how long the snapshot, the HTML
and the PDF take, and how big the PDF is. Run by ``python -m bench`` in its throwaway database
(Sefton and the demo plan already loaded); it needs a performance team member from load_demo.

    BENCH_REPORT_RUNS=5 python -m bench
"""

import datetime as dt
import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.utils import timezone

from reports import selectors, services
from reports.pdf import render_pdf
from reports.rendering import report_html
from reviews.models import Review
from tracker.quarters import FinancialQuarter

RUNS = max(3, int(os.environ.get("BENCH_REPORT_RUNS", "5")))


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
    actions = report.snapshot["headline"]["actions"]
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
