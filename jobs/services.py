"""Writes of background jobs: asking for one, the worker's progress and outcome, retrying.

Every task in the project goes through ``job_enqueue`` (in the request) and ``job_run`` (in the
worker), so the rules live here once: one request starts one job; a delivery the job did not
expect (the same task handed out twice, an attempt that was retried since) does nothing; and the
work itself is the app's own plain service function, whose transaction decides what is saved."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.choices import ACTIVE_STATUSES, JobKind, JobStatus
from jobs.models import Job

logger = logging.getLogger(__name__)

STOPPED_TEXT = (
    "It stopped before finishing, so nothing it was doing was saved. Try again; if it fails "
    "again, tell the service desk the job number."
)
_KEY = re.compile(r"^[\w-]{1,64}$")


def job_enqueue(
    *,
    task,
    kind: JobKind,
    object_id: int,
    requested_by,
    url: str,
    request_key: str = "",
    arguments: dict | None = None,
    steps_total: int = 1,
    run_after=None,
) -> Job:
    """Ask a worker to run ``task`` for one object, or find the job this request already started.

    Returns the job of the same request (same ``request_key``) if there is one, else the
    unscheduled job already waiting or running for the object, else a new job. Call it outside
    a transaction: the task is handed to the backend straight after the row is saved, and a
    worker on another host must be able to see the row."""
    request_key = request_key if _KEY.match(request_key or "") else uuid.uuid4().hex
    key = f"{kind}:{object_id}:{request_key}"
    existing = _same_request_or_running(
        key=key, kind=kind, object_id=object_id, run_after=run_after
    )
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                object_id=object_id,
                key=key,
                requested_by=requested_by,
                task_name=task.module_path,
                arguments=arguments or {},
                url=url,
                steps_total=steps_total,
                run_after=run_after,
            )
    except IntegrityError:
        # Another request inserted between the look-up and ours: theirs is the job.
        existing = _same_request_or_running(
            key=key, kind=kind, object_id=object_id, run_after=run_after
        )
        if existing is None:
            raise
        return existing
    _dispatch(job, task)
    return job


def _same_request_or_running(*, key: str, kind: str, object_id: int, run_after) -> Job | None:
    same = Q(key=key)
    if run_after is None:
        same |= Q(
            kind=kind, object_id=object_id, run_after__isnull=True, status__in=ACTIVE_STATUSES
        )
    return Job.objects.filter(same).order_by("-created_at").first()


def _dispatch(job: Job, task) -> None:
    """Hand the job to the task backend; with the immediate backend it has run on return."""
    if job.run_after:
        task = task.using(run_after=job.run_after)
    try:
        result = task.enqueue(job_id=job.pk, attempt=job.attempt)
    except Exception:
        logger.exception("Job %s could not be queued", job.pk)
        Job.objects.filter(pk=job.pk, attempt=job.attempt, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            message="It could not be queued, so nothing was done. Try again in a minute.",
            finished_at=timezone.now(),
        )
    else:
        Job.objects.filter(pk=job.pk, attempt=job.attempt).update(task_id=str(result.id)[:64])
    job.refresh_from_db()


def job_retry(*, job: Job) -> Job:
    """Run a failed or stalled job again, as a new attempt: the old attempt can no longer write."""
    job.refresh_from_db()
    if not job.can_be_retried:
        raise ValidationError("Only a job that failed or stopped can be tried again.")
    try:
        with transaction.atomic():
            retried = (
                Job.objects.filter(pk=job.pk, attempt=job.attempt)
                .filter(status__in=[JobStatus.FAILED, JobStatus.RUNNING])
                .update(
                    status=JobStatus.QUEUED,
                    attempt=F("attempt") + 1,
                    task_id="",
                    step="",
                    steps_done=0,
                    message="",
                    run_after=None,
                    started_at=None,
                    heartbeat_at=None,
                    finished_at=None,
                )
            )
    except IntegrityError:
        raise ValidationError("It is already being done again: wait for that to finish.") from None
    job.refresh_from_db()
    if retried:
        _dispatch(job, import_string(job.task_name))
    return job


RETRIES_AFTER_WORKER_LOST = 2


def jobs_worker_lost(*, task_ids: list[str]) -> list[Job]:
    """The worker running these tasks lost its database mid-task: their jobs' attempts saved
    nothing (the work is one transaction, rolled back with the connection), so each is marked
    stopped and run again as a new attempt, up to RETRIES_AFTER_WORKER_LOST times; after that
    it stays failed with the usual "Try again"."""
    retried = []
    for job in Job.objects.filter(task_id__in=task_ids, status=JobStatus.RUNNING):
        stopped = Job.objects.filter(
            pk=job.pk, attempt=job.attempt, status=JobStatus.RUNNING
        ).update(status=JobStatus.FAILED, message=STOPPED_TEXT, finished_at=timezone.now())
        if stopped and job.attempt <= RETRIES_AFTER_WORKER_LOST:
            logger.warning("Job %s lost its worker's database: trying again", job.pk)
            retried.append(job_retry(job=job))
    return retried


def job_progress(*, job: Job, step: str, done: int) -> None:
    """Record which step the worker is on, in its own short write (outside the work's
    transaction), so the progress page can show it while the work runs."""
    job.step, job.steps_done = step[:200], min(done, job.steps_total)
    Job.objects.filter(pk=job.pk, attempt=job.attempt, status=JobStatus.RUNNING).update(
        step=job.step, steps_done=job.steps_done, heartbeat_at=timezone.now()
    )


def job_run(
    *,
    job_id: int,
    attempt: int,
    work: Callable[[Job], str],
    expected: tuple[type[Exception], ...] = (),
    stopped_text: str = STOPPED_TEXT,
) -> str:
    """Run one attempt of a job in the worker: claim it, call ``work(job)``, record the outcome.

    ``work`` returns the sentence shown when it succeeds. An ``expected`` exception (a refusal
    the person can act on) fails the job with its own message; anything else fails it with
    ``stopped_text`` and is raised again so the backend records the traceback. Returns what
    happened, for the backend's own record."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, attempt=attempt, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        # Delivered twice, or retried since as a newer attempt: this delivery does nothing.
        return "skipped"
    job = Job.objects.get(pk=job_id)
    with _heartbeat(job):
        try:
            message = work(job)
        except expected as refused:
            _finish(job, JobStatus.FAILED, " ".join(getattr(refused, "messages", [str(refused)])))
            return "refused"
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job, JobStatus.FAILED, stopped_text)
            raise
    _finish(job, JobStatus.SUCCEEDED, message)
    return "succeeded"


def _finish(job: Job, status: JobStatus, message: str) -> None:
    Job.objects.filter(pk=job.pk, attempt=job.attempt, status=JobStatus.RUNNING).update(
        status=status,
        message=message,
        finished_at=timezone.now(),
        steps_done=job.steps_total if status == JobStatus.SUCCEEDED else F("steps_done"),
    )


@contextmanager
def _heartbeat(job: Job) -> Iterator[None]:
    """While the work runs, say every JOB_HEARTBEAT_SECONDS that this worker is alive (from a
    thread with its own database connection, so a long transaction does not hide it). A job
    not heard from for JOB_STALL_SECONDS reads as stopped and may be retried."""
    interval = settings.JOB_HEARTBEAT_SECONDS
    if not interval:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                # SQLite may be locked by the work's own transaction: try at the next beat.
                with suppress(DatabaseError):
                    Job.objects.filter(
                        pk=job.pk, attempt=job.attempt, status=JobStatus.RUNNING
                    ).update(heartbeat_at=timezone.now())
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
