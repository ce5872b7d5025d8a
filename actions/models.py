import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from actions.choices import ActionStatus, Direction, UpdateSource
from reviews.models import Directorate, Portfolio, Recommendation, council_of

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
COMMENTARY_MAX_LENGTH = 4000


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in the council's time zone: 'as at 30 June' includes 30 June."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the actions of the person's own council."""
        if user.is_superuser:
            return self
        council = council_of(user)
        return self.filter(recommendation__review__council=council) if council else self.none()

    def with_status_at(self, day: dt.date, name: str = "status_at"):
        """Annotate each action with its status as at the end of ``day`` (None if no update yet)."""
        latest = ProgressUpdate.objects.filter(
            action=OuterRef("pk"), recorded_at__lte=end_of_day(day)
        ).order_by("-recorded_at", "-pk")
        return self.annotate(**{name: Subquery(latest.values("status")[:1])})

    def open(self):
        return self.exclude(status__in=[ActionStatus.COMPLETE, ActionStatus.CLOSED])

    def overdue(self, today: dt.date):
        return self.open().filter(target_date__lt=today)


class Action(models.Model):
    """An item of a council's action plan answering one recommendation.

    ``status`` and ``percent_complete`` always equal the latest progress update's; only
    ``actions.services.progress_update_create`` changes them, so the history explains them."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    reference = models.CharField(max_length=20, help_text="Such as R8.2.")
    description = models.TextField()
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contributed_actions"
    )
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="Cabinet portfolio",
    )
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=ActionStatus.choices,
        default=ActionStatus.NOT_STARTED,
        editable=False,
    )
    percent_complete = models.PositiveSmallIntegerField(
        default=0, validators=PERCENT_VALIDATORS, editable=False
    )
    expected_outcome = models.TextField("expected outcome / success measure", blank=True)
    is_sample = models.BooleanField(
        default=False, help_text="Illustrative data shipped with the demo, not a real plan."
    )
    grounded_in = models.TextField(
        blank=True, help_text="For sample actions: the commitment in the documents it is based on."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "reference"]
        verbose_name = "action"
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "reference"],
                name="%(app_label)s_%(class)s_unique_reference",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="%(app_label)s_%(class)s_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_target_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.description[:60]}"

    def get_absolute_url(self):
        return reverse("actions:action_detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.start_date and self.target_date and self.target_date < self.start_date:
            raise ValidationError(
                {"target_date": "The target date must be on or after the start date."}
            )

    @property
    def status_choice(self) -> ActionStatus:
        return ActionStatus(self.status)

    @property
    def rag(self):
        return self.status_choice.rag

    def is_overdue(self, today: dt.date) -> bool:
        return bool(
            self.target_date and self.target_date < today and not self.status_choice.is_done
        )

    def status_at(self, day: dt.date) -> str | None:
        """The status as at the end of ``day``: the latest update by then, or None before any."""
        update = (
            self.updates.filter(recorded_at__lte=end_of_day(day))
            .order_by("-recorded_at", "-pk")
            .first()
        )
        return update.status if update else None

    def direction_between(self, previous_day: dt.date, day: dt.date) -> Direction:
        previous = self.status_at(previous_day)
        if previous is None and self.start_date and self.start_date <= previous_day:
            previous = ActionStatus.NOT_STARTED
        current = self.status_at(day) or (ActionStatus.NOT_STARTED if previous else None)
        return Direction.between(previous, current)


class Milestone(models.Model):
    """A dated step of an action; it is complete once it has a completion date."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["action", "due_date", "pk"]
        verbose_name = "milestone"

    def __str__(self):
        return self.title

    @property
    def is_complete(self) -> bool:
        return self.completed_on is not None

    def is_overdue(self, today: dt.date) -> bool:
        return not self.is_complete and self.due_date < today

    @property
    def met_on_time(self) -> bool:
        return self.is_complete and self.completed_on <= self.due_date


class ProgressUpdate(models.Model):
    """A dated, never-edited entry in an action's history. Mistakes are put right by a later
    correcting entry (``corrects``), so what was reported stays on record."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(validators=PERCENT_VALIDATORS)
    commentary = models.TextField(blank=True, max_length=COMMENTARY_MAX_LENGTH)
    evidence_url = models.URLField("evidence link", blank=True, max_length=500)
    source = models.CharField(max_length=20, choices=UpdateSource.choices, default=UpdateSource.WEB)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The earlier entry this one puts right.",
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = "progress update"
        get_latest_by = "recorded_at"
        indexes = [
            models.Index(fields=["action", "recorded_at"], name="actions_update_action_time")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0) & Q(percent_complete__lte=100),
                name="%(app_label)s_%(class)s_percent_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference} {self.get_status_display()} at {self.recorded_at:%d %b %Y}"

    def clean(self):
        if (
            self.status
            and ActionStatus(self.status).needs_commentary
            and not self.commentary.strip()
        ):
            raise ValidationError(
                {"commentary": f"Say why the action is {ActionStatus(self.status).label.lower()}."}
            )

    @property
    def rag(self):
        return ActionStatus(self.status).rag
