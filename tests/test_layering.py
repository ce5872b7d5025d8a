"""The apps stand in floors: an app may import the floors below it and never one above, nor a
neighbour on its own floor. This keeps one rule in one place: a rule about actions cannot be
written again in reviews, because reviews cannot see actions."""

import ast
from pathlib import Path

from django.conf import settings

# Lowest first. The project's wiring (settings and the root URLconf) sees every app.
FLOORS = [
    {
        "tracker",
        "security",
        "jobs",
    },  # security: headers and sessions; jobs: the task queue's records
    {"reviews"},
    {"accounts"},
    {"actions"},
    {"charts"},  # draws the plan's statuses for the dashboard and the Cabinet report
    {"imports", "reports", "dashboard"},
    # the progress review's position statement (reuses the reports app's PDF) and the public
    # page (publishes issued reports' snapshots): both read reports, nothing reads them
    {"statements", "public"},
    {"demo"},
]
FLOOR_OF = {app: level for level, apps in enumerate(FLOORS) for app in apps}
WIRING = {Path("tracker/settings.py"), Path("tracker/test_settings.py"), Path("tracker/urls.py")}


def imported_apps(path: Path) -> set[str]:
    """The project's apps a module imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & FLOOR_OF.keys()
    return found


def crossings() -> list[str]:
    base = Path(settings.BASE_DIR)
    wrong = []
    for app, floor in FLOOR_OF.items():
        for path in sorted((base / app).rglob("*.py")):
            relative = path.relative_to(base)
            if relative in WIRING or "migrations" in relative.parts:
                continue
            for other in imported_apps(path) - {app}:
                if FLOOR_OF[other] >= floor:
                    wrong.append(f"{relative} imports {other}")
    return wrong


def test_it_has_every_app_on_a_floor():
    base = Path(settings.BASE_DIR)
    ours = {name for name in settings.INSTALLED_APPS if (base / name / "apps.py").exists()}
    assert ours | {"tracker"} == set(FLOOR_OF)


def test_it_never_lets_an_app_import_one_above_or_beside_it():
    assert crossings() == []


def test_it_would_see_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from dashboard.selectors import dashboard_for\n")
    assert imported_apps(module) == {"dashboard"}
