"""The database worker outlives a database restart: it reconnects instead of exiting, and a
job it was running when the connection dropped is run again as a new attempt, not left
"running" for ever. The dropped connection is simulated with Django's execute_wrapper: every
query fails until the worker drops its connections and connects again."""

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

from accounts.choices import Role
from jobs import worker as worker_module
from jobs.choices import JobStatus
from jobs.worker import ResilientWorker
from reports import services
from reports.pdf import RenderedPdf
from tests.reports_plan import Q2, make_plan
from tests.test_jobs_workers import DB_TASKS, ask_for_the_pdf, assert_done

pytestmark = pytest.mark.django_db(transaction=True)


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


class Outage:
    """PostgreSQL restarting: while ``down``, every query fails as a dropped connection does;
    the worker's next reconnect finds it back."""

    def __init__(self, monkeypatch):
        self.down = False
        self.reconnects = 0
        close_all = worker_module.connections.close_all

        def reconnect():
            close_all()
            self.reconnects += 1
            self.down = False

        monkeypatch.setattr(worker_module.connections, "close_all", reconnect)

    def __call__(self, execute, sql, params, many, context):
        if self.down:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def a_worker() -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="worker-1", excluded_queue_names=[],
    )  # fmt: skip


@override_settings(TASKS=DB_TASKS)
def test_the_worker_reconnects_when_the_database_drops_between_tasks(
    client, report, personas, monkeypatch
):
    job = ask_for_the_pdf(client, report, personas[Role.PERFORMANCE])
    monkeypatch.setattr(
        services, "render_pdf", lambda html, timeout=None: RenderedPdf(b"%PDF-1.7 fake", 4)
    )
    outage = Outage(monkeypatch)
    outage.down = True  # the first poll finds the database gone
    with connection.execute_wrapper(outage):
        a_worker().run()
    assert outage.reconnects >= 1
    assert_done(client, job, report)


@override_settings(TASKS=DB_TASKS)
def test_a_job_whose_worker_lost_the_database_midway_runs_again_and_saves_once(
    client, report, personas, monkeypatch
):
    job = ask_for_the_pdf(client, report, personas[Role.PERFORMANCE])
    outage = Outage(monkeypatch)
    renders = []

    def render(html, timeout=None):
        renders.append(1)
        if len(renders) == 1:  # PostgreSQL restarts while the first attempt renders
            outage.down = True
            raise OperationalError("terminating connection due to administrator command")
        return RenderedPdf(b"%PDF-1.7 fake", 4)

    monkeypatch.setattr(services, "render_pdf", render)
    with connection.execute_wrapper(outage):
        a_worker().run()
    assert_done(client, job, report)
    job.refresh_from_db()
    assert (job.attempt, job.status, len(renders)) == (2, JobStatus.SUCCEEDED, 2)
