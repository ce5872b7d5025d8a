"""Fault check: an import or a Cabinet report killed midway leaves no partial data.

Builds a throwaway demo database (SQLite under /tmp, or a PostgreSQL server database named by
KILL_DATABASE_URL), starts ``import_action_plan`` on a 1,500-row plan and ``cabinet_report``,
SIGKILLs each while it is still working, and compares what is in the database before and after.

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


def manage(env, *args, **kwargs):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True, **kwargs,
    )  # fmt: skip


def counts(env) -> dict:
    return json.loads(manage(env, "shell", "-c", COUNT_SCRIPT).stdout.strip().splitlines()[-1])


def kill_when(env, args, ready, print_line) -> bool:
    """Start ``manage.py *args``; SIGKILL it once ``ready(elapsed, output_so_far)``; True if it
    was still running when killed (so the kill really was midway)."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    started = time.monotonic()
    while process.poll() is None and not ready(time.monotonic() - started, "".join(lines)):
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
    print_line(f"  result: {json.dumps(results)}")
    return results


if __name__ == "__main__":
    outcome = run()
    ok = all(all(part.values()) for part in outcome.values())
    sys.exit(0 if ok else 1)
