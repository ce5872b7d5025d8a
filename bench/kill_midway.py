"""Fault check: an import or a Cabinet report killed midway leaves no partial data.

Builds a throwaway demo database (SQLite under /tmp, or a PostgreSQL server database named by
KILL_DATABASE_URL), starts ``import_action_plan`` on a 1,500-row plan and ``cabinet_report``,
SIGKILLs each while it is still working, and compares what is in the database before and after.
Then the same through the task worker (issue 16): the confirm of a 1,500-row import and a PDF
render are queued as jobs, the worker (``manage.py task_worker``, the database queue) is
SIGKILLed midway through each, nothing partial may be left, both jobs must read as stopped, and
after "Try again" (``job_retry``) a fresh worker must finish both, each exactly once.

    python -m bench.kill_midway
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import process_stats  # noqa: E402
from tests.import_files import PLAN_HEADINGS, xlsx_bytes  # noqa: E402

COUNT_SCRIPT = """
import json
from actions.models import Action, Milestone, ProgressUpdate
from imports.models import ImportBatch
from reports.models import CabinetReport
print(json.dumps({
    "actions": Action.objects.count(),
    "milestones": Milestone.objects.count(),
    "updates": ProgressUpdate.objects.count(),
    "action_history": Action.history.count(),
    "applied_batches": ImportBatch.objects.filter(status="applied").count(),
    "reports_with_pdf": CabinetReport.objects.exclude(pdf=None).count(),
    "issued_reports": CabinetReport.objects.filter(status="issued").count(),
}))
"""


ENQUEUE_SCRIPT = """
import datetime as dt, json
from django.contrib.auth import get_user_model
from imports import tasks as import_tasks
from imports.services import import_batch_create
from jobs.services import job_enqueue
from reports import services, tasks as report_tasks
from reviews.models import Review
from tracker.quarters import FinancialQuarter
person = get_user_model().objects.get(username="performance")
review = Review.objects.get(slug="2023-cpc")
batch = import_batch_create(
    kind="action_plan", content=open(PLAN_PATH, "rb").read(), filename="big-plan.xlsx",
    council=review.council, review=review, uploaded_by=person,
)
quarter = FinancialQuarter.parse("2026-27-Q1")
report = services.cabinet_report_create(
    council=review.council, quarter=quarter, reviews=[review], created_by=person,
    meeting_date=quarter.end + dt.timedelta(days=20),
)
jobs = [
    job_enqueue(task=import_tasks.import_batch_confirm, kind="import_apply", object_id=batch.pk,
                requested_by=person, url="/", steps_total=1),
    job_enqueue(task=report_tasks.cabinet_report_render, kind="report_render",
                object_id=report.pk, requested_by=person, url="/"),
]
print(json.dumps([job.pk for job in jobs]))
"""

JOBS_SCRIPT = """
import json
from jobs.models import Job
print(json.dumps({str(j.pk): [j.status, j.attempt, j.is_stalled] for j in Job.objects.all()}))
"""

RETRY_SCRIPT = """
from jobs.models import Job
from jobs.services import job_retry
for job in Job.objects.all():
    job_retry(job=job)
"""


class Probe:
    """Quick looks at the database the commands write to, straight from this process: a
    ``manage.py shell`` takes about a second to start, longer than a 1,500-row import now
    spends writing, so a kill timed by one always came after the work had finished."""

    def __init__(self, url: str):
        address = urlparse(url)
        self.sqlite_path = address.path if address.scheme == "sqlite" else None
        self.url = url

    def _connect(self):
        if self.sqlite_path:
            # timeout=0: a lock held by the command is reported at once, never waited for.
            return sqlite3.connect(self.sqlite_path, timeout=0, isolation_level=None)
        import psycopg2

        connection = psycopg2.connect(self.url)
        connection.autocommit = True
        return connection

    def job_status(self, pk: str) -> str:
        connection = self._connect()
        try:
            cursor = connection.cursor()
            if self.sqlite_path:
                cursor.execute("SELECT status FROM jobs_job WHERE id = ?", (int(pk),))
            else:
                cursor.execute("SELECT status FROM jobs_job WHERE id = %s", (int(pk),))
            return cursor.fetchone()[0]
        finally:
            connection.close()

    def writing(self) -> bool:
        """Whether another connection is inside a transaction that has written something."""
        connection = self._connect()
        try:
            if self.sqlite_path:
                try:
                    connection.execute("BEGIN IMMEDIATE")  # one writer at a time in SQLite
                except sqlite3.OperationalError:
                    return True
                connection.execute("ROLLBACK")
                return False
            cursor = connection.cursor()
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL)"
            )
            return cursor.fetchone()[0]
        finally:
            connection.close()


def writing_for(probe: Probe, seconds: float, once=lambda elapsed, output, pid: True):
    """A ``ready`` for ``kill_when``: once ``once(...)`` has held, a write transaction has been
    open for ``seconds`` (the short ones that mark a job started or a step done are over by
    then; the import's one transaction is not)."""
    since: list[float] = []
    armed: list[bool] = []

    def ready(elapsed, output, pid):
        if not armed:
            if not once(elapsed, output, pid):
                return False
            armed.append(True)
        if not probe.writing():
            since.clear()
            return False
        since[:] = since or [elapsed]
        return elapsed - since[0] >= seconds

    return ready


def _children(pid: int) -> list[int]:
    return [child for child, fields in process_stats() if int(fields[1]) == pid]


def rendering_for(seconds: float, once=lambda elapsed, output, pid: True):
    """A ``ready`` for ``kill_when``: the command's render child process (``reports.pdf`` lays
    out every PDF in a forked child) has been at work for ``seconds``, so the kill lands in the
    middle of WeasyPrint, whatever the size of the plan and the speed of the machine."""
    since: list[float] = []

    def ready(elapsed, output, pid):
        if not since and _children(pid) and once(elapsed, output, pid):
            since.append(elapsed)
        return bool(since) and elapsed - since[0] >= seconds

    return ready


def manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True, **kwargs,
    )  # fmt: skip


def counts(env) -> dict:
    return json.loads(manage(env, "shell", "-c", COUNT_SCRIPT).stdout.strip().splitlines()[-1])


def kill_when(env, args, ready, print_line, give_up: float = 300) -> bool:
    """Start ``manage.py *args``; SIGKILL it once ``ready(elapsed, output_so_far, pid)`` (or after
    ``give_up`` seconds); True if it was still running when killed (so the kill was midway)."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    started = time.monotonic()
    while process.poll() is None and not ready(
        time.monotonic() - started, "".join(lines), process.pid
    ):
        if time.monotonic() - started > give_up:
            print_line(f"  gave up waiting after {give_up:.0f} s")
            break
        time.sleep(0.005)
    midway = process.poll() is None
    if midway:
        os.killpg(process.pid, signal.SIGKILL)  # the render's child process too
    process.wait()
    print_line(f"  killed after {time.monotonic() - started:.1f} s, still running: {midway}")
    return midway


def big_plan(rows: int) -> bytes:
    lines = [PLAN_HEADINGS]
    for n in range(rows):
        recommendation = n % 10 + 1
        lines.append([
            recommendation, f"R{recommendation}.{100 + n}", f"Synthetic action {n} (kill test)",
            "", "", "", "01/04/2025", "31/03/2027",
            f"First step {n} - 30/06/2025\nSecond step {n} - 31/12/2025", "", "", "",
        ])  # fmt: skip
    return xlsx_bytes(lines)


def run(print_line=print) -> dict:
    print_line("Kill midway: import and Cabinet report")
    scratch = Path(tempfile.mkdtemp(prefix="pct-kill-"))
    env = {
        **os.environ,
        # The app's own settings, with its database task queue: run from ``python -m bench``
        # this process has the test settings, whose tasks run at once when queued, so there
        # was never a worker to kill.
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": os.environ.get("KILL_DATABASE_URL", f"sqlite:///{scratch}/kill.sqlite3"),
    }
    for command in (["migrate", "--noinput"], ["load_sefton"], ["load_demo"]):
        manage(env, *command)
    plan = scratch / "big-plan.xlsx"
    plan.write_bytes(big_plan(1500))
    results = {}

    before = counts(env)
    probe = Probe(env["DATABASE_URL"])
    # The preview is printed just before the one transaction that applies the file begins.
    applying = writing_for(probe, 0.05, once=lambda elapsed, output, pid: bool(output))
    midway = kill_when(
        env, ["import_action_plan", str(plan), "--review", "2023-cpc"], applying,
        print_line,
    )  # fmt: skip
    after = counts(env)
    results["import"] = {"midway": midway, "unchanged": before == after}
    print_line(f"  import: rows before {before}, after {after}")

    before = counts(env)
    midway = kill_when(
        env,
        ["cabinet_report", "--period", "2026-27-Q2", "--review", "2023-cpc",
         "--meeting-date", "2026-12-03", "--output", str(scratch / "report.pdf")],
        rendering_for(0.3),
        print_line,
    )  # fmt: skip
    after = counts(env)
    results["report"] = {
        "midway": midway,
        "no_pdf_or_issue": after["reports_with_pdf"] == before["reports_with_pdf"]
        and after["issued_reports"] == before["issued_reports"],
        "no_output_file": not (scratch / "report.pdf").exists(),
    }
    print_line(f"  report: rows before {before}, after {after}")
    results["worker"] = worker_killed_midway(env, plan, print_line)
    print_line(f"  result: {json.dumps(results)}")
    failed = [f"{part}.{check}" for part, checks in results.items() for check, held in
              checks.items() if not held]  # fmt: skip
    if failed:  # make bench reports the module as failed, not a line of "false"s to spot
        raise KillMidwayFailed(", ".join(failed))
    print_line("  every check held")
    return results


class KillMidwayFailed(Exception):
    """A kill did not land midway, or left something behind."""


def job_states(env) -> dict:
    return json.loads(manage(env, "shell", "-c", JOBS_SCRIPT).stdout.strip().splitlines()[-1])


def worker_killed_midway(env, plan: Path, print_line) -> dict:
    """Kill the task worker during an import confirm, then during a PDF render; retry both."""
    print_line("Kill midway: the task worker, during an import confirm and a PDF render")
    env = {**env, "TASKS_BACKEND": "database"}
    before = counts(env)
    manage(env, "shell", "-c", ENQUEUE_SCRIPT.replace("PLAN_PATH", repr(str(plan))))
    queued = counts(env)  # the draft report exists now; nothing imported, no PDF
    import_job, report_job = sorted(job_states(env), key=int)
    worker = ["task_worker"]

    probe = Probe(env["DATABASE_URL"])

    def started(job_id):
        return lambda elapsed, output, pid: probe.job_status(job_id) == "running"

    # The import is killed inside its one transaction, the render while it is laying out pages.
    import_midway = kill_when(
        env, worker, writing_for(probe, 0.05, once=started(import_job)), print_line
    )
    after_import_kill = counts(env)
    report_midway = kill_when(env, worker, rendering_for(0.3, once=started(report_job)), print_line)
    after_report_kill = counts(env)
    time.sleep(2.5)  # longer than JOB_STALL_SECONDS below: both now read as stopped
    stall_env = {**env, "JOB_STALL_SECONDS": "2"}
    stalled = job_states(stall_env)
    print_line(f"  after both kills: jobs {stalled}, rows {after_report_kill}")

    manage(stall_env, "shell", "-c", RETRY_SCRIPT)
    manage(env, "task_worker", "--batch", timeout=600)
    finished = job_states(env)
    done = counts(env)
    print_line(f"  after Try again and one worker run: jobs {finished}, rows {done}")
    return {
        "import_midway": import_midway,
        "report_midway": report_midway,
        "nothing_partial": after_import_kill == queued and after_report_kill == queued,
        "both_read_as_stopped": all(stalled[j] == ["running", 1, True] for j in stalled),
        "both_finished_once_on_retry": all(finished[j] == ["succeeded", 2, False] for j in finished)
        and done["applied_batches"] == before["applied_batches"] + 1
        and done["actions"] == before["actions"] + 1500
        and done["reports_with_pdf"] == before["reports_with_pdf"] + 1,
    }


if __name__ == "__main__":
    try:
        run()
    except KillMidwayFailed as failure:
        sys.exit(f"Failed: {failure}")
