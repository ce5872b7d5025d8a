"""The illustrative sample action plan of the demo: every action grounded in a commitment the
source documents state, labelled as sample data wherever it is shown."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from actions.choices import UpdateSource
from actions.models import Action, Milestone
from actions.services import progress_update_create
from reviews.models import Directorate, Portfolio, Recommendation


@transaction.atomic
def sample_plan_load(*, data: dict, council, people: dict) -> int:
    """Load the illustrative sample action plan; returns how many rows it added.

    ``people`` maps the usernames the file names to users. Actions are matched on their
    reference and updates on their timestamp, so a second run adds nothing."""
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
