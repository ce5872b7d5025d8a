"""A small action plan built in code, at any size, for the dashboard and table tests."""

import datetime as dt

from django.utils import timezone

from actions.services import progress_update_create
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)


def moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def update(action, day: dt.date, status: str, percent: int = 10):
    progress_update_create(
        action=action,
        author=action.lead_officer,
        status=status,
        percent_complete=percent,
        commentary="Noted.",
        recorded_at=moment(day),
    )


def plan_build(*, council, size: int, today: dt.date, slug: str = "2023-cpc"):
    """A CPC with two themes and ``size`` actions per theme, each with a milestone and updates
    either side of the previous quarter-end (30 September when today is in Q3)."""
    review = ReviewFactory(council=council, slug=slug)
    themes = [ThemeFactory(review=review, number=n, title=f"Theme {n}") for n in (1, 2)]
    previous_end = dt.date(today.year, 9, 30)
    actions = []
    for theme in themes:
        recommendation = RecommendationFactory(review=review, theme=theme)
        for n in range(size):
            action = ActionFactory(
                recommendation=recommendation,
                reference=f"R{recommendation.number}.{n + 1}",
                start_date=dt.date(today.year - 1, 4, 1),
                target_date=today + dt.timedelta(days=60),
            )
            update(action, previous_end - dt.timedelta(days=20), "on_track")
            update(action, today - dt.timedelta(days=3), "at_risk" if n % 2 else "on_track")
            MilestoneFactory(action=action, due_date=today - dt.timedelta(days=5))
            actions.append(action)
    return review, actions
