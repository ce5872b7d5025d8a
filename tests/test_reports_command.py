"""``manage.py cabinet_report`` for the meeting pack."""

import pytest
from django.core.management import CommandError, call_command

from reports.models import CabinetReport
from reports.pdf import RenderedPdf
from tests.reports_plan import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plan(council, officer, personas, monkeypatch):
    from reports import services

    monkeypatch.setattr(
        services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%PDF-1.7 fake", 2)
    )
    return make_plan(council, officer)


def run(tmp_path, *extra):
    output = tmp_path / "report.pdf"
    call_command(
        "cabinet_report",
        "--period", "2024-25-Q2", "--review", "2023-cpc", "--output", str(output),
        "--meeting-date", "2024-11-14", "--user", "performance", *extra,
    )  # fmt: skip
    return output


def test_it_writes_a_draft_pdf(tmp_path):
    output = run(tmp_path)
    assert output.read_bytes() == b"%PDF-1.7 fake"
    report = CabinetReport.objects.get()
    assert report.status == "draft" and report.period.quarter_slug == "2024-25-Q2"


def test_it_issues_when_asked_and_will_not_reissue(tmp_path):
    run(tmp_path, "--issue")
    assert CabinetReport.objects.get().is_issued
    with pytest.raises(CommandError, match="already issued"):
        run(tmp_path)


def test_running_it_again_rerenders_the_same_draft(tmp_path):
    run(tmp_path)
    run(tmp_path)
    assert CabinetReport.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2024 Q9"], "not a financial quarter such as 2024-25-Q1"),
        (["--period", "2024-26-Q1"], "is not one financial year"),
        (["--review", "no-such-review"], "No review no-such-review. Known reviews: 2023-cpc"),
        (["--meeting-date", "14/11/2024"], "is not a date like"),
        (["--meeting-date", "2024-09-01"], "--meeting-date: The Cabinet meeting must be after"),
    ],
)
def test_bad_arguments_get_a_clear_message(tmp_path, args, message):
    base = {
        "--period": "2024-25-Q2",
        "--review": "2023-cpc",
        "--meeting-date": "2024-11-14",
        "--user": "performance",
        "--output": str(tmp_path / "report.pdf"),
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=message):
        call_command("cabinet_report", *[part for pair in base.items() for part in pair])
    assert not (tmp_path / "report.pdf").exists()
