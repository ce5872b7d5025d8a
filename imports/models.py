import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_performance_team
from imports.choices import ImportKind, ImportStatus
from imports.parsing import Sheet
from reviews.models import Council, Review, council_of


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The performance team sees its council's imports; everyone else only their own."""
        council = council_of(user)
        if user.is_superuser:
            return self
        if council is None:
            return self.none()
        mine = self.filter(council=council)
        return mine if is_performance_team(user) else mine.filter(uploaded_by=user)


class ImportBatch(models.Model):
    """One uploaded spreadsheet, kept with its preview until someone imports or discards it.

    The file's bytes live in the database, never on disk: the name is shown, never used as a
    path. The sheet as the preview read it is kept beside them (with the bytes' SHA-256), so
    importing plans from exactly what was previewed without reading the file again."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="import_batches")
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="import_batches"
    )
    kind = models.CharField(max_length=30, choices=ImportKind.choices)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        help_text="Empty for a command-line import run without --as.",
    )
    filename = models.CharField(max_length=255, help_text="As uploaded; shown, never opened.")
    content = models.BinaryField(editable=False)
    summary = models.JSONField(default=dict, editable=False)
    sheet = models.JSONField(
        default=dict, editable=False, help_text="The file as the preview read it (Sheet.to_json)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    applied_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "spreadsheet import"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="action_plan") | Q(review__isnull=False),
                name="%(app_label)s_%(class)s_plan_has_review",
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="%(app_label)s_%(class)s_applied_has_time",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ImportKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.filename}"

    def get_absolute_url(self):
        return reverse("imports:importbatch_detail", kwargs={"pk": self.pk})

    @property
    def is_previewed(self) -> bool:
        return self.status == ImportStatus.PREVIEWED

    @property
    def is_applied(self) -> bool:
        return self.status == ImportStatus.APPLIED

    @property
    def is_discarded(self) -> bool:
        return self.status == ImportStatus.DISCARDED

    @property
    def is_action_plan(self) -> bool:
        return self.kind == ImportKind.ACTION_PLAN

    @property
    def errors(self) -> list[dict]:
        return self.summary.get("errors", [])

    @property
    def conflicts(self) -> list[dict]:
        return self.summary.get("conflicts", [])

    @property
    def change_count(self) -> int:
        return len(self.summary.get("created", [])) + len(self.summary.get("updated", []))

    def what_will_happen(self) -> dict[str, int]:
        """The counts the confirmation page states: actions added and updated, progress updates
        recorded (a plan's status column, or each row of a quarterly update sheet), conflicting
        rows left out."""
        created = self.summary.get("created", [])
        updated = self.summary.get("updated", [])
        every_row_is_an_update = self.kind == ImportKind.QUARTERLY_UPDATES
        return {
            "added": len(created),
            "updated": len(updated),
            "updates_recorded": sum(
                1
                for item in [*created, *updated]
                if item.get("records_update", every_row_is_an_update)
            ),
            "conflicts_skipped": len(self.summary.get("conflicts", [])),
        }

    def keep_sheet(self, sheet: Sheet | None) -> None:
        """Keep ``sheet`` (what reading ``content`` gave) for the import to plan from."""
        stored = sheet.to_json() if sheet is not None else None
        self.sheet = {"sha256": self._content_hash(), **stored} if stored else {}

    def kept_sheet(self) -> Sheet | None:
        """The sheet the preview read, or None when the file must be read again: none was kept
        (a file from before sheets were kept, or with a cell JSON cannot hold), or it was kept
        for other bytes."""
        if not self.sheet or self.sheet.get("sha256") != self._content_hash():
            return None
        return Sheet.from_json(self.sheet)

    def _content_hash(self) -> str:
        return hashlib.sha256(bytes(self.content)).hexdigest()

    @property
    def can_be_applied(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and not self.errors and self.change_count > 0
