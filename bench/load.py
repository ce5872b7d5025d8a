"""Load (and optionally fault) test: the app under gunicorn on 127.0.0.1 with PostgreSQL.

50 simulated officers each sign in and add progress updates to their own action through the real
update form (CSRF token, version check and all) while 20 Cabinet members read the dashboard and
the reviews overview, for a bounded time. Afterwards every update the server acknowledged (a
redirect after POST) must be in the database exactly once.

    python -m bench.load                 # 30 s of load
    python -m bench.load --fault         # ... and PostgreSQL stopped for ~8 s in the middle
    LOAD_SECONDS=60 python -m bench.load

It uses its own database ``pct_load`` (created, then dropped) on the PostgreSQL server at
127.0.0.1:5432; it only ever sends traffic to 127.0.0.1. ``--fault`` stops and restarts the
whole local PostgreSQL cluster: never run it while others depend on that server.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

from bench.processes import process_stats

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
LOAD_DB = os.environ.get("LOAD_DATABASE", "pct_load")  # one per developer on a shared server
OFFICERS = int(os.environ.get("LOAD_OFFICERS", "50"))
CABINET_MEMBERS = int(os.environ.get("LOAD_CABINET", "20"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
PASSWORD = "load-test-" + secrets.token_hex(8)
CLEAN_ERROR_PAGE = "Sorry, there is a problem with the service"
# The cache a deployment with several gunicorn workers uses: one Redis they share (README,
# "Deploying"). Empty: each worker caches in its own memory. Keys carry a prefix of their own per
# run, so developers sharing a Redis database never read each other's plans.
CACHE_REDIS_URL = os.environ.get("LOAD_CACHE_REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_KEY_PREFIX = f"{LOAD_DB}-{secrets.token_hex(4)}"


def redis_reachable(url: str) -> bool:
    address = urlparse(url)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def cache_settings() -> dict[str, str]:
    if CACHE_REDIS_URL and redis_reachable(CACHE_REDIS_URL):
        return {"CACHE_REDIS_URL": CACHE_REDIS_URL, "CACHE_KEY_PREFIX": CACHE_KEY_PREFIX}
    return {"CACHE_REDIS_URL": ""}


def cache_in_words(env: dict[str, str]) -> str:
    if env.get("CACHE_REDIS_URL"):
        return f"cache in Redis ({env['CACHE_REDIS_URL']}) shared by the workers"
    return "cache in each worker's memory (no Redis)"


def database_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def app_env(db_name: str, **extra) -> dict[str, str]:
    """Production settings (no DEBUG), as behind the council's TLS proxy."""
    unwanted = ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DATABASE_URL=database_url(db_name),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",  # testserver: backup_restore's Client
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="ERROR",
        LOGIN_FAILURE_LIMIT="1000",
        **cache_settings(),
    )
    env.update(extra)
    return env


def pg_tool(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed PostgreSQL client tools, our own arguments
        [args[0], "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], *args[1:]],
        capture_output=True,
        text=True,
        check=check,
    )


def pg_ready() -> bool:
    return pg_tool("pg_isready", "-q", check=False).returncode == 0


def manage(db_name: str, *args: str, debug: bool = False, code: str | None = None) -> str:
    env = app_env(db_name, **({"DEBUG": "1"} if debug else {}))
    command = [PYTHON, "manage.py", *args] + (["-c", code] if code else [])
    result = subprocess.run(  # noqa: S603 - our own manage.py
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


# Run inside `manage.py shell`: one action per simulated officer, and the Cabinet members.
SETUP_PEOPLE = """
from accounts.choices import Role
from accounts.services import person_ensure
from actions.models import Action
from reviews.models import Council, Recommendation
council = Council.objects.get()
recommendation = Recommendation.objects.filter(review__council=council).first()
directorate = council.directorates.first()
for i in range({officers}):
    user = person_ensure(username=f"load-officer-{{i}}", council=council, role=Role.OFFICER,
                         directorate=directorate)
    action = Action.objects.create(recommendation=recommendation, reference=f"LOAD.{{i}}",
                                   description="Load-test action", lead_officer=user,
                                   directorate=directorate)
    print("ACTION", user.username, action.pk)
for i in range({cabinet}):
    person_ensure(username=f"load-cabinet-{{i}}", council=council, role=Role.CABINET)
# One (deliberately slow) password hash for everyone, not one each.
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
get_user_model().objects.filter(username__startswith="load-").update(
    password=make_password("{password}"))
"""


def free_port() -> int:
    """A free port: the first free one of BENCH_PORTS ("8116-8119") when set (a shared server
    gives each developer a few), any otherwise."""
    wanted = os.environ.get("BENCH_PORTS", "")
    if wanted:
        first, _, last = wanted.partition("-")
        for port in range(int(first), int(last or first) + 1):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Results:
    """What every simulated person saw; appended to from many threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    unclean_errors: int = 0
    acknowledged: list[str] = field(default_factory=list)
    timeline: list[tuple[float, bool]] = field(default_factory=list)

    def record(self, page: str, started: float, status: int | None, body: str = "") -> None:
        elapsed = time.perf_counter() - started
        ok = status is not None and status < 500
        with self.lock:
            self.latencies[page].append(elapsed)
            self.statuses[status or "no answer"] += 1
            self.timeline.append((time.monotonic(), ok))
            clean = CLEAN_ERROR_PAGE in body and "Traceback" not in body
            if status is not None and status >= 500 and not clean:
                self.unclean_errors += 1


class Browser:
    """A person's session: cookies and CSRF token over one keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            # As the TLS proxy would say; Django's CSRF origin check then applies in full.
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt or method == "POST":  # never resend a POST: it may have landed
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text

    def sign_in(self, username: str) -> None:
        _, _, page = self.request("GET", "/accounts/login/")
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
                "username": username,
                "password": PASSWORD,
                "next": "/",
            },
        )
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)" name="{name}"', page
    )
    return match.group(1) if match else ""


def officer_loop(browser, username, action_pk, deadline, results: Results):
    sequence = 0
    path = f"/actions/{action_pk}/updates/new/"
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, _, page = browser.request("GET", path)
            results.record("update form", started, status, page)
            if status != 200:
                time.sleep(0.5)
                continue
            sequence += 1
            marker = f"load {username} #{sequence}"
            form = {
                "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
                "version": hidden(page, "version"),
                "seen_at": hidden(page, "seen_at"),
                "status": "on_track",
                "percent_complete": str(sequence % 100),
                "commentary": marker,
                "evidence_url": "",
            }
            started = time.perf_counter()
            status, location, page = browser.request("POST", path, form)
            results.record("save update", started, status, page)
            if status == 302 and "/login/" not in location:
                with results.lock:
                    results.acknowledged.append(marker)
            elif status < 500:
                results.errors.append(f"{username}: update answered {status}")
        except Exception as error:
            results.record("save update", started, None)
            results.errors.append(f"{username}: {type(error).__name__}")
            time.sleep(0.5)


def cabinet_loop(browser, username, deadline, results: Results):
    pages = [("dashboard", "/"), ("reviews overview", "/reviews/")]
    n = 0
    while time.monotonic() < deadline:
        started = time.perf_counter()
        name, path = pages[n % 2]
        try:
            status, _, page = browser.request("GET", path)
            results.record(name, started, status, page)
        except Exception as error:
            results.record(name, started, None)
            results.errors.append(f"{username}: {type(error).__name__}")
            time.sleep(0.5)
        n += 1


def sign_everyone_in(port, usernames, results: Results) -> dict[str, Browser]:
    """Sign everyone in before the clock starts: password hashing is slow on purpose."""
    browsers = {}
    gate = threading.Semaphore(4)  # a few at a time, as people arrive, not 70 hashes at once

    def sign_in(name):
        browser = Browser(port)
        try:
            with gate:
                browser.sign_in(name)
            browsers[name] = browser
        except Exception as error:
            results.errors.append(f"{name}: {error}")

    threads = [threading.Thread(target=sign_in, args=(name,)) for name in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return browsers


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:  # one request (the import's confirm): its own time is every quantile
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def _pg_ctlcluster(*action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", *action],  # noqa: S607
        check=True,
        capture_output=True,
    )


def _wait_for_postgres() -> None:
    for _ in range(60):
        if pg_ready():
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


def stop_postgres() -> None:
    _pg_ctlcluster("stop", "-m", "fast")


def restart_postgres() -> None:
    """``pg_ctlcluster ... restart`` (fast shutdown: open connections are cut), as an upgrade
    or a failover would; returns once it accepts connections again."""
    _pg_ctlcluster("restart")
    _wait_for_postgres()


def start_postgres() -> None:
    _pg_ctlcluster("start")
    _wait_for_postgres()


def prepare_database(
    print_line, db_name: str = LOAD_DB, *, officers: int = OFFICERS, cabinet: int = CABINET_MEMBERS
) -> dict[str, int]:
    """A fresh database with Sefton's data, the sample plan and the simulated people."""
    pg_tool("dropdb", "--if-exists", db_name)
    pg_tool("createdb", db_name)
    manage(db_name, "migrate", "--noinput")
    manage(db_name, "load_sefton")
    manage(db_name, "load_demo", debug=True)
    out = manage(
        db_name,
        "shell",
        code=SETUP_PEOPLE.format(officers=officers, cabinet=cabinet, password=PASSWORD),
    )
    actions = {
        line.split()[1]: int(line.split()[2])
        for line in out.splitlines()
        if line.startswith("ACTION")
    }
    print_line(f"  database {db_name}: Sefton data, sample plan, {len(actions)} officers' actions")
    return actions


def start_gunicorn(
    db_name: str, port: int, log, *, workers: int = 4, threads: int = 4, root: Path | None = None
) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603
        [
            gunicorn,
            "tracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--timeout",
            "30",
            "--log-level",
            "warning",
            "--preload",  # import Django once, before forking, so every worker is ready
        ],
        cwd=root or ROOT,
        env=app_env(db_name),
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: nobody reads a pipe during the run, and once its buffer is full
        # every worker blocks writing its error log (a hang that looks like the app's fault).
        stderr=log,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            # Warm every worker (and its database connection) before the clock starts.
            for _ in range(16):
                Browser(port).request("GET", "/accounts/login/")
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def session_cpu_seconds(session_id: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of one session: gunicorn
    and its workers, or the task worker (each is started in a session of its own)."""
    ticks = sum(
        int(fields[11]) + int(fields[12])
        for _, fields in process_stats()
        if int(fields[3]) == session_id
    )
    return ticks / os.sysconf("SC_CLK_TCK")


def take_bench_lock(print_line):
    """With BENCH_LOCK=<a file>, wait for an exclusive flock on it, so that on a shared machine
    only the timed part of a run, not its setup, keeps others from measuring; the open file
    (close it to release), or None."""
    path = os.environ.get("BENCH_LOCK")
    if not path:
        return None
    import fcntl

    lock = open(path, "a")  # noqa: SIM115 - held until the timed part ends
    asked = time.monotonic()
    fcntl.flock(lock, fcntl.LOCK_EX)
    print_line(f"  {path} taken after {time.monotonic() - asked:.0f} s; load average "
               f"{' '.join(f'{n:.2f}' for n in os.getloadavg())}")  # fmt: skip
    return lock


def stored_updates(db_name: str) -> Counter:
    out = pg_tool(
        "psql",
        "-d",
        db_name,
        "-tA",
        "-c",
        "SELECT commentary FROM actions_progressupdate WHERE commentary LIKE 'load %'",
    ).stdout
    return Counter(line for line in out.splitlines() if line)


def run(print_line=print, *, fault: bool = False, keep_database: bool = False) -> dict:
    """Run the load (and fault) test and print its figures; returns them too."""
    title = "Load test with PostgreSQL stopped mid-run" if fault else "Load test"
    print_line(
        f"{title} ({OFFICERS} officers updating, {CABINET_MEMBERS} Cabinet members "
        f"reading, {SECONDS:.0f} s, gunicorn 4 workers x 4 threads, PostgreSQL, "
        f"{cache_in_words(cache_settings())})"
    )
    if not pg_ready():
        print_line("  skipped: no PostgreSQL at 127.0.0.1:5432")
        return {}
    actions = prepare_database(print_line)
    port = free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed once gunicorn has stopped
        prefix="pct-load-gunicorn-", suffix=".log", delete=False
    )
    server = start_gunicorn(LOAD_DB, port, log)
    results = Results()
    fault_window = None
    try:
        people = [(f"load-cabinet-{i}", None) for i in range(CABINET_MEMBERS)]
        people += list(actions.items())
        browsers = sign_everyone_in(port, [name for name, _ in people], results)
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(
                target=officer_loop if pk else cabinet_loop,
                args=(browsers[name], name, pk, deadline, results)
                if pk
                else (browsers[name], name, deadline, results),
            )
            for name, pk in people
            if name in browsers
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        if fault:
            time.sleep(SECONDS / 3)
            stopped_at = time.monotonic()
            stop_postgres()
            time.sleep(6)
            start_postgres()
            fault_window = (stopped_at, time.monotonic())
            print_line(
                f"  PostgreSQL stopped at {stopped_at - began:.1f} s, back after "
                f"{fault_window[1] - stopped_at:.1f} s"
            )
        for thread in threads:
            thread.join(SECONDS + 60)
        elapsed = time.monotonic() - began
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    log.close()
    tracebacks = Path(log.name).read_text(errors="replace").count("Traceback")
    print_line(f"  server log {log.name}: {tracebacks} tracebacks (logged, never shown to users)")
    figures = report(print_line, results, elapsed, fault_window)
    if not keep_database:
        pg_tool("dropdb", "--if-exists", LOAD_DB)
    return figures


def report(print_line, results: Results, elapsed: float, fault_window) -> dict:
    everything = [value for values in results.latencies.values() for value in values]
    total = len(everything)
    failed = sum(
        n for status, n in results.statuses.items() if status == "no answer" or status >= 500
    )
    stored = stored_updates(LOAD_DB)
    acknowledged = Counter(results.acknowledged)
    lost = [m for m in acknowledged if stored[m] == 0]
    doubled = [m for m, n in stored.items() if n > 1]
    unacknowledged_saved = sum(1 for m in stored if m not in acknowledged)
    figures = {
        "requests": total,
        "rps": total / elapsed,
        "p50": percentile(everything, 50),
        "p95": percentile(everything, 95),
        "p99": percentile(everything, 99),
        "errors": failed,
        "acknowledged": len(acknowledged),
        "lost": len(lost),
        "doubled": len(doubled),
    }
    print_line(f"  {total} requests in {elapsed:.1f} s: {figures['rps']:.1f} requests/s")
    print_line(
        f"  latency p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, "
        f"p99 {figures['p99']:.0f} ms; per page:"
    )
    figures["pages"] = {}
    for page, values in sorted(results.latencies.items()):
        p50, p95, p99 = (percentile(values, q) for q in (50, 95, 99))
        figures["pages"][page] = {"requests": len(values), "p50": p50, "p95": p95, "p99": p99}
        print_line(
            f"    {page:<28} {len(values):6d} requests {len(values) / elapsed:6.1f}/s  "
            f"p50 {p50:6.0f}  p95 {p95:6.0f}  p99 {p99:6.0f} ms"
        )
    print_line(f"  errors: {failed} (5xx or no answer); statuses {dict(results.statuses)}")
    print_line(
        f"  updates acknowledged {len(acknowledged)}, in the database {sum(stored.values())}: "
        f"lost {len(lost)}, stored twice {len(doubled)}, saved without an answer "
        f"{unacknowledged_saved}"
    )
    if results.errors:
        kinds = Counter(error.split(": ", 1)[-1] for error in results.errors)
        print_line(f"  most frequent problems: {kinds.most_common(4)}")
    if fault_window:
        after = [ok for t, ok in results.timeline if t > fault_window[1] + 5]
        during = [ok for t, ok in results.timeline if fault_window[0] <= t <= fault_window[1]]
        figures.update(
            unclean_errors=results.unclean_errors,
            failed_during=during.count(False),
            recovered=bool(after) and all(after[-20:]),
        )
        print_line(
            f"  during the outage {during.count(False)} of {len(during)} requests failed; "
            f"error pages without the clean 500 page: {results.unclean_errors}"
        )
        print_line(
            f"  5 s after PostgreSQL was back: {after.count(True)} of {len(after)} requests "
            f"succeeded; recovered by itself: {'yes' if figures['recovered'] else 'NO'}"
        )
    return figures


# --- The open-loop run: a realistic last week of a quarter (issue 16) ------------------------
OPEN_OFFICERS = int(os.environ.get("OPEN_OFFICERS", "200"))
OPEN_MEMBERS = int(os.environ.get("OPEN_MEMBERS", "60"))
OPEN_SECONDS = float(os.environ.get("OPEN_SECONDS", "150"))
SAVE_EVERY = 120.0  # each officer saves an update about every 2 minutes...
MINE_EVERY = SAVE_EVERY / 3  # ... and reads My actions twice in between
MEMBER_EVERY = 20.0  # each member reads the dashboard and a report every 20 s
TEAM_AT = (15.0, 30.0, 45.0)  # the performance team: two report PDFs, then a 500-row import
IMPORT_ROWS = 500

SETUP_TEAM = """
import datetime as dt
from accounts.choices import Role
from accounts.services import person_ensure
from imports.services import import_batch_create
from reports.models import CabinetReport
from reports.services import cabinet_report_create
from reviews.models import Council, Review
from tracker.quarters import FinancialQuarter
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
council = Council.objects.get()
review = Review.objects.get(slug="2023-cpc")
team = person_ensure(username="load-performance", council=council, role=Role.PERFORMANCE)
get_user_model().objects.filter(pk=team.pk).update(password=make_password("{password}"))
def draft(slug):
    quarter = FinancialQuarter.parse(slug)
    return cabinet_report_create(council=council, quarter=quarter, reviews=[review],
                                 created_by=team, meeting_date=quarter.end + dt.timedelta(days=30))
issued = draft("2025-26-Q3")
CabinetReport.objects.filter(pk=issued.pk).update(
    pdf=b"%PDF-1.7 stand-in", pdf_sha256="0" * 64, pdf_pages=1, pdf_bytes=17, status="issued",
    issued_by=team, issued_at=issued.created_at)
print("ISSUED", issued.pk)
for slug in ("2025-26-Q4", "2026-27-Q1"):
    print("DRAFT", draft(slug).pk)
batch = import_batch_create(kind="action_plan", content=open("{plan}", "rb").read(),
                            filename="quarter-end-plan.xlsx", council=council, review=review,
                            uploaded_by=team)
print("BATCH", batch.pk, batch.change_count)
"""


def prepare_open_database(print_line) -> tuple[dict[str, int], dict[str, list[int]]]:
    actions = prepare_database(print_line, officers=OPEN_OFFICERS, cabinet=OPEN_MEMBERS)
    from bench.kill_midway import big_plan  # a synthetic plan of distinct, valid actions

    plan = Path(tempfile.mkdtemp(prefix="pct-open-")) / "plan.xlsx"
    plan.write_bytes(big_plan(IMPORT_ROWS))
    out = manage(LOAD_DB, "shell", code=SETUP_TEAM.format(password=PASSWORD, plan=plan))
    made: dict[str, list[int]] = defaultdict(list)
    for line in out.splitlines():
        word, *numbers = line.split() or [""]
        if word in ("ISSUED", "DRAFT", "BATCH"):
            made[word].append(int(numbers[0]))
    print_line(
        f"  the performance team: 2 drafts to generate, an issued report for members to read, "
        f"a {IMPORT_ROWS}-row import previewed and ready to confirm"
    )
    return actions, made


def start_task_worker(db_name: str, log) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", "task_worker"],
        cwd=ROOT,
        env=app_env(db_name, LOG_LEVEL="WARNING"),
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )


def paced(deadline: float, every: float, first: float, step) -> None:
    """Open loop: each visit starts at its planned time, however slow the last answer was
    (a person does one thing at a time, so a visit that is late starts at once)."""
    at = time.monotonic() + first
    k = 0
    while at < deadline:
        pause = at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        step(k)
        k += 1
        at += every * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def visit(browser: Browser, results: Results, who: str, steps) -> None:
    """One visit: a few requests over a fresh connection (an idle phone's would have closed)."""
    if browser.connection is not None:
        browser.connection.close()
        browser.connection = None
    for page, method, path, form_from in steps:
        started = time.perf_counter()
        try:
            form = form_from() if form_from else None
            status, location, body = browser.request(method, path, form)
        except Exception as error:
            results.record(page, started, None)
            results.errors.append(f"{who}: {page}: {type(error).__name__}")
            return
        results.record(page, started, status, body)
        browser.last = (status, location, body)
        if status >= 400:
            results.errors.append(f"{who}: {page} answered {status}")
            return


def open_officer(browser, username, action_pk, deadline, results: Results) -> None:
    path = f"/actions/{action_pk}/updates/new/"
    sequence = [0]

    def save_form():
        _, _, page = browser.last
        sequence[0] += 1
        marker = f"load {username} #{sequence[0]}"
        browser.marker = marker
        return {
            "csrfmiddlewaretoken": hidden(page, "csrfmiddlewaretoken"),
            "version": hidden(page, "version"),
            "seen_at": hidden(page, "seen_at"),
            "status": "on_track",
            "percent_complete": str(sequence[0] % 100),
            "commentary": marker,
            "evidence_url": "",
        }

    def step(k):
        if k % 3:
            visit(browser, results, username, [("My actions", "GET", "/actions/mine/", None)])
            return
        browser.marker = None
        visit(
            browser,
            results,
            username,
            [
                ("My actions", "GET", "/actions/mine/", None),
                ("update form", "GET", path, None),
                ("save update", "POST", path, save_form),
            ],
        )
        status, location, _ = browser.last
        if browser.marker and status == 302 and "/login/" not in location:
            with results.lock:
                results.acknowledged.append(browser.marker)

    paced(deadline, MINE_EVERY, random.uniform(0, SAVE_EVERY), step)  # noqa: S311


def open_member(browser, username, report_pk, deadline, results: Results) -> None:
    steps = [
        ("dashboard", "GET", "/", None),
        ("report page", "GET", f"/reports/{report_pk}/", None),
    ]
    paced(
        deadline,
        MEMBER_EVERY,
        random.uniform(0, MEMBER_EVERY),  # noqa: S311
        lambda k: visit(browser, results, username, steps),
    )


def open_team(browser, made, began, results: Results, jobs: list) -> None:
    """Generate two report PDFs and confirm the import through the pages, at TEAM_AT, and
    follow every job asked for so far as its page's script does (every 2 s) meanwhile, so each
    job's time is from asking to the first poll that sees it done, as the person sees it."""
    work = [
        ("generate PDF", f"/reports/{made['DRAFT'][0]}/", f"/reports/{made['DRAFT'][0]}/pdf/"),
        ("generate PDF", f"/reports/{made['DRAFT'][1]}/", f"/reports/{made['DRAFT'][1]}/pdf/"),
        ("confirm import", f"/imports/{made['BATCH'][0]}/", f"/imports/{made['BATCH'][0]}/apply/"),
    ]
    to_ask = list(zip(TEAM_AT, work, strict=True))
    give_up = time.monotonic() + OPEN_SECONDS + 300
    while time.monotonic() < give_up and (to_ask or any(_unfinished(jobs))):
        if to_ask and time.monotonic() >= began + to_ask[0][0]:
            _, (page, form_path, post_path) = to_ask.pop(0)
            jobs.append(_ask_for_job(browser, results, page, form_path, post_path))
            continue
        next_ask = began + to_ask[0][0] if to_ask else float("inf")
        time.sleep(max(0.0, min(2.0, next_ask - time.monotonic())))
        for job in _unfinished(jobs):
            started = time.perf_counter()
            status, _, body = browser.request("GET", f"/jobs/{job['job']}/status/")
            results.record("job progress (JSON)", started, status, body)
            if '"finished": true' in body:
                job["finished"] = time.monotonic() - job["asked"]
                job["outcome"] = re.search(r'"status": "(\w+)"', body).group(1)


def _unfinished(jobs: list) -> list:
    return [job for job in jobs if job["job"] and "finished" not in job]


def _ask_for_job(browser, results: Results, page: str, form_path: str, post_path: str) -> dict:
    """Open the page with the button and press it; the job the answer redirects to."""

    def post_form():
        _, _, body = browser.last
        return {
            "csrfmiddlewaretoken": hidden(body, "csrfmiddlewaretoken"),
            "request_key": hidden(body, "request_key"),
        }

    asked = time.monotonic()
    visit(
        browser,
        results,
        "load-performance",
        [(f"{page} (page)", "GET", form_path, None), (page, "POST", post_path, post_form)],
    )
    _, location, _ = browser.last
    match = re.search(r"/jobs/(\d+)/", location or "")
    return {"what": page, "asked": asked, "job": match and int(match.group(1))}


def run_open(print_line=print, *, restart: bool = False) -> dict:
    """The open-loop quarter-end run; with ``restart``, PostgreSQL is restarted halfway."""
    title = "Open-loop quarter end" + (" with PostgreSQL restarted halfway" if restart else "")
    print_line(
        f"{title}: {OPEN_OFFICERS} officers saving an update about every "
        f"{SAVE_EVERY:.0f} s and reading My actions between, {OPEN_MEMBERS} members reading the "
        f"dashboard and a report every {MEMBER_EVERY:.0f} s, the performance team generating two "
        f"report PDFs and confirming a {IMPORT_ROWS}-row import; {OPEN_SECONDS:.0f} s, gunicorn "
        f"4 workers x 4 threads, one task worker, PostgreSQL, {cache_in_words(cache_settings())}"
    )
    if not pg_ready():
        print_line("  skipped: no PostgreSQL at 127.0.0.1:5432")
        return {}
    actions, made = prepare_open_database(print_line)
    bench_lock = take_bench_lock(print_line)
    port = free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed once both have stopped
        prefix="pct-open-", suffix=".log", delete=False
    )
    server = start_gunicorn(LOAD_DB, port, log)
    results, jobs, fault_window = Results(), [], None
    worker = server  # until the worker has started, stopping "both" stops gunicorn
    try:
        worker = start_task_worker(LOAD_DB, log)
        members = [f"load-cabinet-{i}" for i in range(OPEN_MEMBERS)]
        names = [*members, *actions, "load-performance"]
        browsers = sign_everyone_in(port, names, results)
        signed_in_errors = len(results.errors)
        began = time.monotonic()
        deadline = began + OPEN_SECONDS
        threads = [
            threading.Thread(
                target=open_officer, args=(browsers[name], name, pk, deadline, results)
            )
            for name, pk in actions.items()
            if name in browsers
        ]
        threads += [
            threading.Thread(
                target=open_member,
                args=(browsers[name], name, made["ISSUED"][0], deadline, results),
            )
            for name in members
            if name in browsers
        ]
        threads.append(
            threading.Thread(
                target=open_team,
                args=(browsers["load-performance"], made, began, results, jobs),
            )
        )
        cpu_before = {p.pid: session_cpu_seconds(p.pid) for p in (server, worker)}
        for thread in threads:
            thread.start()
        if restart:
            time.sleep(OPEN_SECONDS / 2)
            stopped_at = time.monotonic()
            restart_postgres()
            fault_window = (stopped_at, time.monotonic())
            print_line(
                f"  PostgreSQL restarted at {stopped_at - began:.1f} s, accepting connections "
                f"again after {fault_window[1] - stopped_at:.1f} s"
            )
        time.sleep(max(0.0, deadline - time.monotonic()))
        # The machine over the timed window: what gunicorn and the task worker used, and what
        # else wanted the cores (a shared machine's other work shows in the load average).
        cpu = {p.pid: session_cpu_seconds(p.pid) - cpu_before[p.pid] for p in (server, worker)}
        load_average = os.getloadavg()
        for thread in threads:
            thread.join(OPEN_SECONDS + 400)
        elapsed = time.monotonic() - began
        worker_alive = worker.poll() is None
    finally:
        for process in {server, worker}:
            os.killpg(process.pid, signal.SIGTERM)
        for process in {server, worker}:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if bench_lock:
            bench_lock.close()
    log.close()
    tracebacks = Path(log.name).read_text(errors="replace").count("Traceback")
    print_line(f"  server and worker log {log.name}: {tracebacks} tracebacks")
    print_line(f"  task worker still running at the end: {'yes' if worker_alive else 'NO'}")
    if signed_in_errors:
        print_line(f"  {signed_in_errors} people could not sign in")
    # Requests per second over the timed window; the team's job-progress polls that ran on
    # after it (until the PDFs and the import finished) are counted in it.
    print_line(f"  (the last job finished {elapsed:.0f} s after the start)")
    figures = report(print_line, results, OPEN_SECONDS, fault_window)
    requests = figures["requests"]
    print_line(
        f"  CPU over the {OPEN_SECONDS:.0f} s: gunicorn {cpu[server.pid]:.0f} s "
        f"({1000 * cpu[server.pid] / max(requests, 1):.0f} ms a request), task worker "
        f"{cpu[worker.pid]:.0f} s; load average at the end "
        f"{' '.join(f'{n:.2f}' for n in load_average)} (2 cores)"
    )
    figures.update(server_cpu=cpu[server.pid], worker_cpu=cpu[worker.pid], load=load_average)
    for job in jobs:
        outcome = job.get("outcome", "not finished")
        took = f"{job['finished']:.1f} s" if "finished" in job else "-"
        print_line(f"  {job['what']}: job {job['job']} {outcome}, {took} from asking to done")
    figures["jobs"] = jobs
    pg_tool("dropdb", "--if-exists", LOAD_DB)
    return figures


if __name__ == "__main__":
    if "--open" in sys.argv:
        outcome = run_open(print, restart="--restart" in sys.argv)
    else:
        outcome = run(print, fault="--fault" in sys.argv)
    if not pg_ready():
        start_postgres()
    sys.exit(1 if outcome and (outcome["lost"] or outcome["doubled"]) else 0)
