"""The database queue's worker, made to outlive its database.

django-tasks-db's ``db_worker`` exits on the first error talking to the database: a PostgreSQL
restart (a minor upgrade, a failover) stops every worker, and the task it was running stays
"running" for ever. ``ResilientWorker`` instead drops its connections, waits for the database
(backing off up to ``MAX_WAIT`` seconds between tries) and carries on; once it is back, the
tasks it had claimed and could not finish are marked failed, and their jobs run again as a new
attempt (``jobs.services.jobs_worker_lost``): the work is all-or-nothing, so the lost attempt
saved nothing and the new one is not a second run of anything."""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from jobs.services import jobs_worker_lost

logger = logging.getLogger(__name__)

MAX_WAIT = 10.0
LOST = (OperationalError, InterfaceError)


class WorkerLostDatabase(Exception):
    """What the task's result records: its worker lost the database while running it."""


class ResilientWorker(Worker):
    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except LOST as exc:
                logger.warning("Task worker %s lost the database: %s", self.worker_id, exc)
                self.running_task = False
                self._reconnect()

    def _reconnect(self) -> None:
        wait = 0.5
        while self.running:
            connections.close_all()
            try:
                self.recover()
            except DatabaseError as exc:
                logger.info("Database not back yet (%s); trying again in %.1f s", exc, wait)
                time.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)
                continue
            logger.warning("Task worker %s reconnected to the database", self.worker_id)
            return

    def recover(self) -> int:
        """Fail this worker's claimed, unfinished tasks and run their jobs again; how many."""
        running = DBTaskResult.objects.filter(
            status="RUNNING", backend_name=self.backend_name
        ).only("pk", "worker_ids", "status")
        lost = [result for result in running if self.worker_id in (result.worker_ids or [])]
        for result in lost:
            result.set_failed(WorkerLostDatabase(f"worker {self.worker_id} lost the database"))
        jobs_worker_lost(task_ids=[str(result.pk) for result in lost])
        return len(lost)
