"""Heavy work leaves the request: generating a Cabinet report, confirming an import and
sending reminders run as tasks (the immediate backend here; tests/test_jobs_workers.py runs the
real database and RQ workers), with a progress page, a clear failure, a retry, and never two
runs for one request."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from actions.models import UpdateRound
from actions.services import update_round_open
from actions.tasks import update_reminders_schedule
from imports.choices import ImportKind, ImportStatus
from imports.models import ImportBatch
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import job_enqueue, job_retry, job_run
from reports import services, tasks
from reports.models import CabinetReport
from reports.pdf import RenderedPdf, RenderError
from tests.factories import typed_date
from tests.import_files import PLAN_HEADINGS, xlsx_bytes
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture
from tests.reports_plan import Q2, make_plan
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db
KEY = "0123456789abcdef0123456789abcdef"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def renders(monkeypatch):
    """Counts PDF renders; each returns a small fake PDF (the PDF is tested elsewhere)."""
    calls = []

    def render(html, timeout=None):
        calls.append(html)
        return RenderedPdf(b"%PDF-1.7 fake", 3)

    monkeypatch.setattr(services, "render_pdf", render)
    return calls


@pytest.fixture
def performance(personas):
    return personas[Role.PERFORMANCE]


@pytest.fixture
def report(council, officer, performance):
    review = make_plan(council, officer)[0]
    return services.cabinet_report_create(
        council=council,
        quarter=Q2,
        reviews=[review],
        created_by=performance,
        meeting_date=Q2.end + dt.timedelta(days=45),
    )


def render_url(report):
    return reverse("reports:cabinet_report_render", kwargs={"pk": report.pk})


def test_it_generates_the_pdf_as_a_task_and_shows_the_result(client, report, performance, renders):
    client.force_login(performance)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'name="request_key"' in page  # the form names its one request

    response = client.post(render_url(report), {"request_key": KEY}, follow=True)

    job = Job.objects.get()
    assert (job.kind, job.status, job.object_id) == (JobKind.REPORT_RENDER, "succeeded", report.pk)
    assert job.requested_by == performance and job.percent == 100
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "PDF draft generated: 3 pages" in response.content.decode()
    report.refresh_from_db()
    assert report.pdf_pages == 3 and len(renders) == 1


def test_it_never_renders_twice_for_one_request(client, report, performance, renders):
    client.force_login(performance)
    client.post(render_url(report), {"request_key": KEY})
    client.post(render_url(report), {"request_key": KEY})  # a double-click, a resubmitted form

    assert Job.objects.count() == 1
    assert len(renders) == 1


def test_it_does_not_start_a_second_run_while_one_is_waiting(client, report, performance, renders):
    with override_settings(TASKS=DUMMY):  # queued, never run: as if every worker were busy
        first = job_enqueue(
            task=tasks.cabinet_report_render,
            kind=JobKind.REPORT_RENDER,
            object_id=report.pk,
            requested_by=performance,
            url=report.get_absolute_url(),
        )
    assert first.status == JobStatus.QUEUED
    client.force_login(performance)

    response = client.post(render_url(report), {"request_key": KEY})

    assert Job.objects.count() == 1
    assert response.url == first.get_absolute_url()
    assert renders == []


def test_a_task_delivered_twice_runs_once(report, performance, renders):
    with override_settings(TASKS=DUMMY):
        job = job_enqueue(
            task=tasks.cabinet_report_render,
            kind=JobKind.REPORT_RENDER,
            object_id=report.pk,
            requested_by=performance,
            url=report.get_absolute_url(),
        )
    # A queue that hands the same task out twice (RQ after a lost acknowledgement, say).
    assert tasks.cabinet_report_render.call(job_id=job.pk, attempt=1) == "succeeded"
    assert tasks.cabinet_report_render.call(job_id=job.pk, attempt=1) == "skipped"
    assert len(renders) == 1


def test_a_render_that_fails_says_why_and_can_be_tried_again(
    client, report, performance, monkeypatch
):
    def fail(html, timeout=None):
        raise RenderError("The PDF took longer than 60 seconds to generate, so it was stopped.")

    monkeypatch.setattr(services, "render_pdf", fail)
    client.force_login(performance)

    response = client.post(render_url(report), {"request_key": KEY}, follow=True)

    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.can_be_retried
    assert "took longer than 60 seconds" in response.content.decode()
    report.refresh_from_db()
    assert not report.has_pdf

    monkeypatch.setattr(services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%P", 1))
    response = client.post(reverse("jobs:job_retry", kwargs={"pk": job.pk}), follow=True)

    job.refresh_from_db()
    assert (job.status, job.attempt) == (JobStatus.SUCCEEDED, 2)
    assert "PDF draft generated: 1 pages" in response.content.decode()


def test_an_unexpected_error_fails_the_job_plainly_and_saves_nothing(
    client, report, performance, monkeypatch
):
    def crash(html, timeout=None):
        raise MemoryError

    monkeypatch.setattr(services, "render_pdf", crash)
    client.force_login(performance)

    response = client.post(render_url(report), follow=True)

    assert response.status_code == 200
    assert "nothing it was doing was saved" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert not CabinetReport.objects.get(pk=report.pk).has_pdf


def test_a_job_whose_worker_died_reads_as_stopped_and_its_old_attempt_cannot_write(
    report, performance, renders
):
    with override_settings(TASKS=DUMMY):
        job = job_enqueue(
            task=tasks.cabinet_report_render,
            kind=JobKind.REPORT_RENDER,
            object_id=report.pk,
            requested_by=performance,
            url=report.get_absolute_url(),
        )
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    job.refresh_from_db()
    assert job.is_stalled and job.can_be_retried
    assert "stopped before finishing" in job.status_text()

    with override_settings(TASKS=DUMMY):
        job = job_retry(job=job)
    assert (job.status, job.attempt) == (JobStatus.QUEUED, 2)
    # The killed attempt's delivery, if it ever came back, does nothing.
    assert job_run(job_id=job.pk, attempt=1, work=lambda job: "old") == "skipped"
    assert tasks.cabinet_report_render.call(job_id=job.pk, attempt=2) == "succeeded"


def test_the_progress_page_is_accessible_and_needs_no_inline_script(
    client, report, performance, personas
):
    with override_settings(TASKS=DUMMY):
        job = job_enqueue(
            task=tasks.cabinet_report_render,
            kind=JobKind.REPORT_RENDER,
            object_id=report.pk,
            requested_by=performance,
            url=report.get_absolute_url(),
            steps_total=2,
        )
    Job.objects.filter(pk=job.pk).update(
        status="running", steps_done=1, step="Generating the PDF", heartbeat_at=timezone.now()
    )
    client.force_login(performance)

    page = client.get(job.get_absolute_url()).content.decode()

    assert '<progress id="job-progress"' in page and 'value="50"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "Generating the PDF: step 2 of 2." in page
    assert 'src="/static/js/job-progress.js"' in page
    assert "<script>" not in page and '<script type="module">' not in page
    status = client.get(reverse("jobs:job_status", kwargs={"pk": job.pk})).json()
    assert status == {
        "status": "running",
        "finished": False,
        "stalled": False,
        "percent": 50,
        "text": "Generating the PDF: step 2 of 2.",
    }
    client.force_login(personas[Role.CABINET])
    assert client.get(job.get_absolute_url()).status_code == 404


def test_confirming_an_import_runs_as_a_task(client, plan_setup):
    client.force_login(plan_setup.performance)
    rows = [
        PLAN_HEADINGS,
        [1, "R1.1", "Appoint an OD lead", "Casey Bennett", "", "", "01/04/2024", "31/03/2028",
         "Lead in post – 30/09/2024", "Green", "20", "Advert out."],
    ]  # fmt: skip
    client.post(
        reverse("imports:importbatch_create"),
        {
            "kind": ImportKind.ACTION_PLAN,
            "review": plan_setup.review.pk,
            "file": SimpleUploadedFile("plan.xlsx", xlsx_bytes(rows)),
        },
    )
    batch = ImportBatch.objects.get()
    confirm = reverse("imports:importbatch_confirm", kwargs={"pk": batch.pk})
    assert 'name="request_key"' in client.get(confirm).content.decode()
    apply = reverse("imports:importbatch_apply", kwargs={"pk": batch.pk})

    response = client.post(apply, {"request_key": KEY}, follow=True)
    client.post(apply, {"request_key": KEY})

    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert Job.objects.get().kind == JobKind.IMPORT_APPLY
    assert "Imported plan.xlsx: 1 action created." in response.content.decode()


@pytest.fixture
def update_round(council, performance, officer):
    officer.email = "officer@example.org"
    officer.save()
    make_plan(council, officer)
    return update_round_open(
        council=council,
        quarter=FinancialQuarter.containing(timezone.localdate()),  # nobody has updated yet
        deadline=timezone.localdate() + dt.timedelta(days=14),
        opened_by=performance,
    )


def test_it_sends_reminders_now_as_a_task(client, update_round, performance):
    client.force_login(performance)
    remind = reverse("actions:round_remind", kwargs={"pk": update_round.pk})

    response = client.post(remind, {"when": "now", "request_key": KEY}, follow=True)
    client.post(remind, {"when": "now", "request_key": KEY})

    assert len(mail.outbox) == 1  # one lead officer, emailed once
    assert "Reminders sent to 1 lead officer" in response.content.decode()


def test_send_on_the_reminders_preview_queues_the_same_job_and_sends_nothing_in_the_request(
    client, update_round, performance
):
    client.force_login(performance)
    preview = reverse("actions:round_reminders", kwargs={"pk": update_round.pk})
    assert 'name="request_key"' in client.get(preview).content.decode()

    with override_settings(TASKS=DUMMY):  # queued, not yet run by a worker
        response = client.post(preview, {"request_key": KEY})
        client.post(preview, {"request_key": KEY})  # a double click: the same job

    job = Job.objects.get()
    assert (job.kind, job.status, job.requested_by) == (
        JobKind.REMINDERS_SEND, JobStatus.QUEUED, performance,
    )  # fmt: skip
    assert job.run_after is None and job.arguments["now"] is True
    assert response.url == job.get_absolute_url(), "the person watches its progress"
    assert mail.outbox == [] and not update_round.reminders.exists()

    # The worker sends them, as the person who pressed Send.
    from actions.tasks import update_reminders

    assert update_reminders.call(job_id=job.pk, attempt=1) == "succeeded"
    assert len(mail.outbox) == 1
    assert update_round.reminders.get().sent_by == performance
    job.refresh_from_db()
    assert "Reminders sent to 1 lead officer" in job.message


def test_it_schedules_reminders_on_a_day_or_days_before_the_deadline(
    client, update_round, performance
):
    client.force_login(performance)
    remind = reverse("actions:round_remind", kwargs={"pk": update_round.pk})
    day = timezone.localdate() + dt.timedelta(days=3)

    with override_settings(TASKS=DUMMY):
        client.post(remind, {"when": "later", **typed_date("on", day)})
        client.post(remind, {"when": "later", **typed_date("on", day)})  # the same day again
        client.post(remind, {"when": "later", "days_before": "2"})

    jobs = list(Job.objects.order_by("run_after"))
    when = [timezone.localtime(job.run_after) for job in jobs]
    assert [(w.date(), w.hour) for w in when] == [
        (day, 9),
        (update_round.deadline - dt.timedelta(days=2), 9),
    ]
    assert all(job.status == JobStatus.QUEUED for job in jobs) and mail.outbox == []
    page = client.get(update_round.get_absolute_url()).content.decode()
    assert f"Reminders scheduled for {when[0]:%-d %B %Y}" in page


def test_it_refuses_a_reminder_day_that_has_passed(client, update_round, performance):
    client.force_login(performance)
    remind = reverse("actions:round_remind", kwargs={"pk": update_round.pk})
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client.post(remind, {"when": "later", **typed_date("on", yesterday)})

    assert response.status_code == 200
    assert "has passed: choose a later day, or send now" in response.content.decode()
    assert not Job.objects.exists()


def test_a_scheduled_reminder_for_a_closed_round_sends_nothing(update_round, performance):
    with override_settings(TASKS=DUMMY):
        job = update_reminders_schedule(
            update_round=update_round, requested_by=performance, days_before=1
        )
    UpdateRound.objects.filter(pk=update_round.pk).update(closed_at=timezone.now())

    from actions.tasks import update_reminders

    assert update_reminders.call(job_id=job.pk, attempt=1) == "refused"
    job.refresh_from_db()
    assert job.message == "The round was closed, so no reminders were sent."
    assert mail.outbox == []


def test_a_queue_that_cannot_be_reached_fails_the_job_with_a_plain_message(
    client, report, performance, renders
):
    unreachable = {"default": {"URL": "redis://127.0.0.1:9/0"}}  # nothing listens on port 9
    rq = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    client.force_login(performance)

    with override_settings(TASKS=rq, RQ_QUEUES=unreachable):
        response = client.post(render_url(report), {"request_key": KEY}, follow=True)

    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.can_be_retried
    assert "could not be queued, so nothing was done" in response.content.decode()
    assert renders == []
