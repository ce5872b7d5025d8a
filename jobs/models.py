import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from jobs.choices import ACTIVE_STATUSES, FINISHED_STATUSES, JobKind, JobStatus


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is shown to the person who asked for it (and to superusers)."""
        if user.is_superuser:
            return self
        return self.filter(requested_by=user)

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)


class Job(models.Model):
    """One piece of heavy work somebody asked for, run by a task worker outside the request.

    The task backend (database or RQ) only carries ``(job id, attempt)``; this row is the record
    people see: what was asked, how far it got, and how it ended. ``key`` makes one request one
    job (a double-click or a resubmitted form finds the job it already started), and at most one
    unscheduled job per kind and object may be waiting or running at a time."""

    kind = models.CharField(max_length=30, choices=JobKind.choices)
    object_id = models.PositiveBigIntegerField(help_text="The report, import or round it works on.")
    key = models.CharField(max_length=200, unique=True, help_text="One request, one job.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="jobs"
    )
    task_name = models.CharField(max_length=200, help_text="The task's dotted path, to retry it.")
    arguments = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, help_text="The page the result belongs on.")
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempt = models.PositiveSmallIntegerField(default=1)
    task_id = models.CharField(max_length=64, blank=True, help_text="The task backend's own id.")
    step = models.CharField(max_length=200, blank=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=1)
    message = models.TextField(blank=True)
    run_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "background job"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(status__in=ACTIVE_STATUSES) & Q(run_after__isnull=True),
                name="%(app_label)s_%(class)s_one_active_per_object",
            ),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(steps_done__lte=models.F("steps_total")),
                name="%(app_label)s_%(class)s_steps_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (job {self.pk})"

    def get_absolute_url(self):
        return reverse("jobs:job_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker has not been heard from: it was killed or lost its host."""
        if self.status != JobStatus.RUNNING:
            return False
        last_seen = self.heartbeat_at or self.started_at or self.created_at
        return timezone.now() - last_seen > dt.timedelta(seconds=settings.JOB_STALL_SECONDS)

    @property
    def can_be_retried(self) -> bool:
        return self.status == JobStatus.FAILED or self.is_stalled

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    def status_text(self) -> str:
        """The one sentence the progress region announces."""
        if self.status == JobStatus.QUEUED:
            if self.run_after and self.run_after > timezone.now():
                when = timezone.localtime(self.run_after)
                return f"Scheduled for {when:%-d %B %Y at %H:%M}."
            return "Waiting for a worker to start it."
        if self.is_stalled:
            return "It stopped before finishing and nothing it was doing was saved. Try again."
        if self.status == JobStatus.RUNNING:
            return f"{self.step or 'Working'}: step {self.steps_done + 1} of {self.steps_total}."
        return self.message
