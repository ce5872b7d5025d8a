"""Update reminders as tasks: sent now or on a later day, by a worker (jobs/)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from actions.models import UpdateRound
from actions.services import update_reminders_send
from jobs.choices import JobKind
from jobs.models import Job
from jobs.services import job_enqueue, job_progress, job_run

SEND_AT = dt.time(9, 0)  # scheduled reminders arrive at the start of a working day


@task()
def update_reminders(*, job_id: int, attempt: int) -> str:
    return job_run(
        job_id=job_id,
        attempt=attempt,
        work=_send,
        expected=(ValidationError, UpdateRound.DoesNotExist),
        # Each email goes out on its own, so some may have been sent before it stopped.
        stopped_text="Sending stopped before the end: some reminders may have been sent. "
        "Check with the lead officers before trying again.",
    )


def _send(job: Job) -> str:
    update_round = UpdateRound.objects.select_related("council").get(pk=job.object_id)
    if not update_round.is_open:
        raise ValidationError("The round was closed, so no reminders were sent.")
    job_progress(job=job, step="Emailing lead officers", done=0)
    by_owner = update_reminders_send(
        update_round=update_round,
        base_url=job.arguments.get("base_url", ""),
        # Sent now by a person (the round's preview): the emails are theirs; scheduled ones
        # read as "Scheduled reminder".
        sent_by=job.requested_by if job.arguments.get("now") else None,
    )
    emailed = sum(1 for owner in by_owner if owner is not None and owner.email)
    outstanding = sum(len(actions) for actions in by_owner.values())
    return (
        f"Reminders sent to {emailed} lead officer{'s' if emailed != 1 else ''} about "
        f"{outstanding} outstanding action{'s' if outstanding != 1 else ''}."
    )


def update_reminders_schedule(
    *,
    update_round: UpdateRound,
    requested_by,
    on: dt.date | None = None,
    days_before: int | None = None,
    base_url: str = "",
    request_key: str = "",
) -> Job:
    """Send the round's reminders now, on a day, or some days before its deadline (at 09:00):
    the one way reminders are sent from the web, always by a worker, never in the request.

    A day can be scheduled once per round: asking again for the same day finds that job."""
    if days_before is not None:
        on = update_round.deadline - dt.timedelta(days=days_before)
    run_after = None
    if on is not None:
        run_after = timezone.make_aware(dt.datetime.combine(on, SEND_AT))
        if run_after <= timezone.now():
            raise ValidationError(
                f"{on:%-d %B %Y} at {SEND_AT:%H:%M} has passed: choose a later day, or send now."
            )
        request_key = f"on-{on:%Y-%m-%d}"
    return job_enqueue(
        task=update_reminders,
        kind=JobKind.REMINDERS_SEND,
        object_id=update_round.pk,
        requested_by=requested_by,
        url=update_round.get_absolute_url(),
        request_key=request_key,
        arguments={"base_url": base_url, "now": run_after is None},
        run_after=run_after,
    )
