"""Print the median server time and SQL query count of the dashboard, the actions table and an
action page, for Sefton's data and for a synthetic council 100 times its size.

Everything happens in a throwaway test database (Django's test-database machinery: a SQLite file
under /tmp, or test_<name> on the server DATABASE_URL points to), so no real data is touched.
Then each page's 100x time over its 1x time. Optional modules bench/report.py,
bench/throughput.py, bench/load.py, bench/imports.py and bench/kill_midway.py, when present, are
run afterwards; each exposes ``run(print_line)``.

    BENCH_RUNS=15 BENCH_SCALE=100 python -m bench
    BENCH_MODULES= python -m bench          # the page timings only
"""

import importlib
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.test_settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from actions.models import Action  # noqa: E402

RUNS = max(10, int(os.environ.get("BENCH_RUNS", "15")))
SCALE = int(os.environ.get("BENCH_SCALE", "100"))
# (module, function): the saturation load run and the open-loop quarter end are both in load.py.
OPTIONAL_MODULES = (
    ("report", "run"),
    ("throughput", "run"),
    ("load", "run"),
    ("load", "run_open"),
    ("imports", "run"),
    ("uploads", "run"),
    ("kill_midway", "run"),
)


def print_line(text: str = "") -> None:
    print(text, flush=True)


def measure(client: Client, url: str) -> tuple[float, int]:
    """Median milliseconds over RUNS requests (after one warm-up) and the query count."""
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return statistics.median(times), queries


def measure_pages(label: str, username: str, council_short_name: str) -> dict:
    """Print and return ``{page: (median ms, queries)}`` for the council's main pages."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    action = (
        Action.objects.filter(recommendation__review__council__short_name=council_short_name)
        .order_by("pk")
        .first()
    )
    count = Action.objects.filter(
        recommendation__review__council__short_name=council_short_name
    ).count()
    print_line(f"{label} ({count} actions, median of {RUNS} runs)")
    pages = [
        ("Dashboard /", "/"),
        ("Actions table /actions/", "/actions/"),
        ("Recommendations table /recommendations/", "/recommendations/"),
        ("Action page", action.get_absolute_url()),
    ]
    figures = {}
    for name, url in pages:
        median, queries = measure(client, url)
        figures[name] = (median, queries)
        print_line(f"  {name:<42} {median:8.1f} ms  {queries:3d} queries")
    return figures


def print_scaling(small: dict, large: dict) -> None:
    """Each page's time at 100x beside 1x: the goal is a ratio of at most 1.3 (issue 16)."""
    print_line(f"Scaling: time at {SCALE} x Sefton / time at Sefton's size (goal <= 1.3)")
    for name, (small_ms, small_queries) in small.items():
        large_ms, large_queries = large[name]
        ratio = large_ms / small_ms
        verdict = "ok" if ratio <= 1.3 else "over"
        print_line(
            f"  {name:<42} {small_ms:7.1f} -> {large_ms:7.1f} ms  {ratio:5.2f}x  {verdict}"
            f"  (queries {small_queries} -> {large_queries})"
        )


def main() -> None:
    logging.disable(logging.INFO)  # sign-in and audit log lines would drown the figures
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        handle, path = tempfile.mkstemp(prefix="pct-bench-", suffix=".sqlite3")
        os.close(handle)
        database.setdefault("TEST", {})["NAME"] = path
    failed = []
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print_line(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        call_command("load_sefton", verbosity=0, stdout=io.StringIO())
        with override_settings(DEBUG=True):  # load_demo only runs for a local demo
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
        small = measure_pages("Sefton", "cabinet", "Sefton")
        started = time.perf_counter()
        call_command("generate_synthetic_data", scale=SCALE, stdout=io.StringIO())
        print_line(f"(synthetic data generated in {time.perf_counter() - started:.1f} s)")
        large = measure_pages(f"Synthetic, {SCALE} x Sefton", "synthetic-cabinet", "Synthetic")
        print_scaling(small, large)
        # BENCH_MODULES=report,load picks some (empty: page timings only).
        chosen = os.environ.get("BENCH_MODULES")
        for name, function in OPTIONAL_MODULES:
            if chosen is not None and name not in chosen.split(","):
                continue
            try:
                module = importlib.import_module(f"bench.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"bench.{name}":
                    raise
                continue
            print_line()
            try:
                getattr(module, function)(print_line)
            except Exception as exc:
                failed.append(name)
                print_line(f"bench/{name}.py failed: {exc!r}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    if failed:
        raise SystemExit(f"Failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
