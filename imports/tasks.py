"""Confirming an import as a task: the plain, all-or-nothing ``import_batch_apply`` run by a
worker, with its progress on the job's page (jobs/)."""

from django.contrib.auth import get_user_model
from django.template.defaultfilters import pluralize
from django_tasks import task

from imports.models import ImportBatch
from imports.services import ImportRefused, import_batch_apply
from jobs.models import Job
from jobs.services import job_progress, job_run


@task()
def import_batch_confirm(*, job_id: int, attempt: int) -> str:
    return job_run(
        job_id=job_id,
        attempt=attempt,
        work=_apply,
        expected=(ImportRefused, ImportBatch.DoesNotExist),
        stopped_text=(
            "The import stopped before finishing, so nothing was imported. Try again; if it "
            "fails again, tell the service desk the job number."
        ),
    )


def _apply(job: Job) -> str:
    batch = ImportBatch.objects.get(pk=job.object_id)
    rows = batch.summary.get("rows_read", 0)
    job_progress(job=job, step=f"Checking and importing {rows} row{pluralize(rows)}", done=0)
    user = get_user_model().objects.filter(pk=job.requested_by_id).first()
    batch = import_batch_apply(
        batch=batch, user=user, skip_conflicts=job.arguments.get("skip_conflicts", False)
    )
    return applied_message(batch)


def applied_message(batch: ImportBatch) -> str:
    summary = batch.summary
    done = [
        _count(summary["created"], "action", "created"),
        _count(summary["updated"], "action", "updated"),
        _count(summary["conflicts"], "conflicting row", "skipped"),
    ]
    return f"Imported {batch.filename}: {', '.join(d for d in done if d)}."


def _count(items: list, noun: str, verb: str) -> str:
    return f"{len(items)} {noun}{pluralize(len(items))} {verb}" if items else ""
