"""Writes that touch more than one row of the action plan."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from actions.choices import UpdateSource
from actions.models import Action, Milestone, ProgressUpdate


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
) -> ProgressUpdate:
    """Record a progress update and make it the action's current status if it is the latest."""
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
    )
    update.full_clean()
    update.save()
    latest = action.updates.order_by("-recorded_at", "-pk").first()
    Action.objects.filter(pk=action.pk).update(
        status=latest.status, percent_complete=latest.percent_complete
    )
    action.status, action.percent_complete = latest.status, latest.percent_complete
    return update


@transaction.atomic
def sample_plan_load(*, data: dict, council, people: dict) -> int:
    """Load the illustrative sample action plan; returns how many rows it added.

    ``people`` maps the usernames the file names to users. Actions are matched on their
    reference and updates on their timestamp, so a second run adds nothing."""
    from reviews.models import Directorate, Portfolio, Recommendation

    added = 0
    directorates = {d.name: d for d in Directorate.objects.filter(council=council)}
    portfolios = {p.name: p for p in Portfolio.objects.filter(council=council)}
    for item in data["actions"]:
        recommendation = Recommendation.objects.get(
            review__council=council, review__slug=item["review"], number=item["recommendation"]
        )
        action, created = Action.objects.get_or_create(
            recommendation=recommendation,
            reference=item["reference"],
            defaults={
                "description": item["description"],
                "lead_officer": people.get(item.get("lead_officer")),
                "directorate": directorates.get(item.get("directorate")),
                "portfolio": portfolios.get(item.get("portfolio")),
                "start_date": _date(item.get("start_date")),
                "target_date": _date(item.get("target_date")),
                "expected_outcome": item.get("expected_outcome") or "",
                "grounded_in": _grounding(item),
                "is_sample": True,
                "created_at": _moment(item.get("start_date")) or timezone.now(),
            },
        )
        added += created
        for milestone in item.get("milestones", []):
            _, created = Milestone.objects.get_or_create(
                action=action,
                title=milestone["title"],
                defaults={
                    "due_date": _date(milestone["due_date"]),
                    "completed_on": _date(milestone.get("completed_on")),
                },
            )
            added += created
        for update in item.get("updates", []):
            recorded_at = _moment(update["date"])
            if action.updates.filter(recorded_at=recorded_at).exists():
                continue
            progress_update_create(
                action=action,
                author=people[update["author"]],
                status=update["status"],
                percent_complete=update["percent"],
                commentary=update.get("commentary") or "",
                recorded_at=recorded_at,
                source=UpdateSource.SAMPLE,
            )
            added += 1
    return added


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _moment(value):
    """Sample entries are stamped mid-morning on their day, council time."""
    if not value:
        return None
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(value), dt.time(10, 0)))


def _grounding(item) -> str:
    quote, source = item.get("grounded_in") or "", item.get("grounded_in_source") or ""
    return f"{quote} ({source})" if quote and source else quote
