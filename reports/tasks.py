"""The Cabinet report's heavy steps as tasks: the plain services in reports/services.py, run by
a worker with their progress on the job's page (jobs/)."""

from django.core.exceptions import ValidationError
from django_tasks import task

from jobs.models import Job
from jobs.services import job_progress, job_run
from reports import services
from reports.models import CabinetReport
from reports.pdf import RenderError

REFUSALS = (ValidationError, RenderError, CabinetReport.DoesNotExist)


@task()
def cabinet_report_render(*, job_id: int, attempt: int) -> str:
    return job_run(job_id=job_id, attempt=attempt, work=_render, expected=REFUSALS)


@task()
def cabinet_report_issue(*, job_id: int, attempt: int) -> str:
    return job_run(job_id=job_id, attempt=attempt, work=_issue, expected=REFUSALS)


def _render(job: Job) -> str:
    report = CabinetReport.objects.get(pk=job.object_id)
    job_progress(job=job, step="Taking a snapshot of the plan and generating the PDF", done=0)
    report = services.cabinet_report_render_pdf(report=report)
    return f"PDF draft generated: {report.pdf_pages} pages. Download it to check it, then issue it."


def _issue(job: Job) -> str:
    report = CabinetReport.objects.get(pk=job.object_id)
    job_progress(job=job, step="Generating the final PDF", done=0)
    services.cabinet_report_issue(report=report, issued_by=job.requested_by)
    return "Report issued. It is now in the archive for everyone."
