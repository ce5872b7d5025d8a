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
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True, **kwargs,
    )  # fmt: skip


def counts(env) -> dict:
    return json.loads(manage(env, "shell", "-c", COUNT_SCRIPT).stdout.strip().splitlines()[-1])


def kill_when(env, args, ready, print_line, give_up: float = 300) -> bool:
    """Start ``manage.py *args``; SIGKILL it once ``ready(elapsed, output_so_far)`` (or after
    ``give_up`` seconds); True if it was still running when killed (so the kill was midway)."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    started = time.monotonic()
    while process.poll() is None and not ready(time.monotonic() - started, "".join(lines)):
        if time.monotonic() - started > give_up:
            print_line(f"  gave up waiting after {give_up:.0f} s")
            break
        time.sleep(0.05)
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
    preview_seen_at = []

    def applying_for_a_while(elapsed, output):
        # The preview is printed just before the one transaction that applies the file begins.
        if output and not preview_seen_at:
            preview_seen_at.append(elapsed)
        return bool(preview_seen_at) and elapsed - preview_seen_at[0] > 3

    midway = kill_when(
        env, ["import_action_plan", str(plan), "--review", "2023-cpc"], applying_for_a_while,
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
        lambda elapsed, output: elapsed > 2.5,
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
    return results


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

    def running_for(job_id, seconds):
        since = []

        def ready(elapsed, output):
            # Once the worker says it started a task, ask the database which job it took.
            if not since and "state=RUNNING" in output and job_states(env)[job_id][0] == "running":
                since.append(elapsed)
            return bool(since) and elapsed - since[0] > seconds

        return ready

    import_midway = kill_when(env, worker, running_for(import_job, 3), print_line)
    after_import_kill = counts(env)
    report_midway = kill_when(env, worker, running_for(report_job, 2.5), print_line)
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
    outcome = run()
    ok = all(all(part.values()) for part in outcome.values())
    sys.exit(0 if ok else 1)
