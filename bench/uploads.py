"""Hostile uploads: how long a worker spends on them before refusing, and how much its memory
grows. Each file is read in a fresh child process (so one case's memory cannot hide another's);
the child resets its peak RSS (``/proc/self/clear_refs``) just before reading and reports
VmHWM minus the RSS it started from.

    python -m bench.uploads                 # this checkout's reader
    python -m bench.uploads --before REV    # and, side by side, imports/parsing.py as at REV
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "XLSX declaring A1:BH150000 (2 rows of cells)": "declared_dimension_xlsx()",
    "5 MB CSV of 85,000 empty 60-column rows": "empty_rows_csv()",
    "CSV with a NUL byte near its end (300 rows)": "nul_csv()",
}

_CHILD = r"""
import importlib.util, json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.test_settings")
sys.path.insert(0, os.getcwd())
import django
django.setup()
from tests.test_upload_bounds import declared_dimension_xlsx, empty_rows_csv
from tests.import_files import PLAN_HEADINGS, csv_bytes

def nul_csv():
    content = csv_bytes([PLAN_HEADINGS, *[["1", f"R1.{n}", "An action"] for n in range(300)]])
    return content[:-20] + b"\x00" + content[-20:]

source = os.environ.get("UPLOAD_PARSER_SOURCE")
if source:
    spec = importlib.util.spec_from_loader("parsing_before", loader=None)
    parsing = importlib.util.module_from_spec(spec)
    sys.modules["parsing_before"] = parsing  # dataclasses look their module up there
    exec(compile(open(source).read(), source, "exec"), parsing.__dict__)
else:
    from imports import parsing

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

content = eval(sys.argv[1])
rss_before = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
started = time.perf_counter()
try:
    parsing.read_sheet(content, "plan.xlsx" if content[:2] == b"PK" else "plan.csv")
    outcome = "accepted"
except parsing.SpreadsheetError as exc:
    outcome = "refused: " + str(exc)
seconds = time.perf_counter() - started
print(json.dumps({"bytes": len(content), "seconds": seconds, "outcome": outcome,
                  "growth": status("VmHWM:") - rss_before}))
"""


def _measure(expression: str, parser_source: str | None) -> dict:
    env = {**os.environ}
    if parser_source:
        env["UPLOAD_PARSER_SOURCE"] = parser_source
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _CHILD, expression],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _line(label: str, figures: dict) -> str:
    outcome = figures["outcome"]
    return (
        f"  {label:<10} {figures['seconds']:7.2f} s  RSS +{figures['growth'] / 2**20:7.1f} MiB"
        f"  {figures['bytes']:>9,} bytes  {outcome[:70]}{'…' if len(outcome) > 70 else ''}"
    )


def run(print_line, before: str | None = None) -> None:
    print_line("Hostile uploads: time to refusal and worker memory growth (fresh process each)")
    parser_source = None
    if before:
        parser_source = f"/tmp/pct-parsing-{before}.py"  # noqa: S108 - a scratch copy
        Path(parser_source).write_text(
            subprocess.run(  # noqa: S603 - git, with a revision we were given
                ["git", "show", f"{before}:imports/parsing.py"],  # noqa: S607
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    for title, expression in CASES.items():
        print_line(title)
        if parser_source:
            print_line(_line(f"at {before[:7]}", _measure(expression, parser_source)))
        print_line(_line("now", _measure(expression, None)))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    run(
        lambda text="": print(text, flush=True),
        before=arguments[1] if arguments[:1] == ["--before"] else None,
    )
