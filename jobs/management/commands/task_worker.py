from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run a worker for the configured TASKS_BACKEND: the database queue (db_worker) or RQ "
        "on Redis (rqworker). Run one or more per host; each takes one task at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks waiting now, then stop."
        )

    def handle(self, *args, batch, **options):
        backend = settings.TASKS_BACKEND
        if backend == "database":
            call_command("db_worker", *(["--batch"] if batch else []))
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
