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


def run(print_line=print) -> dict:
    print_line(
        f"Throughput: dashboard beside a plain signed-in page (gunicorn 2 workers x 4 threads, "
        f"production settings, PostgreSQL, {CLIENTS} clients, {ROUNDS} rounds of "
        f"{SECONDS:.0f} s each)"
    )
    if not load.pg_ready():
        print_line("  skipped: no PostgreSQL at 127.0.0.1:5432")
        return {}
    db_name = f"{load.LOAD_DB}_throughput"
    load.prepare_database(print_line, db_name)
    port = load.free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed once gunicorn has stopped
        prefix="pct-throughput-gunicorn-", suffix=".log", delete=False
    )
    server = load.start_gunicorn(db_name, port, log, workers=2, threads=4)
    rounds = []
    try:
        browsers = []
        for i in range(CLIENTS):
            browser = load.Browser(port)
            browser.sign_in(f"load-cabinet-{i}")
            browsers.append(browser)
        for path in PAGES.values():  # warm both pages in every worker
            for browser in browsers * 2:
                browser.request("GET", path)
        for n in range(1, ROUNDS + 1):
            figures = {}
            for name, path in PAGES.items():
                figures[name], wrong = hammer(browsers, path, EXPECTED[name], SECONDS)
                if wrong:
                    raise RuntimeError(f"{name}: {wrong} answers were not {EXPECTED[name]}")
            ratio = figures["dashboard"] / figures["plain page (404)"]
            rounds.append(ratio)
            print_line(
                f"  round {n}: dashboard {figures['dashboard']:6.1f} requests/s, plain page "
                f"{figures['plain page (404)']:6.1f} requests/s: {ratio:.2f}x"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        load.pg_tool("dropdb", "--if-exists", db_name)
    ratio = statistics.median(rounds)
    print_line(
        f"  dashboard / plain page: median {ratio:.2f}x (rounds "
        f"{', '.join(f'{r:.2f}' for r in rounds)}; goal >= 0.25x)"
    )
    return {"rounds": rounds, "ratio": ratio}


if __name__ == "__main__":
    run()
