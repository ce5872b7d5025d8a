"""Writes that touch more than one row of the action plan.

Edits made in the browser carry the ``version`` of the action (or milestone) the person saw. A
write first moves the version on with a compare-and-swap; if someone else saved in between, the
swap matches no row and ``EditConflict`` says what changed instead of overwriting it."""

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from actions.choices import ActionStatus, Approval, UpdateSource
from actions.evidence import evidence_type, evidence_types
from actions.models import Action, Evidence, Milestone, ProgressUpdate, UpdateReminder, UpdateRound
from actions.plan_cache import actions_changed, plan_changed
from reviews.models import Recommendation, Review, council_lock
from tracker.people import display_name
from tracker.quarters import FinancialQuarter


class EditConflict(Exception):
    """Someone else saved the record after the person opened the page; nothing was written.

    ``changes`` describe those saves in words (see ``actions.selectors.changes_since``)."""

    def __init__(self, changes: list[str]):
        self.changes = changes
        super().__init__("The record was changed by someone else after the page was opened.")


def _conflict(*, action: Action, since: dt.datetime | None, milestone: Milestone | None = None):
    from actions.history import changes_since

    return EditConflict(changes_since(action=action, since=since, milestone=milestone))


@transaction.atomic
def progress_update_create(
    *,
    action: Action,
    author,
    status: str,
    percent_complete: int,
    commentary: str = "",
    evidence_url: str = "",
    recorded_at: dt.datetime | None = None,
    source: str = UpdateSource.WEB,
    corrects: ProgressUpdate | None = None,
    seen_version: int | None = None,
    seen_at: dt.datetime | None = None,
    completed_milestones: Iterable[tuple[Milestone, dt.date]] = (),
    revised_target_date: dt.date | None = None,
    target_revision_reason: str = "",
    evidence_files: Iterable = (),
) -> ProgressUpdate:
    """Record a progress update, with any evidence files, and make it the action's current
    status if it is the latest one that counts. An officer's update typed in the tracker
    waits as Submitted where the council asks for approval (``Action.needs_approval_from``);
    imports, corrections and approvers' own updates count at once.

    With ``seen_version`` (the action's version when the form was opened at ``seen_at``) the
    update is refused with ``EditConflict`` if anyone changed the action since.
    ``completed_milestones`` are (milestone, completion date) pairs saved with it."""
    evidence_files = list(evidence_files)
    evidence_types(evidence_files)  # all checked before anything is saved
    if not Action.objects.claim(pk=action.pk, seen_version=seen_version):
        raise _conflict(action=action, since=seen_at)
    for milestone, completed_on in completed_milestones:
        if milestone.action_id != action.pk:
            raise ValueError(f"Milestone {milestone.pk} is not one of action {action.pk}'s.")
        Milestone.objects.claim(pk=milestone.pk, seen_version=None)
        _milestone_save_complete(milestone, completed_on=completed_on, by=author)
    update = ProgressUpdate(
        action=action,
        author=author,
        status=status,
        percent_complete=percent_complete,
        commentary=commentary,
        evidence_url=evidence_url,
        recorded_at=recorded_at or timezone.now(),
        source=source,
        corrects=corrects,
        revised_target_date=revised_target_date,
        target_revision_reason=target_revision_reason,
        approval=(
            Approval.SUBMITTED
            if source == UpdateSource.WEB and action.needs_approval_from(author)
            else Approval.NOT_NEEDED
        ),
    )
    update.full_clean()
    update.save()
    for upload in evidence_files:
        evidence_attach(update=update, upload=upload, by=author)
    action_progress_refresh(action=action)
    return update


def evidence_attach(*, update: ProgressUpdate, upload, by) -> Evidence:
    """Store one uploaded file through the default storage as evidence for ``update``; its
    type is checked from its content again here, whoever calls."""
    extension, content_type = evidence_type(upload)
    evidence = Evidence(
        update=update,
        original_name=get_valid_filename(Path(upload.name).name)[:200] or "evidence",
        extension=extension,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    evidence.file.save(evidence.original_name, upload, save=False)
    evidence.save()
    return evidence


def action_progress_refresh(*, action: Action) -> None:
    """Make the action's own status, percent and revised target date those of its latest
    counted update, the shortcut every live list reads."""
    counted = action.updates.counted().order_by("-recorded_at", "-pk")
    latest = counted.first()
    revised = counted.filter(revised_target_date__isnull=False).first()
    fields = {
        "status": latest.status if latest else ActionStatus.NOT_STARTED,
        "percent_complete": latest.percent_complete if latest else 0,
        "revised_target_date": revised.revised_target_date if revised else None,
    }
    Action.objects.filter(pk=action.pk).update(**fields)
    actions_changed([action.pk])  # an update() sends no post_save
    for name, value in fields.items():
        setattr(action, name, value)
    action.version = Action.objects.values_list("version", flat=True).get(pk=action.pk)


class ReviewRefused(Exception):
    """The update was no longer waiting for approval (someone else accepted or returned it)."""


@transaction.atomic
def _progress_update_review(
    *, update: ProgressUpdate, by, approval: Approval, reason: str
) -> ProgressUpdate:
    if not update.action.can_approve(by):
        raise PermissionError(f"{by} may not approve updates to action {update.action_id}")
    # Compare-and-swap on the state: two approvers clicking at once decide it once.
    claimed = ProgressUpdate.objects.filter(pk=update.pk, approval=Approval.SUBMITTED).update(
        approval=approval, reviewed_by=by, reviewed_at=timezone.now(), review_reason=reason
    )
    if not claimed:
        raise ReviewRefused(f"Update {update.pk} is no longer waiting for approval.")
    actions_changed([update.action_id])  # the approval was an update(): no post_save
    update.refresh_from_db()
    # Open update forms on the action must see that its status may have moved.
    Action.objects.claim(pk=update.action_id, seen_version=None)
    action_progress_refresh(action=update.action)
    return update


def progress_update_accept(*, update: ProgressUpdate, by, note: str = "") -> ProgressUpdate:
    """Accept a submitted update: from now on it counts in the dashboard, exports and reports,
    and becomes the action's status if it is the latest that counts."""
    return _progress_update_review(update=update, by=by, approval=Approval.ACCEPTED, reason=note)


def progress_update_return(*, update: ProgressUpdate, by, reason: str) -> ProgressUpdate:
    """Send a submitted update back to its author with a reason; it never counts, and the
    action goes to the top of the author's to-do list until a new update is recorded."""
    if not reason.strip():
        raise ValueError("A returned update needs a reason.")
    return _progress_update_review(
        update=update, by=by, approval=Approval.RETURNED, reason=reason.strip()
    )


def _milestone_save_complete(milestone: Milestone, *, completed_on: dt.date, by) -> None:
    """Save a completion through the model, so its history records who; the caller has already
    moved its version on."""
    milestone.refresh_from_db()
    milestone.completed_on = completed_on
    milestone.full_clean()
    milestone._history_user = by
    milestone.save()


@transaction.atomic
def milestone_complete(
    *,
    milestone: Milestone,
    completed_on: dt.date,
    by,
    seen_version: int,
    seen_at: dt.datetime | None = None,
) -> Milestone:
    """Mark a milestone complete; refused with ``EditConflict`` if it changed since it was seen.

    The action's version moves on too, so an update form opened before this sees the change."""
    if not Milestone.objects.claim(pk=milestone.pk, seen_version=seen_version):
        raise _conflict(action=milestone.action, since=seen_at, milestone=milestone)
    _milestone_save_complete(milestone, completed_on=completed_on, by=by)
    Action.objects.claim(pk=milestone.action_id, seen_version=None)
    return milestone


@transaction.atomic
def action_lead_reassign(
    *,
    action: Action,
    lead_officer,
    by,
    seen_version: int,
    seen_at: dt.datetime | None = None,
    reason: str = "",
    base_url: str = "",
) -> Action:
    """Give the action a new lead officer, recorded in its history against ``by`` with the
    reason, and email the new lead once the change is saved."""
    if not Action.objects.claim(pk=action.pk, seen_version=seen_version):
        raise _conflict(action=action, since=seen_at)
    action.refresh_from_db()
    action.lead_officer = lead_officer
    action._history_user = by
    action._change_reason = reason[:100]  # simple-history's column is 100 characters
    action.save(update_fields=["lead_officer"])
    if lead_officer.email:
        by_name = by.get_full_name() or by.get_username()
        link = f"\n\n{base_url.rstrip('/')}{action.get_absolute_url()}" if base_url else ""
        message = (
            f"Dear {lead_officer.get_full_name() or lead_officer.get_username()},\n\n"
            f"{by_name} has made you the lead officer of action {action.reference}:\n"
            f"{action.description[:300]}\n\nWhy: {reason}{link}\n\n"
            "It is now on your My actions list in the tracker.\n"
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"You now lead action {action.reference}",
                message=message,
                from_email=None,
                recipient_list=[lead_officer.email],
            )
        )
    return action


@transaction.atomic
def progress_update_correct(
    *,
    original: ProgressUpdate,
    author,
    status: str,
    percent_complete: int,
    commentary: str,
    seen_version: int,
    seen_at: dt.datetime | None = None,
) -> ProgressUpdate:
    """Put right an earlier entry by adding a correcting one; the original stays on record."""
    return progress_update_create(
        action=original.action,
        author=author,
        status=status,
        percent_complete=percent_complete,
        commentary=commentary,
        source=UpdateSource.CORRECTION,
        corrects=original,
        seen_version=seen_version,
        seen_at=seen_at,
    )


@transaction.atomic
def update_round_open(
    *, council, quarter: FinancialQuarter, deadline: dt.date, opened_by
) -> UpdateRound:
    """Open a round of quarterly updates; the database allows one open round per quarter."""
    council_lock(council)  # a double submit waits here, then is refused by full_clean below
    update_round = UpdateRound(
        council=council,
        quarter_start_year=quarter.start_year,
        quarter_number=quarter.number,
        deadline=deadline,
        opened_by=opened_by,
    )
    update_round.full_clean()
    update_round.save()
    return update_round


def update_round_close(*, update_round: UpdateRound) -> UpdateRound:
    UpdateRound.objects.filter(pk=update_round.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    update_round.refresh_from_db()
    return update_round


def update_reminders_plan(*, update_round: UpdateRound, base_url: str = "") -> list[dict]:
    """Who a reminder would go to now and what it would say, for the preview and for sending:
    ``[{owner, actions, subject, body}]`` with ``owner`` None for actions nobody leads (they
    have no ``subject``/``body``). Owners without an email address are listed too."""
    outstanding = (
        update_round.outstanding_actions()
        .select_related("lead_officer", "recommendation__review")
        .order_by("lead_officer__last_name", "lead_officer_id", "recommendation", "reference")
    )
    by_owner: dict = {}
    for action in outstanding:
        by_owner.setdefault(action.lead_officer, []).append(action)
    plan = []
    for owner, actions in by_owner.items():
        entry = {"owner": owner, "actions": actions, "subject": "", "body": ""}
        if owner is not None:
            lines = [
                f"- {a.reference} {a.description[:120]} "
                f"(now: {ActionStatus(a.status).label}, {a.percent_complete}%)"
                + (
                    f"\n  {base_url.rstrip('/')}{a.get_absolute_url()}updates/new/"
                    if base_url
                    else ""
                )
                for a in actions
            ]
            entry["subject"] = (
                f"Progress updates for {update_round.quarter.label} due by "
                f"{update_round.deadline:%-d %B %Y}"
            )
            entry["body"] = (
                f"Dear {display_name(owner)},\n\n"
                f"Please record a progress update for {update_round.quarter.label} on these "
                f"actions by {update_round.deadline:%A %-d %B %Y}:\n\n"
                + "\n".join(lines)
                + "\n\nSign in to the tracker and open My actions to add each update.\n"
            )
        plan.append(entry)
    return plan


def update_reminders_send(
    *, update_round: UpdateRound, dry_run: bool = False, base_url: str = "", sent_by=None
) -> dict:
    """Email each lead officer once, listing their actions still lacking an update this round,
    and record each email sent (``UpdateReminder``: who was chased when, and by whom).

    Returns ``{owner: [actions]}`` for everyone reminded and, under None, outstanding actions
    that have no lead officer to remind."""
    plan = update_reminders_plan(update_round=update_round, base_url=base_url)
    for entry in plan:
        owner = entry["owner"]
        if owner is None or not owner.email or dry_run:
            continue
        send_mail(
            subject=entry["subject"],
            message=entry["body"],
            from_email=None,
            recipient_list=[owner.email],
        )
        UpdateReminder.objects.create(
            update_round=update_round,
            recipient=owner,
            email=owner.email,
            action_count=len(entry["actions"]),
            sent_by=sent_by,
        )
    return {entry["owner"]: entry["actions"] for entry in plan}


def council_approval_set(*, council, updates_need_approval: bool) -> None:
    """Switch approval on or off. Updates already submitted keep waiting either way: switching
    off does not make unreviewed updates count behind the approvers' backs."""
    type(council).objects.filter(pk=council.pk).update(updates_need_approval=updates_need_approval)
    plan_changed(council_ids={council.pk})
    council.updates_need_approval = updates_need_approval


def _closing_problems(*, review, closed_on: dt.date, continues_in: str) -> dict[str, str]:
    errors = {}
    if closed_on > timezone.localdate():
        errors["closed_on"] = "The date it closed cannot be in the future"
    elif closed_on < review.onsite_start:
        errors["closed_on"] = "The date it closed must be after the review began"
    if not continues_in.strip():
        errors["continues_in"] = "Enter where the work continues, like Corporate Plan 2025\u201330"
    return errors


@transaction.atomic
def recommendations_close(
    *, recommendations: Iterable[Recommendation], closed_on: dt.date, continues_in: str, by
) -> int:
    """Close open recommendations of one review: they stay visible and in every report, and
    their actions leave the quarterly chase. Recorded in each one's history. Returns how many
    were closed (those already closed keep their date)."""
    recommendations = [r for r in recommendations if not r.is_closed]
    if not recommendations:
        return 0
    review = recommendations[0].review
    errors = _closing_problems(review=review, closed_on=closed_on, continues_in=continues_in)
    if errors:
        raise ValidationError(errors)
    for recommendation in recommendations:
        recommendation.closed_on = closed_on
        recommendation.continues_in = continues_in.strip()
        recommendation.closed_by = by
        recommendation._change_reason = f"Closed: continues in {recommendation.continues_in}"
        recommendation.save(update_fields=["closed_on", "continues_in", "closed_by"])
    return len(recommendations)


def plan_close(*, review: Review, closed_on: dt.date, continues_in: str, by) -> int:
    """Close a whole plan: every recommendation of ``review`` not closed yet."""
    return recommendations_close(
        recommendations=review.recommendations.select_related("review"),
        closed_on=closed_on,
        continues_in=continues_in,
        by=by,
    )
