"""End to end with real workers: a Cabinet report generated through the page by the database
worker (django-tasks-db) and by an RQ worker on the local Redis (django-tasks-rq)."""

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.choices import Role
from jobs.choices import JobStatus
from jobs.models import Job
from reports import services
from reports.models import CabinetReport
from reports.pdf import RenderedPdf
from tests.redis_service import redis_or_skip
from tests.reports_plan import Q2, make_plan

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.fixture(autouse=True)
def fake_render(monkeypatch):
    monkeypatch.setattr(
        services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%PDF-1.7 fake", 4)
    )


@pytest.fixture
def report(council, personas):
    review = make_plan(council, personas[Role.OFFICER])[0]
    return services.cabinet_report_create(
        council=council,
        quarter=Q2,
        reviews=[review],
        created_by=personas[Role.PERFORMANCE],
        meeting_date=Q2.end + dt.timedelta(days=45),
    )


def ask_for_the_pdf(client, report, performance) -> Job:
    client.force_login(performance)
    response = client.post(reverse("reports:cabinet_report_render", kwargs={"pk": report.pk}))
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()  # the request only queued it
    assert job.status == JobStatus.QUEUED
    assert "Waiting for a worker" in client.get(job.get_absolute_url()).content.decode()
    return job


def assert_done(client, job, report):
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert CabinetReport.objects.get(pk=report.pk).pdf_pages == 4
    page = client.get(job.get_absolute_url()).content.decode()
    assert "PDF draft generated: 4 pages" in page


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DB_TASKS)
def test_the_database_worker_generates_the_report(client, report, personas):
    job = ask_for_the_pdf(client, report, personas[Role.PERFORMANCE])

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert_done(client, job, report)


@pytest.fixture
def redis_queue():
    redis_or_skip(REDIS_URL)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": REDIS_URL}},
    ):
        import django_rq

        queue = django_rq.get_queue("default")
        queue.empty()
        yield queue
        queue.empty()


def test_an_rq_worker_on_redis_generates_the_report(client, report, personas, redis_queue):
    from django_tasks_rq import Job as TaskJob
    from rq import SimpleWorker

    job = ask_for_the_pdf(client, report, personas[Role.PERFORMANCE])
    assert redis_queue.count == 1

    # SimpleWorker runs the task in this process (no fork), so it sees the test database.
    worker = SimpleWorker([redis_queue], connection=redis_queue.connection, job_class=TaskJob)
    worker.work(burst=True)

    assert_done(client, job, report)


def test_the_task_worker_gives_way_to_pages(monkeypatch, settings):
    """A PDF render on the worker runs at a lower CPU priority than the web server, so people
    reading pages at quarter end are answered first."""
    from django.core.management import CommandError, call_command

    calls = []
    monkeypatch.setattr("os.nice", calls.append)
    settings.TASKS_BACKEND = "immediate"  # stops right after the priority is set
    with pytest.raises(CommandError):
        call_command("task_worker", "--batch")
    assert calls == [10]
    settings.TASK_WORKER_NICENESS = 0
    with pytest.raises(CommandError):
        call_command("task_worker", "--batch")
    assert calls == [10]
