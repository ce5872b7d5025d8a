"""A position statement for an LGA progress review: the council's own account of what it has
done since the peer challenge, organised as Sefton's 2018 statement was (per theme, "On our
transformation journey", then per recommendation "We have ..." and "Next we will ...").

Saved and versioned like a Cabinet report: a draft is edited and exported as often as needed;
once issued, neither it nor its PDF and Word files change, and a later version ``supersedes`` it.
Every figure (each recommendation's status and direction) is frozen in ``snapshot`` from
``actions.progress.plan_as_at`` when the draft is made; the words are the team's, in
``StatementSection`` rows (plain text, never HTML)."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_performance_team
from reviews.models import Council, Review, council_of
from statements.choices import SectionKind, StatementStatus
from tracker.documents import IssuedDocument, IssuedDocumentQuerySet


class PositionStatementQuerySet(IssuedDocumentQuerySet):
    def visible_to(self, user):
        """The performance team's own council's statements; nobody else's, nobody else."""
        if user.is_superuser:
            return self
        council = council_of(user)
        if council is None or not is_performance_team(user):
            return self.none()
        return self.filter(council=council)

    def latest_first(self):
        return self.order_by("-version")


def _pack_path(instance, filename):
    # A random name: nothing anyone typed reaches a file path.
    return f"evidence-packs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip"


class PositionStatement(IssuedDocument):
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="position_statements"
    )
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="position_statements")
    as_at = models.DateField("plan as at")
    title = models.CharField(max_length=300)

    evidence_pack = models.FileField(upload_to=_pack_path, max_length=200, blank=True)
    evidence_pack_files = models.PositiveIntegerField(null=True, editable=False)
    evidence_pack_built_at = models.DateTimeField(null=True, editable=False)

    objects = PositionStatementQuerySet.as_manager()

    class Meta:
        ordering = ["review", "-version"]
        verbose_name = "position statement"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "version"], name="%(app_label)s_%(class)s_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=StatementStatus.DRAFT)
                | (~Q(pdf_sha256="") & Q(issued_at__isnull=False) & Q(issued_by__isnull=False)),
                name="%(app_label)s_%(class)s_issued_has_pdf",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | Q(version__gt=1),
                name="%(app_label)s_%(class)s_new_version_is_later",
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version}, {self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("statements:statement_detail", kwargs={"pk": self.pk})

    @property
    def has_evidence_pack(self) -> bool:
        return bool(self.evidence_pack)

    @property
    def pdf_filename(self) -> str:
        """Built from the review's slug, the day and the version only: never from typed text."""
        state = "" if self.is_issued else "-draft"
        day = f"{self.as_at:%Y-%m-%d}"
        return f"position-statement-{self.review.slug}-{day}-v{self.version}{state}.pdf"

    @property
    def evidence_pack_filename(self) -> str:
        return f"evidence-pack-{self.review.slug}-{self.as_at:%Y-%m-%d}-v{self.version}.zip"


class StatementSection(models.Model):
    """One part of a statement the team edits: the introduction, a theme's "On our
    transformation journey", or a recommendation's "We have" / "Next we will"."""

    statement = models.ForeignKey(
        PositionStatement, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    key = models.CharField(
        max_length=40, help_text="Which part: introduction, theme-N, rec-N-have."
    )
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    heading = models.CharField(max_length=400, help_text="The theme or recommendation it is under.")
    text = models.TextField(
        blank=True,
        max_length=20000,
        help_text="Paragraphs separated by a blank line; start lines with '- ' for a list.",
    )

    class Meta:
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "key"], name="%(app_label)s_%(class)s_one_per_part"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SectionKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.heading}"
