"""Previewing and applying spreadsheet imports.

``import_preview`` reads a file and works out, without writing anything, what importing it would
create, update or leave alone and what is wrong with it. ``import_batch_apply`` works it out again
inside one transaction, from the sheet as the preview read it, and writes it only if nothing is
wrong and nothing changed since the preview: a file with one bad row writes nothing."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from actions.choices import ActionStatus, UpdateSource
from actions.models import Action, Milestone, ProgressUpdate
from actions.plan_cache import plan_changed
from imports import parsing
from imports.bulk import create_with_history, insert_objects
from imports.choices import ImportKind, ImportStatus
from imports.matching import (
    STRONG_MATCH,
    WEAK_MATCH,
    Match,
    NameIndex,
    RecommendationMatcher,
    name_key,
)
from imports.models import ImportBatch
from imports.parsing import FIELD_LABELS, MilestoneText, Problem, Row, Sheet, SpreadsheetError
from reviews.choices import RecommendationKind
from reviews.models import Directorate, Portfolio, Recommendation, Review

# Plan columns that are copied onto the action as they are.
_ACTION_FIELDS = (
    "description", "lead_officer", "directorate", "portfolio", "start_date", "target_date",
    "timescale_note", "expected_outcome",
)  # fmt: skip


# Foreign keys the importer resolves itself (validating them again costs a query per row).
_RELATIONS = ["recommendation", "action", "lead_officer", "directorate", "portfolio"]


SAME_ACTION = 0.85  # how alike an edited description must be to update its action, not add one


class ImportRefused(Exception):
    """Applying was refused; the message says why and what to do."""


@dataclass(eq=False)
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
    match: Match | None = None  # how the recommendation cell was matched, for the preview
    timescale_status: ActionStatus | None = None  # "Complete" in the timescale column
    generated_index: int = 0  # the n of a generated reference R1.n
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
    warnings: list[str] = field(default_factory=list)  # worth reading before importing
    ignored: list[str] = field(default_factory=list)  # headings of columns not read
    suggestions: list[dict] = field(default_factory=list)  # new peer suggestions to add
    rows_read: int = 0
    operations: list = field(default_factory=list)
    new_suggestions: list = field(default_factory=list)  # unsaved Recommendations
    sheet: Sheet | None = None  # as read, kept with the batch so confirming need not read again

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
            "warnings": self.warnings,
            "ignored": self.ignored,
            "suggestions": self.suggestions,
        }


def import_preview(
    *,
    kind: str,
    content: bytes,
    filename: str,
    council,
    review: Review | None,
    user,
    sheet: Sheet | None = None,
) -> Preview:
    """Read ``content`` (unless ``sheet`` is what reading it gave) and plan the import without
    writing anything."""
    preview = Preview(kind=kind)
    if sheet is None:
        try:
            sheet = parsing.read_sheet(content, filename)
        except SpreadsheetError as exc:
            preview.errors.append(Problem(None, "", str(exc)))
            return preview
    preview.sheet = sheet
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
    sheet: Sheet | None = None,
) -> ImportBatch:
    """Keep an uploaded file with its preview, ready to be confirmed or discarded. ``sheet`` is
    the file as already read (by the upload form), if it was."""
    preview = import_preview(
        kind=kind,
        content=content,
        filename=filename,
        council=council,
        review=review,
        user=uploaded_by,
        sheet=sheet,
    )
    batch = ImportBatch(
        council=council,
        review=review,
        kind=kind,
        uploaded_by=uploaded_by,
        filename=filename[:255],
        content=content,
        summary=preview.summary(),
    )
    batch.keep_sheet(preview.sheet)
    batch.save(force_insert=True)
    return batch


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
    if batch.kind == ImportKind.ACTION_PLAN and batch.review is not None:
        # Hold the review's actions until the writes are done, so what the preview below reads
        # is what gets written over (PostgreSQL; SQLite already lets one writer in at a time).
        list(
            Action.objects.select_for_update()
            .filter(recommendation__review=batch.review)
            .values_list("pk", flat=True)
        )
    # Planned again from the sheet the preview read (the file is not read twice), against the
    # tracker as it is now: anything that changed since shows as a different summary.
    preview = import_preview(
        kind=batch.kind,
        content=bytes(batch.content),
        filename=batch.filename,
        council=batch.council,
        review=batch.review,
        user=user,
        sheet=batch.kept_sheet(),
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
    if batch.kind == ImportKind.ACTION_PLAN:
        _apply_action_plan(preview, user=user)
    else:
        _apply_quarterly_updates(preview.operations, user=user)
    # The bulk writes above send no post_save: the cached plan must hear of them here.
    plan_changed(council_ids={batch.council_id})
    batch.status = ImportStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.save(update_fields=["status", "applied_at"])
    return batch


@transaction.atomic
def import_batch_discard(*, batch: ImportBatch) -> ImportBatch:
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportRefused(f"This file was already {batch.get_status_display().lower()}.")
    batch.status = ImportStatus.DISCARDED
    batch.content, batch.sheet = b"", {}  # nothing left to import: neither need be kept
    batch.save(update_fields=["status", "content", "sheet"])
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
    lines += [f"Warning: {warning}" for warning in summary.get("warnings", [])]
    if summary.get("ignored"):
        lines.append("Columns ignored: " + ", ".join(summary["ignored"]))
    lines += [f"Note: {note}" for note in summary["notes"]]
    lines += [f"Problem: {Problem(**problem)}" for problem in summary["errors"]]
    return "\n".join(lines)


# --- Action plans --------------------------------------------------------------------------------


_SECTION_HEADINGS = {
    **dict.fromkeys(
        ("recommendations", "formal recommendations", "key recommendations",
         "original recommendations", "peer team recommendations", "lga recommendations"),
        RecommendationKind.RECOMMENDATION,
    ),
    **dict.fromkeys(
        ("additional recommendations", "suggestions", "peer suggestions",
         "peer team suggestions", "progress review suggestions", "other suggestions"),
        RecommendationKind.SUGGESTION,
    ),
}  # fmt: skip


@dataclass
class _Group:
    """What carries down a plan's merged or blank cells: the recommendation (or suggestion)
    being answered and the lead, directorate and portfolio given on its first row."""

    recommendation: object = None
    suggestion: object = None
    match: Match | None = None
    carried: dict = field(default_factory=dict)
    kind: str = RecommendationKind.RECOMMENDATION  # from a section heading row
    failed: bool = False  # its cell was reported as a problem: the rows it heads are not planned

    @property
    def target(self):
        return None if self.failed else self.suggestion or self.recommendation


class _ActionPlanReader:
    """Turns the rows of a published action plan into ``PlannedAction``s: recommendations found
    by number or words, bulleted cells split into actions, timescale words read, references
    generated when the plan has none. Every problem goes to the preview with its row."""

    def __init__(self, preview: Preview, sheet: Sheet, *, council, review: Review):
        self.preview, self.sheet, self.review = preview, sheet, review
        self.items = list(review.recommendations.all())
        self.by_number = {r.number: r for r in self.items}
        self.matcher = RecommendationMatcher(self.items)
        self.existing = _existing_actions(review)
        self.by_description = {
            (a.recommendation_id, name_key(a.description)): a for a in self.existing.values()
        }
        self.people = _people_index(council)
        self.directorates = NameIndex(
            Directorate.objects.filter(council=council),
            names=lambda d: [d.name], what="directorate", where=str(council),
        )  # fmt: skip
        self.portfolios = NameIndex(
            Portfolio.objects.filter(council=council),
            names=lambda p: [p.name], what="Cabinet portfolio", where=str(council),
        )  # fmt: skip
        self.generated = "reference" not in sheet.headers
        self.planned: dict[tuple, PlannedAction] = {}
        self.new_suggestions: dict[str, Recommendation] = {}
        self.group = _Group()
        self._used_numbers: dict[int, set[int]] = {}
        self._last_match: Match | None = None
        self._splitting = False
        self._claimed: set[int] = set()  # existing actions a row of the file already matched
        self._file_keys = {  # every action's words in the file, for the near-match rule
            name_key(item)
            for row in sheet.rows
            for item in parsing.split_items(row.value("description"))[0]
        }

    def problem(self, row_number: int | None, name: str, message: str) -> None:
        """A problem with a cell; for a column the file lacks, say what to add."""
        if name and name not in self.sheet.headers and name in FIELD_LABELS:
            message += f" (The file has no '{FIELD_LABELS[name]}' column: add one.)"
        self.preview.errors.append(Problem(row_number, self.sheet.heading(name), message))

    def read(self) -> list[PlannedAction]:
        previous = None
        for row in self.sheet.rows:
            errors_before = len(self.preview.errors)
            planned = self._read_row(row, previous)
            if planned is None:
                continue
            if len(self.preview.errors) == errors_before:
                previous = planned[-1] if planned else previous
            else:
                for item in planned:
                    item.has_problems = True
        self._number_new_suggestions()
        return list(self.planned.values())

    # -- one row ---------------------------------------------------------------------------

    def _read_row(self, row: Row, previous) -> list[PlannedAction] | None:
        def problem(name, message):
            self.problem(row.number, name, message)

        reference = "" if self.generated else row.text("reference")
        description = row.text("description")
        named = row.text("recommendation") or row.text("suggestion")
        if not reference and not description and not named:
            if previous is not None and row.text("milestones"):  # one more milestone above
                previous.milestones += _row_milestones(row, problem)
            elif not self.generated:
                problem("reference", "The action ref is empty.")
            else:
                problem(
                    "description", "This row has no action. Write the action, or delete the row."
                )
            return None
        if named and not self._read_group(row, problem, heading_only=not description):
            return None
        if not description and not reference:
            return None  # a heading row: the recommendation that the rows below answer
        target = self.group.target
        if target is None and not self.group.failed:
            problem(
                "recommendation",
                "Say which recommendation this action answers: "
                "write its number (R1) or its words in the first row of its group.",
            )
        values = self._row_values(row, problem)
        if target is None:  # reported already; the rest of the row is still checked
            self._read_timescale(problem, row.value("target_date"), values)
            _parse(row, "status", parsing.parse_status, problem)
            _parse(row, "percent", parsing.parse_percent, problem)
            return None
        if not self.generated:
            if not reference:
                problem(
                    "reference",
                    "The action ref is empty; give each action one, such as "
                    "R1.1, or delete the Action ref column to have them numbered for you.",
                )
                return None
            if len(reference) > 20:
                problem("reference", f"'{reference}' is longer than 20 characters.")
                return None
            if description:
                values["description"] = description
            status = self._read_timescale(problem, row.value("target_date"), values)
            item = self._merge(row, problem, ("ref", reference.lower()), reference, values)
            item.timescale_status = status or item.timescale_status
            return [item]
        return self._split_actions(row, problem, description, values)

    def _read_group(self, row: Row, problem, *, heading_only: bool) -> bool:
        """Read a recommendation or suggestion cell into ``self.group``; False for a section
        heading ('Additional recommendations'), which holds nothing more to read."""
        for name in ("recommendation", "suggestion"):
            text = row.text(name)
            if not text:
                continue
            if heading_only and name_key(text) in _SECTION_HEADINGS:
                self.group = _Group(kind=_SECTION_HEADINGS[name_key(text)])
                return False
            cell = parsing.parse_recommendation_cell(text)
            errors_before = len(self.preview.errors)
            wants_suggestion = (
                name == "suggestion" or cell.suggestion
                or self.group.kind == RecommendationKind.SUGGESTION
            )  # fmt: skip
            found = (
                self._find_suggestion(row, problem, cell, column=name)
                if wants_suggestion
                else self._find_recommendation(row, problem, cell, heading_only=heading_only)
            )
            kind = self.group.kind
            if name == "recommendation":
                self.group = _Group(kind=kind, recommendation=found)
            else:
                self.group.suggestion = found
                self.group.carried = {}
            if found is None:
                # A problem reported here covers the rows below it; a plain heading does not.
                self.group.failed = len(self.preview.errors) > errors_before
                return True
        self.group.match = self._last_match
        return True

    def _find_recommendation(self, row, problem, cell, *, heading_only: bool):
        self._last_match = None
        recommendations = [r for r in self.items if not r.is_suggestion]
        if cell.number is not None:
            found = self.by_number.get(cell.number)
            if found is None or found.is_suggestion:
                problem(
                    "recommendation", f"{self.review.title} has no recommendation {cell.number}."
                )
                return None
            score = self.matcher.score(cell.words, found) if cell.words else 1.0
            self._last_match = Match(found, "number", score)
            if cell.words and score < WEAK_MATCH:
                self.preview.warnings.append(
                    f"Row {row.number}: the cell says {found.reference}, but its words "
                    f"'{_clip(cell.words)}' are not much like {found.reference}'s "
                    f"('{_clip(found.title)}'); it is read as {found.reference}."
                )
            return found
        ranked = [
            (score, found)
            for score, found in self.matcher.ranked(cell.words)
            if found in recommendations
        ]
        best_score, best = ranked[0] if ranked else (0.0, None)
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best is not None and best_score >= STRONG_MATCH and best_score - runner_up >= 0.1:
            self._last_match = Match(best, "text", best_score)
            return best
        if heading_only and (best is None or best_score < WEAK_MATCH):
            self.preview.notes.append(
                f"Row {row.number} ('{_clip(cell.words)}') has no action and is like none of "
                "the review's recommendations, so it is read as a heading."
            )
            return None
        if best is not None and best_score >= WEAK_MATCH:
            problem(
                "recommendation",
                f"'{_clip(cell.words)}' looks most like {best.reference} "
                f"('{_clip(best.title)}', {round(best_score * 100)}% alike), but not closely "
                f"enough to be sure. If it is {best.reference}, start the cell with "
                f"'{best.reference}:'.",
            )
        else:
            closest = f" The closest is {best.reference} ('{_clip(best.title)}', " \
                f"{round(best_score * 100)}% alike)." if best is not None else ""  # fmt: skip
            problem(
                "recommendation",
                f"'{_clip(cell.words)}' is not one of "
                f"{self.review.title}'s recommendations.{closest} Start the cell with the "
                "recommendation's number, such as 'R1:'.",
            )
        return None

    def _find_suggestion(self, row, problem, cell, *, column: str):
        """An existing suggestion with the same words, or a new one kept verbatim."""
        self._last_match = None
        if not cell.words:
            problem(
                column,
                "Write the suggestion's words, not only its number: suggestions "
                "are kept in the tracker in the peers' words.",
            )
            return None
        ranked = [
            (score, found)
            for score, found in self.matcher.ranked(cell.words)
            if found.is_suggestion
        ]
        best_score, best = ranked[0] if ranked else (0.0, None)
        if best is not None and best_score >= STRONG_MATCH:
            self._last_match = Match(best, "text", best_score)
            return best
        if best is not None and best_score >= WEAK_MATCH:
            problem(
                column,
                f"'{_clip(cell.words)}' is like the suggestion {best.reference} "
                f"('{_clip(best.title)}', {round(best_score * 100)}% alike) but not the "
                f"same. Copy {best.reference}'s words to answer it, or reword it to add a "
                "new suggestion.",
            )
            return None
        if len(cell.words) > 2000:
            problem(column, "The suggestion is longer than 2,000 characters.")
            return None
        key = name_key(cell.words)
        if key not in self.new_suggestions:
            self.new_suggestions[key] = Recommendation(
                review=self.review, kind=RecommendationKind.SUGGESTION, title=cell.words
            )
            self.new_suggestions[key].import_row = row.number
        return self.new_suggestions[key]

    def _number_new_suggestions(self) -> None:
        """New suggestions take the review's next numbers, in file order."""
        taken = max((r.number for r in self.items), default=0)
        for offset, suggestion in enumerate(self.new_suggestions.values(), start=1):
            suggestion.number = taken + offset
        for item in self.planned.values():
            if item.recommendation is not None and item.recommendation.pk is None:
                item.reference = f"{item.recommendation.reference}.{item.generated_index}"

    def _row_values(self, row: Row, problem) -> dict:
        """The action's own fields in a row, resolved to objects; blank lead, directorate and
        portfolio cells under a group carry down from its first row."""
        values = {}
        if text := row.text("expected_outcome"):
            values["expected_outcome"] = text
        for name, index in (
            ("lead_officer", self.people),
            ("directorate", self.directorates),
            ("portfolio", self.portfolios),
        ):
            text = row.text(name)
            if not text:
                if name in self.group.carried:
                    values[name] = self.group.carried[name]
                continue
            try:
                values[name] = self.group.carried[name] = index.find(text)
            except ValueError as exc:
                problem(name, str(exc))
        if (day := _parse(row, "start_date", parsing.parse_date, problem)) is not None:
            values["start_date"] = day
        return values

    def _split_actions(self, row: Row, problem, description: str, values: dict):
        """One action per bullet (or line, when the timescale has as many lines), each with its
        own timescale line, or the one timescale for all."""
        items, bulleted = parsing.split_items(row.value("description"))
        raw_timescale = row.value("target_date")
        if isinstance(raw_timescale, str):
            timescales, _ = parsing.split_items(raw_timescale)
        else:
            timescales = [raw_timescale] if raw_timescale not in (None, "") else []
        if not bulleted and len(items) > 1 and len(timescales) != len(items):
            items = [description]  # lines of one action's description, not several actions
        if len(items) > 1 and len(timescales) > 1 and len(timescales) != len(items):
            problem(
                "target_date",
                f"The Action cell has {len(items)} actions but this cell "
                f"has {len(timescales)} timescales. Give each action its own timescale "
                "line, in the same order, or one timescale for them all.",
            )
            return []
        if len(items) == 1 and parsing.is_cross_reference(items[0]) and not timescales:
            self.preview.notes.append(
                f"Row {row.number}: '{_clip(items[0])}' points to another part of the plan, so "
                "it is not made an action of its own."
            )
            return []
        planned = []
        self._splitting = len(items) > 1
        for index, text in enumerate(items):
            timescale = timescales[index] if len(timescales) > 1 else (timescales or [None])[0]
            item_values = dict(values, description=text)
            status = self._read_timescale(problem, timescale, item_values)
            key = (id(self.group.target), name_key(text))
            item = self._merge(row, problem, key, None, item_values)
            item.timescale_status = status or item.timescale_status
            planned.append(item)
        return planned

    def _read_timescale(self, problem, value, values: dict) -> ActionStatus | None:
        """Put the timescale's date and note into ``values``; return a status it states. An
        empty cell leaves both alone, so a re-import never clears what the tracker holds."""
        if value in (None, ""):
            return None
        try:
            timescale = parsing.parse_timescale(value)
        except ValueError as exc:
            problem("target_date", str(exc))
            return None
        if timescale.target is not None:
            values["target_date"] = timescale.target
        if len(timescale.note) > 300:
            problem("target_date", "The timescale is longer than 300 characters.")
        else:
            values["timescale_note"] = timescale.note
        return timescale.status

    def _merge(self, row: Row, problem, key: tuple, reference: str | None, values: dict):
        """The planned action for ``key``; rows naming the same action must agree."""
        target = self.group.target
        item = self.planned.get(key)
        if item is None:
            item = self.planned[key] = PlannedAction(
                row=row.number, reference=reference or "", recommendation=target
            )
            item.match = self.group.match
        elif target is not None and item.recommendation not in (None, target):
            problem("recommendation", f"Row {item.row} gives {item.reference} a different one.")
        for name, value in values.items():
            earlier = item.values.get(name)
            if earlier is not None and earlier[0] != value:
                problem(
                    name if name != "timescale_note" else "target_date",
                    f"Row {earlier[1]} gives {item.reference or 'this action'} a different value.",
                )
            item.values[name] = (value, row.number)
        if reference is not None or not self._splitting:
            item.milestones += _row_milestones(row, problem)
        elif row.text("milestones"):
            problem(
                "milestones",
                "This row holds several actions, so its milestones belong to "
                "none of them. Put the action with milestones on a row of its own.",
            )
        status = _parse(row, "status", parsing.parse_status, problem)
        percent = _parse(row, "percent", parsing.parse_percent, problem)
        item.status = status or item.status
        item.percent = percent if percent is not None else item.percent
        item.commentary = row.text("commentary") or item.commentary
        if reference is None and not item.reference:
            item.reference = self._generated_reference(item)
        return item

    def _generated_reference(self, item: PlannedAction) -> str:
        """An existing action with the same words (or nearly: an edited description, whose
        replacement the preview then warns about) keeps its reference; a new one takes the
        next free number under its recommendation (R1.1, R1.2 …), in file order."""
        recommendation = item.recommendation
        description = item.values["description"][0]
        if recommendation.pk is not None:
            key = name_key(description)
            found = self.by_description.get((recommendation.pk, key))
            if found is None or found.pk in self._claimed:
                found = self._similar_action(recommendation, key)
            if found is not None:
                self._claimed.add(found.pk)
                return found.reference
        used = self._used_numbers.setdefault(id(recommendation), self._numbers_of(recommendation))
        number = max(used, default=0) + 1
        used.add(number)
        item.generated_index = number
        return f"{recommendation.reference}.{number}"

    def _similar_action(self, recommendation, key: str) -> Action | None:
        """The unclaimed action of ``recommendation`` whose words are closest to ``key``, if
        they are at least ``SAME_ACTION`` alike and no row of the file names it exactly."""
        best, best_score = None, SAME_ACTION
        for (pk, words), action in self.by_description.items():
            if pk != recommendation.pk or action.pk in self._claimed or words in self._file_keys:
                continue
            score = difflib.SequenceMatcher(None, key, words, autojunk=False).ratio()
            if score >= best_score:
                best, best_score = action, score
        return best

    def _numbers_of(self, recommendation) -> set[int]:
        numbers = set()
        if recommendation.pk is None:
            return numbers
        for action in self.existing.values():
            if action.recommendation_id == recommendation.pk:
                tail = action.reference.rsplit(".", 1)[-1]
                if tail.isdigit():
                    numbers.add(int(tail))
        return numbers


def _clip(text: str, size: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _plan_action_plan(preview: Preview, sheet: Sheet, *, council, review: Review) -> None:
    missing = []
    if "recommendation" not in sheet.headers and "suggestion" not in sheet.headers:
        missing.append(
            Problem(
                None,
                "Recommendation",
                "The file has no column saying which "
                "recommendation each action answers. Add a column called "
                "Recommendation holding its number (R1) or its words.",
            )
        )
    if "description" not in sheet.headers:
        missing.append(
            Problem(
                None,
                "Action",
                "The file has no column for the actions. Add a "
                "column called Action saying what the council will do.",
            )
        )
    if missing:
        preview.errors += missing
        return
    if sheet.ignored:
        preview.ignored = list(sheet.ignored)
    reader = _ActionPlanReader(preview, sheet, council=council, review=review)
    if reader.existing:
        how = "reference" if not reader.generated else "words (the file has no Action ref)"
        preview.warnings.append(
            f"{review.title} already has {len(reader.existing)} action"
            f"{'s' if len(reader.existing) != 1 else ''}: a row matching one by {how} updates "
            "it; the other rows add new actions."
        )
    planned = reader.read()
    for item in planned:
        if item.timescale_status is not None:
            if item.status not in (None, item.timescale_status):
                reader.problem(
                    item.row,
                    "status",
                    f"The timescale says "
                    f"{item.timescale_status.label} but the status says "
                    f"{item.status.label}. Make them agree.",
                )
                item.has_problems = True
            item.status = item.timescale_status
            if item.status == ActionStatus.COMPLETE and item.percent is None:
                item.percent = 100
        item.action = reader.existing.get(item.reference.lower())
        _plan_one_action(preview, sheet, item)
    for suggestion in reader.new_suggestions.values():
        preview.suggestions.append(
            {"row": suggestion.import_row, "reference": suggestion.reference,
             "title": suggestion.title}
        )  # fmt: skip
    preview.new_suggestions = list(reader.new_suggestions.values())


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
        if "description" in item.field_changes:
            preview.warnings.append(
                f"Row {item.row}: {item.reference}'s description would be replaced: "
                f"'{_clip(action.description, 80)}' becomes '{_clip(values['description'], 80)}'."
            )
    if item.recommendation and not item.has_problems and (action is None or item.field_changes):
        _validate(preview, sheet, item.row, candidate)
    _plan_milestones(preview, sheet, item)
    _plan_status(preview, sheet, item, candidate)
    if item.has_problems or len(preview.errors) > errors_before or not item.recommendation:
        return
    entry = {
        "row": item.row,
        "reference": item.reference,
        "changes": item.changes,
        "match": item.match.describe() if item.match else "",
        "records_update": bool(item.update),  # counted on the confirmation page
    }
    if action is None:
        entry |= {
            "recommendation": item.recommendation.reference,
            "kind": item.recommendation.kind,
            "timescale_note": values.get("timescale_note", ""),
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


def _plan_status(preview: Preview, sheet: Sheet, item: PlannedAction, candidate: Action) -> None:
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
    error = _update_error(
        action=candidate,
        status=status,
        percent=percent,
        commentary=commentary,
        open_milestones=_open_milestones_after(item),
    )
    if error:
        column = "commentary" if "commentary" in error[0] else "status"
        message = error[1]
        if column == "commentary" and "commentary" not in sheet.headers:
            message += (
                f" The file has no column for it: add a column called {FIELD_LABELS['commentary']}"
                f", or remove the {sheet.heading('status')}."
            )
        preview.errors.append(Problem(item.row, sheet.heading(column), message))
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


def _open_milestones_after(item: PlannedAction) -> list[str]:
    """The titles of the action's milestones still open once the row is written: those it has,
    as the row changes them, and the row's new ones."""
    changed = {existing.pk: text for existing, text in item.changed_milestones}
    existing = item.action.milestones.all() if item.action else []
    return [
        m.title
        for m in existing
        if (changed[m.pk].completed_on if m.pk in changed else m.completed_on) is None
    ] + [m.title for m in item.new_milestones if m.completed_on is None]


def _update_error(
    *, action: Action | None, status, percent, commentary, open_milestones=None
) -> tuple[str, str] | None:
    """Validate a progress update as the tracker would, without saving it: the one place an
    import asks the model's rules about a row's status, so rules added to
    ``ProgressUpdate.clean`` (which may read ``update.action``, unsaved for a new action, with
    its target date) apply to imports too."""
    update = ProgressUpdate(status=status, percent_complete=percent, commentary=commentary)
    update.open_milestones_after_save = open_milestones
    if action is not None:
        update.action = action
    try:
        update.clean()
        # Only the fields the row sets: the others hold their defaults, valid by definition.
        update.clean_fields(exclude=_UNSET_UPDATE_FIELDS)
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        return field_name, " ".join(messages)
    return None


_UNSET_UPDATE_FIELDS = [
    f.name
    for f in ProgressUpdate._meta.concrete_fields
    if f.name not in ("status", "percent_complete", "commentary")
]


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


def _apply_action_plan(preview: Preview, *, user) -> None:
    """Write a checked action plan in a few bulk statements, history rows included.

    Everything was validated while planning (the preview, re-run inside this transaction), so
    nothing is validated again row by row; the database's constraints still stand behind it."""
    now = timezone.now()
    history = {"default_user": user, "default_date": now, "batch_size": 500}
    if preview.new_suggestions:
        create_with_history(preview.new_suggestions, Recommendation, user=user, date=now)
    items = [op for op in preview.operations if isinstance(op, PlannedAction)]
    new = [item for item in items if item.action is None]
    changed = [item for item in items if item.action is not None and item.field_changes]
    for item in new:
        item.action = Action(
            recommendation=item.recommendation,
            reference=item.reference,
            created_at=now,
            **{name: value for name, (value, _) in item.values.items()},
        )
        if item.update:  # born with its first update's status, as that update is its latest
            item.action.status = item.update["status"]
            item.action.percent_complete = item.update["percent_complete"]
    if new:
        create_with_history([item.action for item in new], Action, user=user, date=now)
    _claim_versions(Action, [item.action for item in changed])
    fields: set[str] = set()
    for item in changed:
        for name, value in item.field_changes.items():
            setattr(item.action, name, value)
        fields |= set(item.field_changes)
    if changed:
        bulk_update_with_history(
            [item.action for item in changed], Action, [*sorted(fields), "version"], **history
        )
    milestones = [
        Milestone(action=item.action, title=m.title, due_date=m.due_date,
                  completed_on=m.completed_on)
        for item in items
        for m in item.new_milestones
    ]  # fmt: skip
    if milestones:
        create_with_history(milestones, Milestone, user=user, date=now)
    moved = [record for item in items for record, _ in item.changed_milestones]
    _claim_versions(Milestone, moved)
    for item in items:
        for record, milestone in item.changed_milestones:
            record.due_date, record.completed_on = milestone.due_date, milestone.completed_on
    if moved:
        bulk_update_with_history(
            moved, Milestone, ["due_date", "completed_on", "version"], **history
        )
    _create_imported_updates([item for item in items if item.update], user=user, now=now)


def _apply_quarterly_updates(operations: list[dict], *, user) -> None:
    """The sheet's updates in bulk: each action must still be at the version the preview read,
    and takes its new update's status (the newest, recorded now)."""
    if not operations:
        return
    now = timezone.now()
    actions = [operation["action"] for operation in operations]
    _claim_versions(Action, actions)
    insert_objects(
        ProgressUpdate,
        [
            ProgressUpdate(
                action=operation["action"],
                author=user,
                recorded_at=now,
                status=operation["status"],
                percent_complete=operation["percent_complete"],
                commentary=operation["commentary"],
                source=UpdateSource.IMPORT,
            )
            for operation in operations
        ],
    )
    _set_statuses([(op["action"], op["status"], op["percent_complete"]) for op in operations])


def _set_statuses(changes: list[tuple[Action, str, int]]) -> None:
    """Give each action its new status and percentage and move its version on, so a form
    opened before the import sees the change: one UPDATE per distinct (status, percent)
    rather than a CASE over every row, which is several times slower at 2,000 rows."""
    groups: dict[tuple[str, int], list[int]] = {}
    for action, status, percent in changes:
        action.status, action.percent_complete = status, percent
        groups.setdefault((status, percent), []).append(action.pk)
    for (status, percent), pks in groups.items():
        Action.objects.filter(pk__in=pks).update(
            status=status, percent_complete=percent, version=F("version") + 1
        )


def _claim_versions(model, records: list) -> None:
    """Move each record's version on, refusing the whole import if any is no longer the one
    planned from (someone saved it meanwhile). The rows stay locked until the import ends."""
    changed = model.objects.claim_all(records)
    if changed:
        raise ImportRefused(
            f"{changed[0]} was changed by someone else while importing. Nothing was imported: "
            "check the preview again."
        )


def _create_imported_updates(items: list[PlannedAction], *, user, now) -> None:
    """The plan's statuses as progress updates credited to each action's lead officer, recorded
    by the person importing; the action's status follows its newest update."""
    if not items:
        return
    updates = []
    for item in items:
        lead = item.action.lead_officer
        updates.append(
            ProgressUpdate(
                action=item.action,
                author=lead or user,
                recorded_by=user,
                recorded_at=now,
                status=item.update["status"],
                percent_complete=item.update["percent_complete"],
                commentary=item.update["commentary"],
                source=UpdateSource.IMPORT,
            )
        )
    insert_objects(ProgressUpdate, updates)
    _set_statuses(
        [
            (item.action, item.update["status"], item.update["percent_complete"])
            for item in items
            if item.action.created_at != now  # new actions were created with their status
        ]
    )


def _people_index(council) -> NameIndex:
    """The council's people, found by email, full name or username as people type them."""
    people = get_user_model().objects.filter(profile__council=council).order_by("pk")
    return NameIndex(
        people,
        names=lambda user: [user.get_full_name(), user.email, user.get_username()],
        what="person",
        where=str(council),
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
        if error := _update_error(
            action=action, status=status, percent=percent, commentary=new_commentary
        ):
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
        entry |= {
            "description": action.description[:160],
            "changes": changes,
            "records_update": True,
        }
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
