"""The audit trail of an action in words: its progress updates with the status each replaced,
and every saved change to it and its milestones (django-simple-history), for the action page and
for the message shown when a save is refused because someone else saved first."""

import datetime as dt

from django.utils import dateformat, timezone

from actions.choices import ActionStatus
from actions.models import Action, Milestone
from tracker.people import display_name


def _person(user, unknown: str = "Someone") -> str:
    if user is None:
        return unknown
    return display_name(user)


def _moment(when: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(when), "j F Y \\a\\t H:i")


_HIDDEN_FIELDS = {"version"}


def _field_value(model, field_name: str, value, names: dict) -> str:
    """A history value in words: people and other records by name, dates as dates."""
    if value in (None, ""):
        return "blank"
    field = model._meta.get_field(field_name)
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if isinstance(value, dt.date):
        return dateformat.format(value, "j F Y")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _describe_history(records, model) -> list[dict]:
    """Each saved change as {when, who, kind, title, changes: [(field label, old, new)]}.

    Related ids are turned into names with one query per related model, not per row."""
    records = list(records)
    pairs = []
    wanted: dict = {}
    for record in records:
        previous = record.prev_record if record.history_type == "~" else None
        delta = record.diff_against(previous) if previous is not None else None
        changes = [c for c in (delta.changes if delta else []) if c.field not in _HIDDEN_FIELDS]
        for change in changes:
            field = model._meta.get_field(change.field)
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(
                    v for v in (change.old, change.new) if v is not None
                )
        pairs.append((record, changes))
    names = {}
    for related_model, ids in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            label = obj.get_full_name() if hasattr(obj, "get_full_name") else str(obj)
            names[(related_model, obj.pk)] = label or str(obj)
    described = []
    for record, changes in pairs:
        if record.history_type == "~" and not changes:
            continue
        described.append(
            {
                "when": record.history_date,
                # No user: saved outside a request, by a data load or a command.
                "who": _person(record.history_user, unknown="Data load"),
                "kind": record.get_history_type_display(),
                "reason": record.history_change_reason or "",
                "title": str(record.instance),
                "subject": f"Milestone “{record.instance}”" if model is Milestone else "Action",
                "changes": [
                    (
                        str(model._meta.get_field(c.field).verbose_name).capitalize(),
                        _field_value(model, c.field, c.old, names),
                        _field_value(model, c.field, c.new, names),
                    )
                    for c in changes
                ],
            }
        )
    return described


def action_change_history(action: Action) -> list[dict]:
    """Every recorded change to an action and its milestones, newest first (see
    ``_describe_history``); progress updates are listed separately."""
    entries = _describe_history(
        action.history.select_related("history_user").order_by("history_date"), Action
    ) + _describe_history(
        Milestone.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("history_date"),
        Milestone,
    )
    return sorted(entries, key=lambda entry: entry["when"], reverse=True)


def update_history(action: Action) -> list[dict]:
    """The action's progress updates newest first, each with the status it replaced.

    Uses the prefetched ``updates`` (with authors) when present."""
    updates = sorted(action.updates.all(), key=lambda u: (u.recorded_at, u.pk))
    previous_status = None
    rows = []
    for update in updates:
        rows.append({"update": update, "previous_status": previous_status})
        previous_status = update.status
    return rows[::-1]


def changes_since(
    *, action: Action, since: dt.datetime | None, milestone: Milestone | None = None
) -> list[str]:
    """In words, who changed the action (or just ``milestone``) at or after ``since``: the
    message shown when a save is refused because the page was out of date."""
    since = since or timezone.now() - dt.timedelta(hours=1)
    lines = []
    if milestone is None:
        for update in (
            action.updates.filter(recorded_at__gte=since)
            .select_related("author")
            .order_by("recorded_at", "pk")
        ):
            lines.append(
                f"{_person(update.author)} added a progress update on {_moment(update.recorded_at)}"
                f": {ActionStatus(update.status).label}, {update.percent_complete}% complete."
            )
        for entry in _describe_history(
            action.history.filter(history_date__gte=since)
            .select_related("history_user")
            .order_by("history_date"),
            Action,
        ):
            for label, old, new in entry["changes"]:
                lines.append(
                    f"{entry['who']} changed {label.lower()} from {old} to {new} on "
                    f"{_moment(entry['when'])}."
                )
    milestones = Milestone.history.filter(action_id=action.pk, history_date__gte=since)
    if milestone is not None:
        milestones = milestones.filter(id=milestone.pk)
    for entry in _describe_history(
        milestones.select_related("history_user").order_by("history_date"), Milestone
    ):
        for label, old, new in entry["changes"]:
            lines.append(
                f"{entry['who']} changed {label.lower()} of the milestone “{entry['title']}” "
                f"from {old} to {new} on {_moment(entry['when'])}."
            )
    return lines or ["Someone else saved a change to it after you opened this page."]
