"""Backup and restore, tested: pg_dump a populated database, restore it into a fresh one, and
check that the dashboard, overview, recommendations and actions pages show identical figures.

    python -m bench.backup_restore

Uses its own databases ``pct_backup_src`` and ``pct_backup_restored`` on 127.0.0.1:5432 (created,
then dropped). The commands it runs are the ones README's "Backup and restore" section gives.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.load import manage, pg_ready, pg_tool

SOURCE, RESTORED = "pct_backup_src", "pct_backup_restored"

# Run inside `manage.py shell`: the figures a Cabinet member sees, and the row count of every table.
FIGURES = """
import hashlib, json, re
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="cabinet"))
pages = {}
for url in ["/", "/reviews/", "/recommendations/", "/actions/"]:
    html = client.get(url, secure=True).content.decode()
    main = html.split('<main', 1)[-1].split('</main>', 1)[0]
    text = re.sub(r"\\s+", " ", re.sub(r"<[^>]+>", " ", main))
    pages[url] = {"numbers": re.findall(r"\\d+(?:\\.\\d+)?%?", text),
                  "sha256": hashlib.sha256(text.encode()).hexdigest()}
rows = {m._meta.label: m.objects.count() for m in apps.get_models()
        if m._meta.app_label in ("reviews", "actions", "accounts", "reports", "imports")}
print(json.dumps({"pages": pages, "rows": rows}))
"""


def figures(db_name: str) -> dict:
    out = manage(db_name, "shell", code=FIGURES)
    return json.loads(out.strip().splitlines()[-1])


def run(print_line=print) -> bool:
    print_line("Backup and restore (pg_dump -Fc, pg_restore into a fresh database)")
    if not pg_ready():
        print_line("  skipped: no PostgreSQL at 127.0.0.1:5432")
        return True
    for name in (SOURCE, RESTORED):
        pg_tool("dropdb", "--if-exists", name)
    try:
        pg_tool("createdb", SOURCE)
        manage(SOURCE, "migrate", "--noinput")
        manage(SOURCE, "load_sefton")
        manage(SOURCE, "load_demo", debug=True)
        before = figures(SOURCE)
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / "tracker.dump"
            pg_tool("pg_dump", "--format=custom", f"--file={dump}", SOURCE)
            pg_tool("createdb", RESTORED)
            pg_tool(
                "pg_restore", "--no-owner", "--exit-on-error", f"--dbname={RESTORED}", str(dump)
            )
            size = dump.stat().st_size
        after = figures(RESTORED)
    finally:
        for name in (SOURCE, RESTORED):
            pg_tool("dropdb", "--if-exists", name, check=False)
    rows = sum(before["rows"].values())
    numbers = sum(len(page["numbers"]) for page in before["pages"].values())
    same = before == after
    print_line(
        f"  dump {size / 1024:.0f} KiB; {rows} rows in {len(before['rows'])} tables; "
        f"{numbers} figures on {len(before['pages'])} pages"
    )
    print_line(
        f"  restored copy identical (row counts, every figure, page text): "
        f"{'yes' if same else 'NO'}"
    )
    if not same:
        for url, page in before["pages"].items():
            if page != after["pages"].get(url):
                print_line(f"  differs: {url}")
        for label, count in before["rows"].items():
            if after["rows"].get(label) != count:
                print_line(f"  differs: {label} {count} -> {after['rows'].get(label)}")
    return same


if __name__ == "__main__":
    sys.exit(0 if run(print) else 1)
