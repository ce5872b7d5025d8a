"""Writes of position statements. An issued statement is refused by every function except
``statement_new_version``, which starts the next version from its words."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actions.progress import plan_as_at
from reports.pdf import render_pdf
from reviews.models import Council, Review, council_lock
from statements.choices import StatementStatus
from statements.docx import statement_docx
from statements.drafting import outline
from statements.models import PositionStatement, StatementSection
from statements.pack import build_pack
from statements.rendering import statement_html


class StatementIssued(ValidationError):
    def __init__(self, statement: PositionStatement):
        super().__init__(
            f"Version {statement.version} of this statement was issued on "
            f"{statement.issued_at:%-d %B %Y} and cannot be changed. Start a new version instead."
        )


def default_title(review: Review) -> str:
    return f"{review.title}: progress review position statement"


def check_as_at(*, review: Review, as_at: dt.date, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if as_at > today:
        raise ValidationError({"as_at": "The day must be today or in the past."})
    if as_at < review.onsite_start:
        raise ValidationError(
            {
                "as_at": "The day must be on or after the peer challenge began "
                f"({review.onsite_start:%-d %B %Y})."
            }
        )


def statement_draft(*, review: Review, as_at: dt.date, created_by=None) -> tuple:
    """An unsaved statement and its sections as drafted from the plan as at ``as_at``: what
    ``statement_create`` saves, and what the command line renders without saving."""
    plan = plan_as_at(reviews=[review], day=as_at)
    snapshot, sections = outline(plan=plan, review=review, council=review.council)
    statement = PositionStatement(
        council=review.council,
        review=review,
        as_at=as_at,
        title=default_title(review),
        snapshot=snapshot,
        created_by=created_by,
    )
    return statement, sections


@transaction.atomic
def statement_create(
    *, council: Council, review: Review, as_at: dt.date, created_by
) -> PositionStatement:
    """Start a draft statement for ``review`` from the plan as at ``as_at``."""
    if review.council_id != council.pk:
        raise ValidationError({"review": "Choose one of the council's own reviews."})
    check_as_at(review=review, as_at=as_at)
    council_lock(council)  # a double submit waits here, then finds the first one's draft
    existing = PositionStatement.objects.filter(
        review=review, as_at=as_at, status=StatementStatus.DRAFT
    ).first()
    if existing is not None:
        raise ValidationError(
            f"A draft statement as at {as_at:%-d %B %Y} already exists.",
            code="statement_exists",
            params={"statement": existing},
        )
    statement, sections = statement_draft(review=review, as_at=as_at, created_by=created_by)
    latest = PositionStatement.objects.filter(review=review).aggregate(v=Max("version"))["v"]
    statement.version = (latest or 0) + 1
    statement.full_clean()
    statement.save()
    StatementSection.objects.bulk_create(
        StatementSection(statement=statement, position=index, **section)
        for index, section in enumerate(sections)
    )
    return statement


def _locked(statement: PositionStatement) -> PositionStatement:
    locked = PositionStatement.objects.select_for_update().get(pk=statement.pk)
    if locked.is_issued:
        raise StatementIssued(locked)
    return locked


@transaction.atomic
def statement_sections_update(
    *, statement: PositionStatement, title: str, texts: dict[int, str]
) -> PositionStatement:
    """Save the title and the edited sections (section pk -> text) of a draft; its PDF and
    Word file no longer match and are discarded."""
    statement = _locked(statement)
    statement.title = title
    sections = {s.pk: s for s in statement.sections.all()}
    unknown = set(texts) - set(sections)
    if unknown:
        raise ValidationError("Some sections are not part of this statement.")
    changed = []
    for pk, text in texts.items():
        section = sections[pk]
        section.text = text.strip()
        section.full_clean(exclude=["statement"])
        changed.append(section)
    StatementSection.objects.bulk_update(changed, ["text"])
    statement.files_discard()
    statement.full_clean()
    statement.save()
    return statement


def _render(statement: PositionStatement, timeout: float | None):
    return render_pdf(statement_html(statement), timeout=timeout), statement_docx(statement)


def statement_export(*, statement: PositionStatement, timeout: float | None = None):
    """Render the draft's tagged PDF and its Word file. The render happens before any write,
    in a time-limited child process; only complete files are saved."""
    draft = PositionStatement.objects.select_related("review", "council", "supersedes").get(
        pk=statement.pk
    )
    if draft.is_issued:
        raise StatementIssued(draft)
    rendered, word = _render(draft, timeout)
    with transaction.atomic():
        locked = _locked(draft)
        locked.files_keep(pdf=rendered.content, pages=rendered.pages, docx=word)
        locked.save()
    return locked


def statement_issue(*, statement: PositionStatement, issued_by, timeout: float | None = None):
    """Issue a checked draft: the final PDF and Word file (without "Draft") are rendered from
    the same words and frozen with it."""
    draft = PositionStatement.objects.select_related("review", "council", "supersedes").get(
        pk=statement.pk
    )
    if draft.is_issued:
        raise StatementIssued(draft)
    if not draft.has_pdf:
        raise ValidationError("Export the PDF and check it before issuing the statement.")
    checked = draft.pdf_sha256
    draft.status = StatementStatus.ISSUED  # in memory only, so the final PDF drops "Draft"
    rendered, word = _render(draft, timeout)
    with transaction.atomic():
        locked = _locked(draft)
        if locked.pdf_sha256 != checked:
            raise ValidationError(
                "The draft changed while it was being issued. Check it again, then issue it."
            )
        locked.files_keep(pdf=rendered.content, pages=rendered.pages, docx=word)
        locked.status = StatementStatus.ISSUED
        locked.issued_by, locked.issued_at = issued_by, timezone.now()
        locked.save()
    return locked


@transaction.atomic
def statement_new_version(*, statement: PositionStatement, created_by) -> PositionStatement:
    """A new draft that replaces an issued statement, starting from its words and figures."""
    original = PositionStatement.objects.select_for_update().get(pk=statement.pk)
    if not original.is_issued:
        raise ValidationError("Only an issued statement gets a new version; edit the draft.")
    if PositionStatement.objects.filter(supersedes=original).exists():
        raise ValidationError("This version already has a newer one: open the latest.")
    latest = PositionStatement.objects.filter(review=original.review).aggregate(v=Max("version"))
    copy = PositionStatement(
        council=original.council,
        review=original.review,
        as_at=original.as_at,
        title=original.title,
        snapshot=original.snapshot,
        version=latest["v"] + 1,
        supersedes=original,
        created_by=created_by,
    )
    copy.full_clean()
    copy.save()
    StatementSection.objects.bulk_create(
        StatementSection(
            statement=copy,
            position=s.position,
            key=s.key,
            kind=s.kind,
            heading=s.heading,
            text=s.text,
        )
        for s in original.sections.all()
    )
    return copy


def statement_evidence_pack_build(*, statement: PositionStatement, progress=None, timeout=None):
    """Build the evidence pack (``statements.pack``) and keep it with the statement, replacing
    any earlier one. An issued statement keeps the pack it has; build one before issuing."""
    from django.core.files import File

    statement = PositionStatement.objects.select_related("review", "council").get(pk=statement.pk)
    if statement.is_issued and statement.has_evidence_pack:
        raise ValidationError("This statement is issued and its evidence pack is kept as it is.")
    archive, count = build_pack(statement, progress=progress, timeout=timeout)
    with transaction.atomic():
        locked = PositionStatement.objects.select_for_update().get(pk=statement.pk)
        old = locked.evidence_pack.name if locked.evidence_pack else ""
        locked.evidence_pack.save("pack.zip", File(archive), save=False)
        locked.evidence_pack_files = count
        locked.evidence_pack_built_at = timezone.now()
        locked.save(
            update_fields=["evidence_pack", "evidence_pack_files", "evidence_pack_built_at"]
        )
        if old:
            transaction.on_commit(lambda: locked.evidence_pack.storage.delete(old))
    archive.close()
    return locked
