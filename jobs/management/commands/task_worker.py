import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string


def yield_to_pages() -> None:
    """Heavy work (PDF renders, imports) gives way to the web server on a shared machine: the
    worker and the render processes it forks run at a lower CPU priority."""
    if settings.TASK_WORKER_NICENESS > 0 and hasattr(os, "nice"):
        os.nice(settings.TASK_WORKER_NICENESS)


class Command(BaseCommand):
    help = (
        "Run a worker for the configured TASKS_BACKEND: the database queue (db_worker, made to "
        "reconnect after a database restart: jobs/worker.py) or RQ on Redis (rqworker). Run one "
        "or more per host; each takes one task at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks waiting now, then stop."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args, batch, interval, **options):
        yield_to_pages()
        backend = settings.TASKS_BACKEND
        if backend == "database":
            from jobs.worker import ResilientWorker

            worker = ResilientWorker(
                queue_names=settings.TASKS["default"]["QUEUES"],
                interval=interval,
                batch=batch,
                backend_name="default",
                startup_delay=not batch,
                max_tasks=None,
                worker_id=get_random_string(32),
                excluded_queue_names=[],
            )
            worker.configure_signals()
            worker.run()
        elif backend == "rq":
            # RQ's own scheduler moves scheduled reminders onto the queue when they are due.
            call_command(
                "rqworker",
                *settings.TASKS["default"]["QUEUES"],
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=batch,
            )
        else:
            raise CommandError("TASKS_BACKEND=immediate runs tasks in the request: no worker.")
