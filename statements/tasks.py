"""The position statement's heavy steps as tasks: the plain services in statements/services.py,
run by a worker with their progress on the job's page (jobs/)."""

from django.core.exceptions import ValidationError
from django_tasks import task

from jobs.models import Job
from jobs.services import job_progress, job_run
from reports.pdf import RenderError
from statements import services
from statements.models import PositionStatement

REFUSALS = (ValidationError, RenderError, PositionStatement.DoesNotExist)


@task()
def statement_export(*, job_id: int, attempt: int) -> str:
    return job_run(job_id=job_id, attempt=attempt, work=_export, expected=REFUSALS)


@task()
def statement_issue(*, job_id: int, attempt: int) -> str:
    return job_run(job_id=job_id, attempt=attempt, work=_issue, expected=REFUSALS)


@task()
def evidence_pack_build(*, job_id: int, attempt: int) -> str:
    return job_run(job_id=job_id, attempt=attempt, work=_pack, expected=REFUSALS)


def _export(job: Job) -> str:
    statement = PositionStatement.objects.get(pk=job.object_id)
    job_progress(job=job, step="Generating the PDF and the Word file", done=0)
    statement = services.statement_export(statement=statement)
    return (
        f"Position statement exported: {statement.pdf_pages} pages. Download the PDF or the "
        "Word file to check it, then issue it."
    )


def _issue(job: Job) -> str:
    statement = PositionStatement.objects.get(pk=job.object_id)
    job_progress(job=job, step="Generating the final PDF and Word file", done=0)
    services.statement_issue(statement=statement, issued_by=job.requested_by)
    return "Position statement issued. Its PDF and Word file will not change."


def _pack(job: Job) -> str:
    statement = PositionStatement.objects.get(pk=job.object_id)

    def progress(done: int, total: int) -> None:
        job_progress(job=job, step=f"Added evidence file {done} of {total}", done=done)

    job_progress(job=job, step="Collecting the evidence files", done=0)
    statement = services.statement_evidence_pack_build(statement=statement, progress=progress)
    return f"Evidence pack built: {statement.evidence_pack_files} files and an index."
