import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Sign
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.choices import Role
from accounts.roles import directorate_of, has_role, is_performance_team
from actions.choices import ActionStatus, Approval, Direction, TaskState, UpdateSource
from reviews.models import Council, Directorate, Portfolio, Recommendation, council_of
from tracker.quarters import FinancialQuarter, previous_quarter_end
from tracker.versioning import VersionedQuerySet

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
COMMENTARY_MAX_LENGTH = 4000


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in the council's time zone: 'as at 30 June' includes 30 June."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def start_of_day(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the council's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _latest_counted_update(day: dt.date):
    """The latest update that counts, recorded by the end of ``day``, of the outer action."""
    return (
        ProgressUpdate.objects.counted()
        .filter(action=OuterRef("pk"), recorded_at__lte=end_of_day(day))
        .order_by("-recorded_at", "-pk")
    )


def _status_on(day: dt.date):
    """An action's status at the end of ``day``: its latest counted update's, or Not started
    for an action begun (or undated) without one; None (not yet part of the plan) before its
    start date. The one rule every page, export and report reads."""
    begun = Q(start_date__isnull=True) | Q(start_date__lte=day)
    return Coalesce(
        Subquery(_latest_counted_update(day).values("status")[:1]),
        Case(When(begun, then=Value(ActionStatus.NOT_STARTED.value)), default=None),
        output_field=CharField(),
    )


class SimpleCase(Func):
    """``CASE expression WHEN value THEN result ... ELSE default END``: the expression written
    once. Django's ``Case(When(...))`` repeats it in every WHEN, and a status read as at a day is
    a subquery: ranking it that way put some fifty copies of it in ``as_at``'s SQL, each
    compiled by Django and run by the database for every row."""

    def __init__(self, expression, results: dict, *, default=None, output_field):
        super().__init__(expression, output_field=output_field)
        self.results, self.default = results, default

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        whens = " ".join("WHEN %s THEN %s" for _ in self.results)
        return f"CASE {sql} {whens} ELSE %s END", [
            *params,
            *(item for pair in self.results.items() for item in pair),
            self.default,
        ]


def _rank_of(field: str):
    ranks = {status.value: status.rank for status in ActionStatus}
    return SimpleCase(F(field), ranks, output_field=IntegerField())


DONE_STATUSES = [status.value for status in ActionStatus if status.is_done]


class ActionQuerySet(VersionedQuerySet):
    def visible_to(self, user):
        """Only the actions of the person's own council."""
        if user.is_superuser:
            return self
        council = council_of(user)
        return self.filter(recommendation__review__council=council) if council else self.none()

    def as_at(self, day: dt.date, previous_day: dt.date | None = None):
        """Annotate each action with what the plan said of it at the end of ``day``, from its
        counted updates (``ProgressUpdate.objects.counted``), in one query however many rows:

        - ``status_then`` (None before its start date), ``percent_then``, ``commentary_then``,
          ``updated_then`` (when its latest counted update was recorded);
        - ``target_then``: the latest revised target date by then, else the original;
        - ``open_then``: begun and neither complete nor closed;
        - ``overdue_then``: open and past ``target_then``;
        - ``stale_then``: open and no counted update since the quarter containing ``day``
          began;
        - ``status_before`` at ``previous_day`` (default: the end of the previous quarter) and
          ``direction_then``, the direction of travel between the two.

        ``actions.progress`` reads these; tables filter and sort on them."""
        previous_day = previous_day or previous_quarter_end(day)
        quarter_start = FinancialQuarter.containing(day).start
        latest = _latest_counted_update(day)
        revised = latest.filter(revised_target_date__isnull=False)
        since_quarter_began = ProgressUpdate.objects.counted().filter(
            action=OuterRef("pk"),
            recorded_at__gte=start_of_day(quarter_start),
            recorded_at__lte=end_of_day(day),
        )
        is_open = Q(status_then__isnull=False) & ~Q(status_then__in=DONE_STATUSES)
        return (
            self.annotate(
                status_then=_status_on(day),
                status_before=_status_on(previous_day),
                percent_then=Coalesce(Subquery(latest.values("percent_complete")[:1]), Value(0)),
                commentary_then=Coalesce(
                    Subquery(latest.values("commentary")[:1]),
                    Value(""),
                    output_field=models.TextField(),
                ),
                updated_then=Subquery(latest.values("recorded_at")[:1]),
                target_then=Coalesce(
                    Subquery(revised.values("revised_target_date")[:1]),
                    F("target_date"),
                    output_field=DateField(),
                ),
            )
            .annotate(
                open_then=ExpressionWrapper(is_open, output_field=BooleanField()),
                overdue_then=ExpressionWrapper(
                    is_open & Q(target_then__lt=day), output_field=BooleanField()
                ),
                stale_then=ExpressionWrapper(
                    is_open & ~Exists(since_quarter_began), output_field=BooleanField()
                ),
            )
            .alias(rank_then=_rank_of("status_then"), rank_before=_rank_of("status_before"))
            .annotate(
                direction_then=Case(
                    When(status_before__isnull=True, then=Value(Direction.NEW.value)),
                    When(status_then__isnull=True, then=Value(Direction.UNCHANGED.value)),
                    default=SimpleCase(
                        Sign(F("rank_then") - F("rank_before")),
                        {1: Direction.IMPROVED.value, -1: Direction.WORSENED.value},
                        default=Direction.UNCHANGED.value,
                        output_field=CharField(),
                    ),
                    output_field=CharField(),
                )
            )
        )

    def with_status_at(self, day: dt.date, name: str = "status_at"):
        """Annotate each action with its status as at the end of ``day`` (None before it
        began), by the same rule as ``as_at``."""
        return self.annotate(**{name: _status_on(day)})

    def open(self):
        return self.exclude(status__in=[ActionStatus.COMPLETE, ActionStatus.CLOSED])

    def overdue(self, today: dt.date):
        """Open at the end of ``today`` and past their (revised) target date."""
        return self.as_at(today).filter(overdue_then=True)

    def owned_by(self, user):
        """The actions a person answers for: those they lead or contribute to, and for a
        director every action of their directorate."""
        mine = Q(lead_officer=user) | Q(
            pk__in=Action.contributors.through.objects.filter(user=user).values("action_id")
        )
        directorate = directorate_of(user)
        if directorate is not None and has_role(user, Role.DIRECTOR):
            mine |= Q(directorate=directorate)
        return self.filter(mine)

    def chased(self):
        """Actions the quarterly chase asks about: not under a closed recommendation."""
        return self.filter(recommendation__closed_on__isnull=True)

    def owing_update_for(self, quarter: FinancialQuarter):
        """Open, chased actions, begun by the quarter's end, whose officer still owes the quarter's
        update: none recorded since it began, or the latest was returned (``TaskState`` To do
        or Returned). A submitted update awaiting approval is the officer's part done.

        This is who is chased; what Cabinet is told is stale is ``as_at``'s ``stale_then``
        (no *counted* update this quarter), so a submitted update still reads as stale to
        Cabinet until it is accepted."""
        return (
            self.open()
            .chased()
            .exclude(start_date__gt=quarter.end)
            .with_task_state(quarter)
            .filter(Q(quarter_approval__isnull=True) | Q(quarter_approval=Approval.RETURNED))
        )

    def with_update_flags(self, today: dt.date):
        """Annotate what an owner needs at quarter end, in one query whatever the row count:
        ``last_update_at``, ``next_milestone_due``, ``has_overdue_milestone`` and the quarter's
        task state (``with_task_state``, read through ``Action.task_state``)."""
        updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))
        pending = Milestone.objects.filter(action=OuterRef("pk"), completed_on__isnull=True)
        return self.with_task_state(FinancialQuarter.containing(today)).annotate(
            last_update_at=Subquery(
                updates.order_by("-recorded_at", "-pk").values("recorded_at")[:1]
            ),
            next_milestone_due=Subquery(pending.order_by("due_date").values("due_date")[:1]),
            has_overdue_milestone=Exists(pending.filter(due_date__lt=today)),
        )

    def with_task_state(self, quarter: FinancialQuarter):
        """Annotate ``quarter_approval``: the approval of the latest update recorded since
        ``quarter`` began (None when there is none); ``TaskState.from_approval`` turns it into
        To do / Submitted / Returned / Updated. One subquery, whatever the row count."""
        latest = ProgressUpdate.objects.filter(
            action=OuterRef("pk"), recorded_at__gte=start_of_day(quarter.start)
        ).order_by("-recorded_at", "-pk")
        return self.annotate(
            quarter_approval=Subquery(latest.values("approval")[:1]),
            quarter_review_reason=Subquery(latest.values("review_reason")[:1]),
        )


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
    target_date = models.DateField(
        "original target date",
        null=True,
        blank=True,
        help_text="As agreed in the plan. A later revision is recorded with a progress update, "
        "and both are shown.",
    )
    revised_target_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest revision recorded with a progress update, if any.",
    )
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
    timescale_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="The timescale in the plan's words when it is not just a date, such as "
        "'Ongoing' or 'To be addressed through 2, above'.",
    )
    is_sample = models.BooleanField(
        default=False, help_text="Illustrative data shipped with the demo, not a real plan."
    )
    grounded_in = models.TextField(
        blank=True, help_text="For sample actions: the commitment in the documents it is based on."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up with every change, so a save based on an older page can be refused.",
    )

    objects = ActionQuerySet.as_manager()
    # Status and percent are left out: the progress updates are their history, with authors.
    history = HistoricalRecords(excluded_fields=["status", "percent_complete"])

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

    @property
    def current_target_date(self) -> dt.date | None:
        """The date it is now due: the latest revision, else the original target."""
        return self.revised_target_date or self.target_date

    @property
    def task_state(self) -> TaskState:
        """Needs ``with_task_state``."""
        return TaskState.from_approval(self.quarter_approval)

    def progress_problems(
        self,
        *,
        status: str,
        percent: int | None,
        day: dt.date,
        revised_target_date: dt.date | None = None,
        revision_reason: str = "",
        completing: Iterable[int] = (),
        open_milestones: Iterable[str] | None = None,
    ) -> dict[str, str]:
        """What is contradictory in recording ``status`` at ``percent`` on ``day``, by field.

        The form, the admin, corrections and imports all ask this, so an update that one of
        them refuses is refused by all. ``completing`` are the ids of milestones completed in
        the same save; ``open_milestones``, when given, are the titles of those still open
        once the save is done (an import that adds or completes milestones in the same row,
        for an action that may not be saved yet)."""
        problems = {}
        status = ActionStatus(status)
        if status == ActionStatus.COMPLETE:
            if percent is not None and percent != 100:
                problems["percent_complete"] = (
                    f"A complete action is 100% done, not {percent}%: enter 100, or choose "
                    "another status"
                )
            if open_milestones is not None:
                still_open = list(open_milestones)
            else:
                milestones = self.milestones.all() if self.pk else ()
                still_open = [
                    m.title
                    for m in milestones
                    if m.completed_on is None and m.pk not in set(completing)
                ]
            if still_open:
                names = ", ".join(f"“{title}”" for title in still_open)
                problems["status"] = (
                    f"The action cannot be complete while milestones are still open ({names}): "
                    "mark them as met first"
                )
        if status == ActionStatus.NOT_STARTED and percent:
            problems["percent_complete"] = (
                f"An action that has not started is 0% done, not {percent}%: enter 0, or "
                "choose another status"
            )
        target = revised_target_date or self.current_target_date
        if revised_target_date and revised_target_date < day:
            problems["revised_target_date"] = (
                f"The revised target date must be today or later ({day:%-d %B %Y} or after)"
            )
        elif status == ActionStatus.ON_TRACK and target and target < day:
            problems["revised_target_date"] = (
                f"The action was due on {target:%-d %B %Y}. To record it as on track, give a "
                "revised target date and the reason for it"
            )
        if revised_target_date and not revision_reason.strip():
            problems["target_revision_reason"] = "Say why the target date has changed"
        return problems

    def is_owned_by(self, user) -> bool:
        """Leads it or is named as a contributor."""
        if not user.is_authenticated:
            return False
        return self.lead_officer_id == user.pk or self.contributors.filter(pk=user.pk).exists()

    def _in_directorate_of(self, user) -> bool:
        directorate = directorate_of(user)
        return bool(
            directorate is not None
            and self.directorate_id == directorate.pk
            and has_role(user, Role.DIRECTOR)
        )

    def can_be_updated_by(self, user) -> bool:
        """Progress updates and milestone completions: the owner (an officer or director named
        on it), the director of its directorate and the performance team."""
        if is_performance_team(user):
            return True
        if not has_role(user, Role.OFFICER, Role.DIRECTOR):
            return False
        return self._in_directorate_of(user) or self.is_owned_by(user)

    def can_approve(self, user) -> bool:
        """Accepting or returning an officer's update: the director of its directorate, or the
        performance team. Their own updates count at once."""
        return is_performance_team(user) or self._in_directorate_of(user)

    def needs_approval_from(self, author) -> bool:
        """Whether an update by ``author`` waits for acceptance before it counts."""
        council = self.recommendation.review.council
        return council.updates_need_approval and not self.can_approve(author)

    def can_reassign(self, user) -> bool:
        """Changing the lead officer: the director of its directorate, or the performance team."""
        return is_performance_team(user) or self._in_directorate_of(user)

    def can_be_corrected_by(self, user) -> bool:
        """Correcting entries are the performance team's alone."""
        return is_performance_team(user)


class Milestone(models.Model):
    """A dated step of an action; it is complete once it has a completion date."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VersionedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "due_date", "pk"]
        verbose_name = "milestone"

    def __str__(self):
        return self.title

    def clean(self):
        if self.completed_on is None:
            return
        if self.completed_on > timezone.localdate():
            raise ValidationError({"completed_on": "The completion date cannot be in the future."})
        start = self.action.start_date if self.action_id else None
        if start and self.completed_on < start:
            raise ValidationError(
                {"completed_on": f"The completion date cannot be before the action started "
                                 f"({start:%-d %B %Y})."}
            )  # fmt: skip

    @property
    def is_complete(self) -> bool:
        return self.completed_on is not None


class ProgressUpdateQuerySet(models.QuerySet):
    def counted(self):
        """The updates that count in what the plan says: the dashboard, tables, exports and
        Cabinet reports read only these (``actions.progress``). Where the council asks for
        approval, an officer's update counts only once accepted; the rest always count."""
        return self.filter(approval__in=Approval.counting())

    def awaiting_approval_by(self, user):
        """Submitted updates ``user`` may accept or return: every one of their council for the
        performance team, their directorate's for a director."""
        submitted = self.filter(
            approval=Approval.SUBMITTED, action__in=Action.objects.visible_to(user)
        )
        if is_performance_team(user):
            return submitted
        directorate = directorate_of(user)
        if directorate is None or not has_role(user, Role.DIRECTOR):
            return submitted.none()
        return submitted.filter(action__directorate=directorate)


class ProgressUpdate(models.Model):
    """A dated, never-edited entry in an action's history. Mistakes are put right by a later
    correcting entry (``corrects``), so what was reported stays on record."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates_recorded",
        help_text="Who entered it on the author's behalf, such as the person who imported the "
        "plan it came from; empty when the author entered it.",
    )
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(validators=PERCENT_VALIDATORS)
    commentary = models.TextField(blank=True, max_length=COMMENTARY_MAX_LENGTH)
    evidence_url = models.URLField("evidence link", blank=True, max_length=500)
    revised_target_date = models.DateField(
        null=True, blank=True, help_text="A new target date for the action, given with a reason."
    )
    target_revision_reason = models.TextField(
        "reason for the revised target date", blank=True, max_length=COMMENTARY_MAX_LENGTH
    )
    source = models.CharField(max_length=20, choices=UpdateSource.choices, default=UpdateSource.WEB)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The earlier entry this one puts right.",
    )
    approval = models.CharField(
        max_length=20, choices=Approval.choices, default=Approval.NOT_NEEDED, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_updates",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(
        "reason", blank=True, max_length=COMMENTARY_MAX_LENGTH,
        help_text="Why it was returned (or a note on accepting it).",
    )  # fmt: skip

    objects = ProgressUpdateQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(approval__in=Approval.values),
                name="%(app_label)s_%(class)s_approval_valid",
            ),
            # A returned update always says why, so the officer knows what to put right.
            models.CheckConstraint(
                condition=~Q(approval=Approval.RETURNED) | ~Q(review_reason=""),
                name="%(app_label)s_%(class)s_returned_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference} {self.get_status_display()} at {self.recorded_at:%d %b %Y}"

    # Set by an import whose row also adds or completes milestones: the titles of the action's
    # milestones still open once the row is written (see ``Action.progress_problems``).
    open_milestones_after_save: list[str] | None = None

    def clean(self):
        if not self.status or self.status not in ActionStatus.values:
            return
        problems = {}
        if ActionStatus(self.status).needs_commentary and not self.commentary.strip():
            problems["commentary"] = f"Say why the action is {self.get_status_display().lower()}."
        try:
            action = self.action  # an import asks about an action it has not saved yet
        except ObjectDoesNotExist:
            action = None
        if action is not None:
            day = timezone.localtime(self.recorded_at).date() if self.recorded_at else None
            problems |= action.progress_problems(
                status=self.status,
                percent=self.percent_complete,
                day=day or timezone.localdate(),
                revised_target_date=self.revised_target_date,
                revision_reason=self.target_revision_reason,
                open_milestones=self.open_milestones_after_save,
            )
        if problems:
            raise ValidationError(problems)

    @property
    def rag(self):
        return ActionStatus(self.status).rag

    @property
    def approval_choice(self) -> Approval:
        return Approval(self.approval)

    @property
    def counts(self) -> bool:
        return self.approval in Approval.counting()


def _evidence_path(instance, filename):
    # Stored under a random name: nothing the uploader typed reaches a file path.
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Evidence(models.Model):
    """A file attached to a progress update (a piece of the council's evidence pack). Its
    type was read from its content (``actions.evidence``); it is only ever sent as a download,
    to people who may see the action."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "evidence file"
        verbose_name_plural = "evidence files"

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("actions:evidence_download", kwargs={"pk": self.pk})

    @property
    def download_name(self) -> str:
        """The uploader's name for it, with the extension its content showed."""
        stem = self.original_name.rsplit(".", 1)[0] or "evidence"
        return f"{stem}.{self.extension}"


class UpdateRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def current_for(self, council):
        """The latest open round of a council, or None."""
        return self.open().filter(council=council).order_by("-opened_at").first()

    def reporting_period(self, council, today: dt.date):
        """(quarter, due date, round) owners are updating for: the open round's quarter and
        deadline, or without one the quarter containing ``today``, due at its end."""
        update_round = self.current_for(council) if council else None
        if update_round is not None:
            return update_round.quarter, update_round.deadline, update_round
        quarter = FinancialQuarter.containing(today)
        return quarter, quarter.end, None


class UpdateRound(models.Model):
    """The performance team's call for progress updates for one quarter, with a deadline.

    An action is outstanding in a round until it has an update recorded since the quarter began."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="update_rounds")
    quarter_start_year = models.PositiveSmallIntegerField(
        help_text="The calendar year in which the quarter's financial year starts (1 April)."
    )
    quarter_number = models.PositiveSmallIntegerField(
        choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")]
    )
    deadline = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_rounds"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = UpdateRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter_start_year", "-quarter_number", "-opened_at"]
        verbose_name = "update round"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "quarter_start_year", "quarter_number"],
                condition=Q(closed_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(quarter_number__gte=1) & Q(quarter_number__lte=4),
                name="%(app_label)s_%(class)s_quarter_1_to_4",
            ),
        ]

    def __str__(self):
        return f"Updates for {self.quarter.label}, due {self.deadline:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("actions:round_detail", kwargs={"pk": self.pk})

    @property
    def quarter(self) -> FinancialQuarter:
        return FinancialQuarter(self.quarter_start_year, self.quarter_number)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def outstanding_actions(self):
        """The council's actions whose officers still owe this quarter's update."""
        return Action.objects.filter(recommendation__review__council=self.council).owing_update_for(
            self.quarter
        )

    def progress(self) -> dict:
        """How far the round has got, over the council's open actions begun by the quarter's
        end: ``{"total", "updated", "submitted", "returned", "to_do"}``. Submitted updates are
        among the updated ones (the officer has done their part). Two queries."""
        quarter = self.quarter
        actions = (
            Action.objects.filter(recommendation__review__council=self.council)
            .open()
            .chased()
            .exclude(start_date__gt=quarter.end)
            .with_task_state(quarter)
        )
        states = [
            TaskState.from_approval(a) for a in actions.values_list("quarter_approval", flat=True)
        ]
        submitted = states.count(TaskState.SUBMITTED)
        return {
            "total": len(states),
            "updated": states.count(TaskState.UPDATED) + submitted,
            "submitted": submitted,
            "returned": states.count(TaskState.RETURNED),
            "to_do": states.count(TaskState.TO_DO),
        }


class UpdateReminder(models.Model):
    """One reminder email sent to one owner in a round: who was chased, when, by whom, and for
    how many actions. Written by ``update_reminders_send`` only."""

    update_round = models.ForeignKey(
        UpdateRound, on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="update_reminders"
    )
    email = models.EmailField(help_text="The address it went to, as it was then.")
    action_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when sent by the scheduled command.",
    )

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = "update reminder"

    def __str__(self):
        return f"Reminder to {self.email} at {self.sent_at:%d %b %Y %H:%M}"


class PlanVersion(models.Model):
    """How many times a council's plan has changed: part of the key under which its read is
    cached (``actions.plan_cache``). Only ever moved on with ``F("version") + 1``."""

    council = models.OneToOneField(
        "reviews.Council", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "plan version"

    def __str__(self):
        return f"{self.council_id}: {self.version}"
