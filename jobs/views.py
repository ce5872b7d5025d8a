"""The progress page of a background job, its JSON status for the page's poller, and retry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView

from jobs.choices import JobStatus
from jobs.models import Job
from jobs.services import job_retry


def job_redirect(request, job: Job):
    """Where a view goes after asking for a job: straight to the result when it has already
    finished (the immediate backend, or a resubmitted form), else to the progress page."""
    if job.requested_by_id != request.user.pk and not job.is_finished:
        messages.info(
            request,
            f"This is already being done (job {job.pk}, asked for at "
            f"{timezone.localtime(job.created_at):%H:%M}): "
            "the result will show on this page when it finishes.",
        )
        return redirect(job.url)
    if job.status == JobStatus.SUCCEEDED:
        messages.success(request, job.message)
        return redirect(job.url)
    if job.status == JobStatus.FAILED:
        messages.error(request, job.message)
        return redirect(job.url)
    return redirect(job)


class JobMixin:
    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).select_related("requested_by")


class JobDetailView(JobMixin, DetailView):
    template_name = "jobs/job_detail.html"
    context_object_name = "job"


class JobStatusView(JobMixin, View):
    """What the progress page's script polls; the same sentence the page itself shows."""

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        return JsonResponse(
            {
                "status": job.status,
                "finished": job.is_finished,
                "stalled": job.is_stalled,
                "percent": job.percent,
                "text": job.status_text(),
            },
            headers={"Cache-Control": "no-store"},
        )


class JobRetryView(JobMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            job = job_retry(job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(job)
        return job_redirect(request, job)
