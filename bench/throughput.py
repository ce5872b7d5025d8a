"""The dashboard's throughput beside a plain signed-in page's, measured side by side.

gunicorn with 2 workers x 4 threads and production settings on 127.0.0.1, PostgreSQL, 4 clients
signed in as Cabinet members, each sending its next request as soon as the last is answered.
Three rounds, each THROUGHPUT_SECONDS on the dashboard then the same on a 404 page (the cheapest
signed-in page: session, middleware, template), so both see the same machine load. The goal is
a dashboard at no less than 0.25x the plain page (issue 16).

    python -m bench.throughput
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench import load

CLIENTS = 4
ROUNDS = 3
SECONDS = float(os.environ.get("THROUGHPUT_SECONDS", "10"))
PAGES = {"dashboard": "/", "plain page (404)": "/no-such-page/"}
EXPECTED = {"dashboard": 200, "plain page (404)": 404}


def hammer(browsers, path: str, expected: int, seconds: float) -> tuple[float, int]:
    """Requests per second from every client together, and how many answered wrongly."""
    counts, wrong = [0] * len(browsers), [0] * len(browsers)
    deadline = time.monotonic() + seconds

    def client(i, browser):
        while time.monotonic() < deadline:
            status, _, _ = browser.request("GET", path)
            counts[i] += 1
            wrong[i] += status != expected

    threads = [threading.Thread(target=client, args=pair) for pair in enumerate(browsers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return sum(counts) / (time.monotonic() - started), sum(wrong)


def _stop(server) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run(print_line=print) -> dict:
    """THROUGHPUT_BASELINE=<a checkout of the code before a change> measures it too, against
    the same database: each round runs A (the baseline) then B (this code), so both see the
    same machine load."""
    baseline = os.environ.get("THROUGHPUT_BASELINE")
    print_line(
        f"Throughput: dashboard beside a plain signed-in page (gunicorn 2 workers x 4 threads, "
        f"production settings, PostgreSQL, {CLIENTS} clients, {ROUNDS} rounds of "
        f"{SECONDS:.0f} s each{', A = ' + baseline + ' then B = this code' if baseline else ''})"
    )
    if not load.pg_ready():
        print_line("  skipped: no PostgreSQL at 127.0.0.1:5432")
        return {}
    db_name = f"{load.LOAD_DB}_throughput"
    load.prepare_database(print_line, db_name)
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed once gunicorn has stopped
        prefix="pct-throughput-gunicorn-", suffix=".log", delete=False
    )
    codes = {"B": None}
    if baseline:
        codes = {"A": Path(baseline), "B": None}
    servers, browsers = {}, {}
    rounds: dict[str, list[float]] = {code: [] for code in codes}
    try:
        for code, root in codes.items():
            port = load.free_port()
            servers[code] = load.start_gunicorn(db_name, port, log, workers=2, threads=4, root=root)
            browsers[code] = []
            for i in range(CLIENTS):
                browser = load.Browser(port)
                browser.sign_in(f"load-cabinet-{i}")
                browsers[code].append(browser)
            for path in PAGES.values():  # warm both pages in every worker
                for browser in browsers[code] * 2:
                    browser.request("GET", path)
        for n in range(1, ROUNDS + 1):
            for code in codes:
                figures = {}
                for name, path in PAGES.items():
                    figures[name], wrong = hammer(browsers[code], path, EXPECTED[name], SECONDS)
                    if wrong:
                        raise RuntimeError(f"{name}: {wrong} answers were not {EXPECTED[name]}")
                ratio = figures["dashboard"] / figures["plain page (404)"]
                rounds[code].append(ratio)
                label = f" {code}" if baseline else ""
                print_line(
                    f"  round {n}{label}: dashboard {figures['dashboard']:6.1f} requests/s, "
                    f"plain page {figures['plain page (404)']:6.1f} requests/s: {ratio:.2f}x"
                )
    finally:
        for server in servers.values():
            _stop(server)
        log.close()
        load.pg_tool("dropdb", "--if-exists", db_name)
    result = {}
    for code, ratios in rounds.items():
        if not ratios:
            continue
        ratio = statistics.median(ratios)
        result[code] = ratio
        label = f"{code}: " if baseline else ""
        print_line(
            f"  {label}dashboard / plain page: median {ratio:.2f}x (rounds "
            f"{', '.join(f'{r:.2f}' for r in ratios)}; goal >= 0.25x)"
        )
    return {"rounds": rounds, "ratio": result.get("B")}


if __name__ == "__main__":
    run()
