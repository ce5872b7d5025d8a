"""Import speed: a 2,000-row action plan (the upload limit) previewed and applied, then its
quarterly update sheet exported, filled in on every row, previewed and applied. Run by
``python -m bench`` after the page timings, in the same throwaway database."""

import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run alone: Django is set up before the models are imported
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.test_settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from actions.models import Action
from imports import exports
from imports.choices import ImportKind
from imports.models import ImportBatch
from imports.parsing import MAX_ROWS
from imports.services import import_batch_apply, import_batch_create, import_batch_discard
from reviews.models import Review

# Target dates still to come, so "Green" obeys the progress rules (not on track past target).
DATES = ["31/03/2028", "30 June 2028", "September 2028", "Q3 2028/29", "2028/29 Q4"]


def _plan_xlsx(numbers: list[int], lead_email: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Rec no.", "Action ref", "Action", "Lead officer", "Start date",
                  "Timescale", "Milestones", "RAG", "% complete", "Latest update"])  # fmt: skip
    for n in range(MAX_ROWS):
        sheet.append([
            numbers[n % len(numbers)], f"B{n + 1}", f"Benchmark action number {n + 1}",
            lead_email, dt.datetime(2024, 4, 1), DATES[n % len(DATES)],
            f"First step - 30/09/2024\nSecond step - {DATES[n % len(DATES)]}",
            "Green", 10 + n % 80, f"Progress note {n + 1}.",
        ])  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _timed(label: str, rows: int, work, print_line):
    """Wall time, and this process's CPU time beside it (on PostgreSQL the server's share of
    the work is in the wall time only)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = work()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print_line(f"  {label:<44} {seconds:7.2f} s  (CPU {cpu:5.2f} s)  {rows / seconds:7.0f} rows/s")
    return result


def _time_upload_page(review, user, content: bytes, print_line) -> None:
    """The same file through the upload page as a person sends it (the form checks the file,
    then the preview is made and kept), and the preview page they are sent to; discarded."""
    client = Client()
    client.force_login(user)
    upload = SimpleUploadedFile("bench.xlsx", content)
    data = {"kind": ImportKind.ACTION_PLAN, "review": review.pk, "file": upload}
    url = reverse("imports:importbatch_create")
    response = _timed("Action plan: upload page (form and preview)", MAX_ROWS,
                      lambda: client.post(url, data), print_line)  # fmt: skip
    if response.status_code != 302:
        raise SystemExit(f"the upload page answered {response.status_code}")
    page = _timed("Action plan: preview page", MAX_ROWS,
                  lambda: client.get(response.url), print_line)  # fmt: skip
    if page.status_code != 200:
        raise SystemExit(f"the preview page answered {page.status_code}")
    import_batch_discard(batch=ImportBatch.objects.get(pk=page.context["object"].pk))


def run(print_line) -> None:
    review = Review.objects.get(slug="2023-cpc")
    user = get_user_model().objects.get(username="performance")
    numbers = list(review.recommendations.values_list("number", flat=True))
    content = _plan_xlsx(numbers, user.email)
    print_line(f"Spreadsheet import ({MAX_ROWS:,} rows, {len(content) / 1024:.0f} KB XLSX)")
    batch = _timed(
        "Action plan: upload and preview",
        MAX_ROWS,
        lambda: import_batch_create(
            kind=ImportKind.ACTION_PLAN,
            content=content,
            filename="bench.xlsx",
            council=review.council,
            review=review,
            uploaded_by=user,
        ),
        print_line,
    )
    if batch.errors:
        raise SystemExit(f"bench plan has problems: {batch.errors[:3]}")
    _time_upload_page(review, user, content, print_line)
    _timed("Action plan: confirm (re-check and write)", MAX_ROWS,
           lambda: import_batch_apply(batch=batch, user=user), print_line)  # fmt: skip
    actions = exports.actions_for_export(Action.objects.filter(reference__startswith="B"))
    sheet_bytes = _timed(
        "Quarterly update sheet: export",
        MAX_ROWS,
        lambda: exports.quarterly_update_xlsx(actions, title="bench"),
        print_line,
    )
    workbook = load_workbook(io.BytesIO(sheet_bytes))
    sheet = workbook.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 10, "Amber")
        sheet.cell(row, 11, 50)
        sheet.cell(row, 12, "Slipped a month.")
    out = io.BytesIO()
    workbook.save(out)
    updates = _timed(
        "Quarterly updates: upload and preview",
        MAX_ROWS,
        lambda: import_batch_create(
            kind=ImportKind.QUARTERLY_UPDATES,
            content=out.getvalue(),
            filename="q.xlsx",
            council=review.council,
            review=review,
            uploaded_by=user,
        ),
        print_line,
    )
    if updates.errors or len(updates.summary["updated"]) != MAX_ROWS:
        raise SystemExit(f"bench updates went wrong: {updates.errors[:3]}")
    _timed("Quarterly updates: confirm", MAX_ROWS,
           lambda: import_batch_apply(batch=updates, user=user), print_line)  # fmt: skip


def main() -> None:
    """Only the import figures, in a throwaway database (``python -m bench.imports``), so that
    the same file can time an older checkout beside this one."""
    import logging
    import tempfile

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    logging.disable(logging.INFO)
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        handle, path = tempfile.mkstemp(prefix="pct-bench-", suffix=".sqlite3")
        os.close(handle)
        database.setdefault("TEST", {})["NAME"] = path
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Database: {connection.vendor}", flush=True)
        call_command("load_sefton", verbosity=0, stdout=io.StringIO())
        with override_settings(DEBUG=True):
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
        run(lambda text="": print(text, flush=True))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
