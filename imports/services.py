"""Previewing and applying spreadsheet imports.

``import_preview`` reads a file and works out, without writing anything, what importing it would
create, update or leave alone and what is wrong with it. ``import_batch_apply`` works it out again
inside one transaction and writes it only if nothing is wrong and nothing changed since the
preview: a file with one bad row writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from actions.choices import ActionStatus, UpdateSource
from actions.models import Action, Milestone, ProgressUpdate
from actions.services import EditConflict, progress_update_create
from imports import parsing
from imports.choices import ImportKind, ImportStatus
from imports.models import ImportBatch
from imports.parsing import FIELD_LABELS, MilestoneText, Problem, Row, Sheet, SpreadsheetError
from reviews.models import Directorate, Portfolio, Review

# Plan columns that are copied onto the action as they are.
_ACTION_FIELDS = (
    "description", "lead_officer", "directorate", "portfolio", "start_date", "target_date",
    "expected_outcome",
)  # fmt: skip


# Foreign keys the importer resolves itself (validating them again costs a query per row).
_RELATIONS = ["recommendation", "action", "lead_officer", "directorate", "portfolio"]


class ImportRefused(Exception):
    """Applying was refused; the message says why and what to do."""


@dataclass
class PlannedAction:
    """What one action of the file will become; rows with the same reference are merged."""

    row: int
    reference: str
    recommendation: object
    action: Action | None = None
    values: dict = field(default_factory=dict)  # field name -> (value, row number)
    milestones: list[tuple[MilestoneText, int]] = field(default_factory=list)
    status: ActionStatus | None = None
    percent: int | None = None
    commentary: str = ""
    # Filled in by planning:
    changes: list[str] = field(default_factory=list)
    field_changes: dict = field(default_factory=dict)
    new_milestones: list[MilestoneText] = field(default_factory=list)
    changed_milestones: list[tuple[Milestone, MilestoneText]] = field(default_factory=list)
    update: dict | None = None
    has_problems: bool = False  # already reported: the model's checks would only repeat them


@dataclass
class Preview:
    """What an import would do. ``summary()`` is what the preview page shows and what is stored;
    ``operations`` are the resolved writes, used only by ``import_batch_apply``."""

    kind: str
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    operations: list = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "kind": self.kind,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
            "errors": [problem.as_dict() for problem in self.errors],
            "notes": self.notes,
        }


def import_preview(
    *, kind: str, content: bytes, filename: str, council, review: Review | None, user
) -> Preview:
    """Read ``content`` and plan the import without writing anything."""
    preview = Preview(kind=kind)
    try:
        sheet = parsing.read_sheet(content, filename)
    except SpreadsheetError as exc:
        preview.errors.append(Problem(None, "", str(exc)))
        return preview
    preview.errors += sheet.problems
    preview.notes += sheet.notes
    preview.rows_read = len(sheet.rows)
    if kind == ImportKind.ACTION_PLAN:
        _plan_action_plan(preview, sheet, council=council, review=review)
    else:
        _plan_quarterly_updates(preview, sheet, council=council, review=review, user=user)
    if not sheet.rows and not preview.errors:
        preview.errors.append(Problem(None, "", "The file has a header row but no rows below it."))
    preview.errors.sort(key=lambda p: p.row or 0)
    return preview


@transaction.atomic
def import_batch_create(
    *,
    kind: str,
    content: bytes,
    filename: str,
    council,
    review: Review | None,
    uploaded_by,
) -> ImportBatch:
    """Keep an uploaded file with its preview, ready to be confirmed or discarded."""
    preview = import_preview(
        kind=kind,
        content=content,
        filename=filename,
        council=council,
        review=review,
        user=uploaded_by,
    )
    return ImportBatch.objects.create(
        council=council,
        review=review,
        kind=kind,
        uploaded_by=uploaded_by,
        filename=filename[:255],
        content=content,
        summary=preview.summary(),
    )


class _PreviewChanged(Exception):
    def __init__(self, summary: dict):
        super().__init__("The preview changed")
        self.summary = summary


def import_batch_apply(*, batch: ImportBatch, user, skip_conflicts: bool = False) -> ImportBatch:
    """Apply a previewed import in one transaction, re-checking everything first.

    Refused (``ImportRefused``) when it was already applied or discarded, when the file has
    problems, when there are conflicts the person did not choose to skip, or when the tracker
    changed since the preview so that importing would now do something else."""
    try:
        return _apply(batch=batch, user=user, skip_conflicts=skip_conflicts)
    except _PreviewChanged as changed:
        # Kept after the rollback, so the page shows what importing would now do.
        ImportBatch.objects.filter(pk=batch.pk).update(summary=changed.summary)
        raise ImportRefused(
            "The tracker changed since the preview, so importing would now do something "
            "different. Check the new preview below."
        ) from None


@transaction.atomic
def _apply(*, batch: ImportBatch, user, skip_conflicts: bool) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportRefused(f"This file was already {batch.get_status_display().lower()}.")
    if batch.uploaded_by_id and user is not None and batch.uploaded_by_id != user.pk:
        raise ImportRefused("Only the person who uploaded a file can import it.")
    preview = import_preview(
        kind=batch.kind,
        content=bytes(batch.content),
        filename=batch.filename,
        council=batch.council,
        review=batch.review,
        user=user,
    )
    if preview.summary() != batch.summary:
        raise _PreviewChanged(preview.summary())
    if preview.errors:
        raise ImportRefused("Nothing was imported: correct the problems listed and upload again.")
    if preview.conflicts and not skip_conflicts:
        raise ImportRefused(
            "Some rows conflict with changes made in the tracker since the export. Choose to "
            "skip them, or export a fresh spreadsheet."
        )
    if any(op.update for op in preview.operations if isinstance(op, PlannedAction)) and not user:
        raise ImportRefused("Progress updates need an author: say who is importing (--as).")
    try:
        for operation in preview.operations:
            if isinstance(operation, PlannedAction):
                _apply_planned_action(operation, user=user)
            else:
                action = operation["action"]
                progress_update_create(
                    author=user,
                    source=UpdateSource.IMPORT,
                    seen_version=getattr(action, "version", None),
                    **operation,
                )
    except EditConflict as conflict:
        raise ImportRefused(
            "An action was changed by someone else while importing. Nothing was imported: "
            "check the preview again."
        ) from conflict
    batch.status = ImportStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.save(update_fields=["status", "applied_at"])
    return batch


@transaction.atomic
def import_batch_discard(*, batch: ImportBatch) -> ImportBatch:
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportRefused(f"This file was already {batch.get_status_display().lower()}.")
    batch.status = ImportStatus.DISCARDED
    batch.content = b""  # nothing left to import, so the bytes need not be kept
    batch.save(update_fields=["status", "content"])
    return batch


def preview_as_text(summary: dict) -> str:
    """The preview for the command line."""
    lines = [f"Rows read: {summary['rows_read']}"]
    for key, title in (("created", "Create"), ("updated", "Update"), ("conflicts", "Conflict")):
        for item in summary[key]:
            lines.append(f"  {title:<8} row {item['row']}: {item['reference']}")
            lines += [f"           {change}" for change in item.get("changes", [])]
            if item.get("message"):
                lines.append(f"           {item['message']}")
    lines.append(
        f"{len(summary['created'])} to create, {len(summary['updated'])} to update, "
        f"{len(summary['unchanged'])} unchanged, {len(summary['conflicts'])} conflicts, "
        f"{len(summary['errors'])} problems."
    )
    lines += [f"Note: {note}" for note in summary["notes"]]
    lines += [f"Problem: {Problem(**problem)}" for problem in summary["errors"]]
    return "\n".join(lines)


# --- Action plans --------------------------------------------------------------------------------


def _plan_action_plan(preview: Preview, sheet: Sheet, *, council, review: Review) -> None:
    required = ("recommendation", "reference", "description")
    missing = [name for name in required if name not in sheet.headers]
    for name in missing:
        preview.errors.append(
            Problem(None, FIELD_LABELS[name], "The file has no column for this; add one.")
        )
    if missing:
        return
    recommendations = {r.number: r for r in review.recommendations.all()}
    existing = _existing_actions(review)
    people = _People(council)
    directorates = {d.name.lower(): d for d in Directorate.objects.filter(council=council)}
    portfolios = {p.name.lower(): p for p in Portfolio.objects.filter(council=council)}
    planned: dict[str, PlannedAction] = {}
    previous = None
    for row in sheet.rows:
        problems_before = len(preview.errors)

        def problem(name, message, row=row):
            preview.errors.append(Problem(row.number, sheet.heading(name), message))

        reference = row.text("reference")
        if not reference and not row.text("description") and not row.text("recommendation"):
            # A continuation row: one more milestone of the action above.
            if previous is not None and row.text("milestones"):
                previous.milestones += _row_milestones(row, problem)
            else:
                preview.errors.append(
                    Problem(row.number, sheet.heading("reference"), "The action ref is empty.")
                )
            continue
        number = _parse(row, "recommendation", parsing.parse_recommendation_number, problem)
        recommendation = recommendations.get(number)
        if number is None:
            problem("recommendation", "Say which recommendation this action answers.")
        elif recommendation is None:
            problem("recommendation", f"{review.title} has no recommendation {number}.")
        if not reference:
            problem("reference", "The action ref is empty; give each action one, such as R1.1.")
            continue
        if len(reference) > 20:
            problem("reference", f"'{reference}' is longer than 20 characters.")
            continue
        values = _row_values(row, problem, people, directorates, portfolios)
        item = planned.get(reference.lower())
        if item is None:
            item = planned[reference.lower()] = PlannedAction(
                row=row.number, reference=reference, recommendation=recommendation
            )
        elif recommendation is not None and item.recommendation not in (None, recommendation):
            problem("recommendation", f"Row {item.row} gives {reference} a different one.")
        for name, value in values.items():
            earlier = item.values.get(name)
            if earlier is not None and earlier[0] != value:
                problem(name, f"Row {earlier[1]} gives {reference} a different value.")
            item.values[name] = (value, row.number)
        item.milestones += _row_milestones(row, problem)
        status = _parse(row, "status", parsing.parse_status, problem)
        percent = _parse(row, "percent", parsing.parse_percent, problem)
        item.status = status or item.status
        item.percent = percent if percent is not None else item.percent
        item.commentary = row.text("commentary") or item.commentary
        if len(preview.errors) == problems_before:
            previous = item
        else:
            item.has_problems = True
    for item in planned.values():
        item.action = existing.get(item.reference.lower())
        _plan_one_action(preview, sheet, item)


def _existing_actions(review: Review) -> dict[str, Action]:
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-recorded_at", "-pk")
    actions = (
        Action.objects.filter(recommendation__review=review)
        .select_related("recommendation", "lead_officer", "directorate", "portfolio")
        .prefetch_related("milestones")
        .annotate(latest_commentary=Subquery(latest.values("commentary")[:1]))
    )
    return {action.reference.lower(): action for action in actions}


def _parse(row: Row, name: str, parser, problem):
    try:
        return parser(row.value(name))
    except ValueError as exc:
        problem(name, str(exc))
        return None


def _row_values(row: Row, problem, people, directorates, portfolios) -> dict:
    """The action's own fields in a row, resolved to objects; empty cells are left out."""
    values = {}
    for name in ("description", "expected_outcome"):
        if text := row.text(name):
            values[name] = text
    if text := row.text("lead_officer"):
        try:
            values["lead_officer"] = people.find(text)
        except ValueError as exc:
            problem("lead_officer", str(exc))
    for name, known, what in (
        ("directorate", directorates, "directorate"),
        ("portfolio", portfolios, "Cabinet portfolio"),
    ):
        if text := row.text(name):
            if text.lower() in known:
                values[name] = known[text.lower()]
            else:
                problem(name, f"There is no {what} called '{text}'. Use a name from the admin.")
    for name in ("start_date", "target_date"):
        if (day := _parse(row, name, parsing.parse_date, problem)) is not None:
            values[name] = day
    return values


def _row_milestones(row: Row, problem) -> list[tuple[MilestoneText, int]]:
    try:
        found = parsing.parse_milestones(row.value("milestones"), row.value("milestone_due"))
    except ValueError as exc:
        problem("milestones", str(exc))
        return []
    return [(milestone, row.number) for milestone in found]


def _plan_one_action(preview: Preview, sheet: Sheet, item: PlannedAction) -> None:
    action, values = item.action, {name: value for name, (value, _) in item.values.items()}
    errors_before = len(preview.errors)
    if action is not None and item.recommendation and action.recommendation != item.recommendation:
        preview.errors.append(
            Problem(
                item.row,
                sheet.heading("recommendation"),
                f"{item.reference} answers recommendation {action.recommendation.number} in the "
                "tracker; an import cannot move it. Change it in the admin first.",
            )
        )
        return
    if action is None and not values.get("description") and not item.has_problems:
        message = f"{item.reference} is a new action, so it needs a description."
        preview.errors.append(Problem(item.row, sheet.heading("description"), message))
        return
    if action is None:
        candidate = Action(recommendation=item.recommendation, reference=item.reference, **values)
    else:
        # A detached copy to validate: the matched action itself stays as the tracker has it.
        candidate = Action(
            pk=action.pk,
            recommendation=action.recommendation,
            reference=action.reference,
            **{name: getattr(action, name) for name in _ACTION_FIELDS},
        )
        candidate._state.adding = False
        for name, value in values.items():
            if getattr(action, name) != value:
                item.field_changes[name] = value
                item.changes.append(
                    f"{FIELD_LABELS[name]}: {_show(getattr(action, name))} → {_show(value)}"
                )
                setattr(candidate, name, value)
    if item.recommendation and not item.has_problems and (action is None or item.field_changes):
        _validate(preview, sheet, item.row, candidate)
    _plan_milestones(preview, sheet, item)
    _plan_status(preview, sheet, item)
    if item.has_problems or len(preview.errors) > errors_before or not item.recommendation:
        return
    entry = {"row": item.row, "reference": item.reference, "changes": item.changes}
    if action is None:
        entry |= {
            "recommendation": item.recommendation.number,
            "description": values.get("description", "")[:160],
            "lead_officer": _show(values.get("lead_officer")),
            "target_date": _show(values.get("target_date")),
            "milestones": len(item.new_milestones),
            "status": (item.update or {}).get("status_label", ActionStatus.NOT_STARTED.label),
        }
        preview.created.append(entry)
        preview.operations.append(item)
    elif item.changes:
        preview.updated.append(entry | {"action_id": action.pk})
        preview.operations.append(item)
    else:
        preview.unchanged.append({"row": item.row, "reference": item.reference})


def _plan_milestones(preview: Preview, sheet: Sheet, item: PlannedAction) -> None:
    current = {m.title.lower(): m for m in item.action.milestones.all()} if item.action else {}
    seen = set()
    for milestone, row_number in item.milestones:
        key = milestone.title.lower()
        if key in seen:
            continue
        seen.add(key)
        existing = current.get(key)
        if existing is None:
            item.new_milestones.append(milestone)
            if item.action is not None:
                item.changes.append(f"New milestone: {milestone.as_line()}")
        elif (existing.due_date, existing.completed_on) != (
            milestone.due_date,
            milestone.completed_on,
        ):
            item.changed_milestones.append((existing, milestone))
            item.changes.append(f"Milestone changed: {milestone.as_line()}")
        if milestone.completed_on and milestone.completed_on > timezone.localdate():
            message = "A milestone's completion date is in the future."
            preview.errors.append(Problem(row_number, sheet.heading("milestones"), message))


def _plan_status(preview: Preview, sheet: Sheet, item: PlannedAction) -> None:
    action = item.action
    current_status = ActionStatus(action.status) if action else ActionStatus.NOT_STARTED
    current_percent = action.percent_complete if action else 0
    current_commentary = (getattr(action, "latest_commentary", "") or "") if action else ""
    status = item.status or current_status
    percent = item.percent if item.percent is not None else current_percent
    commentary = item.commentary
    if (status, percent) == (current_status, current_percent) and commentary in (
        "",
        current_commentary,
    ):
        return
    if action is None and status == ActionStatus.NOT_STARTED and not percent and not commentary:
        return
    error = _update_error(status, percent, commentary)
    if error:
        column = "commentary" if "commentary" in error[0] else "status"
        preview.errors.append(Problem(item.row, sheet.heading(column), error[1]))
        return
    item.update = {
        "status": status,
        "percent_complete": percent,
        "commentary": commentary,
        "status_label": status.label,
    }
    if action is not None:
        item.changes.append(
            f"New progress update: {status.label}, {percent}% complete"
            + (f" – “{commentary[:80]}”" if commentary else "")  # noqa: RUF001
        )


def _update_error(status, percent, commentary) -> tuple[str, str] | None:
    """Validate a progress update as the tracker would, without saving it."""
    update = ProgressUpdate(status=status, percent_complete=percent, commentary=commentary)
    try:
        update.clean()
        update.clean_fields(exclude=["action", "author", "recorded_at", "source", "corrects"])
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        return field_name, " ".join(messages)
    return None


def _validate(preview: Preview, sheet: Sheet, row: int, action: Action) -> None:
    """The model's own rules (field lengths, target after start) as row problems.

    Related records were found by the importer itself and a reference is matched, not added
    twice, so neither needs the query per row that full validation would make; the database's
    constraints still stand behind the write."""
    try:
        action.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = sheet.heading(name) if name in FIELD_LABELS else ""
            preview.errors.append(Problem(row, column, " ".join(messages)))


def _apply_planned_action(item: PlannedAction, *, user) -> None:
    action = item.action
    if action is None:
        action = Action(
            recommendation=item.recommendation,
            reference=item.reference,
            **{name: value for name, (value, _) in item.values.items()},
        )
    else:
        for name, value in item.field_changes.items():
            setattr(action, name, value)
    if action.pk is None or item.field_changes:
        _save_audited(action, user=user)
    for milestone in item.new_milestones:
        record = Milestone(
            action=action,
            title=milestone.title,
            due_date=milestone.due_date,
            completed_on=milestone.completed_on,
        )
        _save_audited(record, user=user)
    for record, milestone in item.changed_milestones:
        record.due_date, record.completed_on = milestone.due_date, milestone.completed_on
        _save_audited(record, user=user)
    if item.update:
        progress_update_create(
            action=action,
            author=user,
            status=item.update["status"],
            percent_complete=item.update["percent_complete"],
            commentary=item.update["commentary"],
            source=UpdateSource.IMPORT,
            seen_version=getattr(action, "version", None),
        )


def _save_audited(record, *, user) -> None:
    """Save one row through the model, so its change history records it and who made it.

    An existing row's ``version`` (optimistic locking) moves on only if it is still the one
    this import read: someone saving the same action meanwhile makes the import fail whole."""
    record.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
    if record.pk is not None and hasattr(record, "version"):
        rows = type(record).objects.filter(pk=record.pk, version=record.version)
        if rows.update(version=F("version") + 1) != 1:
            raise ImportRefused(
                f"{record} was changed by someone else while importing. Nothing was imported: "
                "check the preview again."
            )
        record.version += 1
    record._history_user = user  # read by django-simple-history; outside a request it needs it
    record.save()


class _People:
    """The council's people, found by email or full name, case-insensitively."""

    def __init__(self, council):
        self.by_key: dict[str, list] = {}
        self.council = council
        for user in get_user_model().objects.filter(profile__council=council):
            keys = {user.email.lower(), " ".join(user.get_full_name().lower().split())} - {""}
            for key in keys:
                self.by_key.setdefault(key, []).append(user)

    def find(self, text: str):
        found = self.by_key.get(" ".join(text.lower().split()), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(f"More than one person is called '{text}'; use their email.")
        raise ValueError(
            f"Nobody called '{text}' has an account in {self.council}. Use their email, add "
            "them in the admin first, or leave the cell empty."
        )


def _show(value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, dt.date):
        return f"{value:%d %b %Y}".lstrip("0")
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    return str(value)[:120]


# --- Quarterly updates ---------------------------------------------------------------------------


def _plan_quarterly_updates(preview: Preview, sheet: Sheet, *, council, review, user) -> None:
    if "action_id" not in sheet.headers and "reference" not in sheet.headers:
        preview.errors.append(
            Problem(None, "Action ref", "The file has no 'Action ref' column; export it again.")
        )
    if not {"new_status", "new_percent", "new_commentary"} & set(sheet.headers):
        preview.errors.append(
            Problem(None, "New status", "The file has no 'New status', 'New % complete' or "
                    "'New commentary' column. Start from an exported update spreadsheet.")
        )  # fmt: skip
    if preview.errors:
        return
    if "last_update_id" not in sheet.headers:
        preview.notes.append(
            "The file has no 'Last update ID' column, so changes made in the tracker since it "
            "was exported cannot be spotted. Exported spreadsheets have one."
        )
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-recorded_at", "-pk")
    scope = (
        Action.objects.filter(recommendation__review__council=council)
        .select_related("recommendation__review", "lead_officer", "directorate")
        .prefetch_related("contributors")
        .annotate(
            latest_update_id=Subquery(latest.values("pk")[:1]),
            latest_update_at=Subquery(latest.values("recorded_at")[:1]),
            latest_author_id=Subquery(latest.values("author_id")[:1]),
        )
    )
    if review is not None:
        scope = scope.filter(recommendation__review=review)
    actions = list(scope)
    by_id = {action.pk: action for action in actions}
    by_reference: dict[tuple, list[Action]] = {}
    for action in actions:
        by_reference.setdefault(action.reference.lower(), []).append(action)
    authors = {
        u.pk: u
        for u in get_user_model().objects.filter(pk__in={a.latest_author_id for a in actions})
    }
    seen: dict[int, int] = {}
    for row in sheet.rows:
        errors_before = len(preview.errors)

        def problem(name, message, row=row):
            preview.errors.append(Problem(row.number, sheet.heading(name), message))

        new_status = _parse(row, "new_status", parsing.parse_status, problem)
        new_percent = _parse(row, "new_percent", parsing.parse_percent, problem)
        new_commentary = row.text("new_commentary")
        action = _find_action(row, problem, by_id, by_reference)
        if action is None or len(preview.errors) > errors_before:
            continue
        entry = {"row": row.number, "reference": action.reference, "action_id": action.pk}
        if new_status is None and new_percent is None and not new_commentary:
            preview.unchanged.append(entry)
            continue
        if action.pk in seen:
            problem("reference", f"Row {seen[action.pk]} already updates {action.reference}.")
            continue
        seen[action.pk] = row.number
        if user is None or not action.can_be_updated_by(user):
            problem(
                "reference",
                f"You cannot update {action.reference}: it is not one of your actions.",
            )
            continue
        status = new_status or ActionStatus(action.status)
        percent = new_percent if new_percent is not None else action.percent_complete
        if (status, percent, new_commentary) == (action.status, action.percent_complete, ""):
            preview.unchanged.append(entry)
            continue
        if error := _update_error(status, percent, new_commentary):
            column = {"commentary": "new_commentary", "percent_complete": "new_percent"}
            problem(column.get(error[0], "new_status"), error[1])
            continue
        before = ActionStatus(action.status).label
        same = status == action.status
        changes = [
            f"Status: {before} (no change)" if same else f"Status: {before} → {status.label}"
        ]
        if percent != action.percent_complete:
            changes.append(f"% complete: {action.percent_complete} → {percent}")
        if new_commentary:
            changes.append(f"Commentary: {new_commentary[:200]}")
        entry |= {"description": action.description[:160], "changes": changes}
        conflict = _conflict(row, action, authors, problem)
        if len(preview.errors) > errors_before:
            continue
        if conflict:
            preview.conflicts.append(entry | {"message": conflict})
            continue
        preview.updated.append(entry)
        preview.operations.append(
            {
                "action": action,
                "status": status,
                "percent_complete": percent,
                "commentary": new_commentary,
            }
        )


def _find_action(row: Row, problem, by_id, by_reference) -> Action | None:
    reference = row.text("reference")
    if text := row.text("action_id"):
        try:
            action = by_id.get(int(text))
        except ValueError:
            action = None
        if action is None:
            problem("action_id", f"'{text}' is not one of this council's actions. Export again.")
            return None
        if reference and reference.lower() != action.reference.lower():
            problem(
                "reference",
                f"This row is {action.reference} in the tracker but says '{reference}'. Do not "
                "edit the Action ref column; export again if rows were mixed up.",
            )
            return None
        return action
    if not reference:
        problem("reference", "The action ref is empty.")
        return None
    found = by_reference.get(reference.lower(), [])
    review_slug = row.text("review").lower()
    if review_slug:
        found = [a for a in found if a.recommendation.review.slug == review_slug]
    if len(found) == 1:
        return found[0]
    if found:
        problem("reference", f"{reference} is in more than one review; add a 'Review' column.")
    else:
        problem("reference", f"There is no action {reference} to update.")
    return None


def _conflict(row: Row, action: Action, authors, problem) -> str:
    """Why the row conflicts with a newer update made in the tracker, or '' if it does not."""
    if "last_update_id" not in row.cells:
        return ""
    text = row.text("last_update_id")
    try:
        exported = int(text) if text else None
    except ValueError:
        problem("last_update_id", f"'{text}' is not an update ID. Do not edit this column.")
        return ""
    if exported == action.latest_update_id:
        return ""
    author = authors.get(action.latest_author_id)
    when = timezone.localtime(action.latest_update_at) if action.latest_update_at else None
    by = f" by {_show(author)}" if author else ""
    on = f" on {when:%d %b %Y at %H:%M}" if when else ""
    return (
        f"{action.reference} was updated in the tracker{on}{by} after this spreadsheet was "
        "exported. Skip this row, or export again and re-enter the update."
    )
