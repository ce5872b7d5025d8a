"""Reads of the action plan as it stood at a given day, for dashboards and Cabinet reports.

Everything is computed from the update history with subqueries, so a list of any length costs
the same few queries, and a past quarter can be read today exactly as it was then."""

import datetime as dt

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from actions.choices import ActionStatus, Direction
from actions.models import Action, ProgressUpdate, end_of_day


def _latest_update_by(day: dt.date):
    return ProgressUpdate.objects.filter(
        action=OuterRef("pk"), recorded_at__lte=end_of_day(day)
    ).order_by("-recorded_at", "-pk")


def actions_as_at(queryset: QuerySet[Action], *, day: dt.date, previous_day: dt.date):
    """Annotate actions with what their latest update said at the end of ``day`` and of
    ``previous_day`` (usually the previous quarter-end): ``status_then``, ``percent_then``,
    ``commentary_then``, ``updated_then`` (when that update was recorded) and
    ``status_before``. Values are None where there was no update yet."""
    latest = _latest_update_by(day)
    return queryset.annotate(
        status_then=Subquery(latest.values("status")[:1]),
        percent_then=Subquery(latest.values("percent_complete")[:1]),
        commentary_then=Subquery(latest.values("commentary")[:1]),
        updated_then=Subquery(latest.values("recorded_at")[:1]),
        status_before=Subquery(_latest_update_by(previous_day).values("status")[:1]),
    )


def status_then(action: Action, *, day: dt.date) -> ActionStatus | None:
    """The status of an action annotated by ``actions_as_at`` at ``day``."""
    return action.status_as_reported(action.status_then, day)


def status_before(action: Action, *, previous_day: dt.date) -> ActionStatus | None:
    """The status of an action annotated by ``actions_as_at`` at ``previous_day``."""
    return action.status_as_reported(action.status_before, previous_day)


def direction_of(action: Action, *, day: dt.date, previous_day: dt.date) -> Direction:
    """Direction of travel of an action annotated by ``actions_as_at``."""
    return Direction.between(
        status_before(action, previous_day=previous_day), status_then(action, day=day)
    )


def recommendation_direction(
    actions: list[Action], *, day: dt.date, previous_day: dt.date
) -> Direction | None:
    """A recommendation's direction: compare its rolled-up status at the two quarter-ends.

    ``actions`` are its actions annotated by ``actions_as_at``; None when it has none."""
    now = ActionStatus.rollup(
        s for a in actions if (s := status_then(a, day=day)) is not None
    )  # fmt: skip
    before_statuses = [
        s for a in actions if (s := status_before(a, previous_day=previous_day)) is not None
    ]
    if now is None:
        return None
    return Direction.between(ActionStatus.rollup(before_statuses), now)


def status_counts_at(queryset: QuerySet[Action], *, day: dt.date) -> dict[str, int]:
    """How many of ``queryset``'s actions stood at each status at the end of ``day``, in one
    grouped query: the latest update's status, or Not started for an action already begun
    without one (as ``status_then`` reads it). Actions not yet begun are left out."""
    begun = Q(start_date__isnull=True) | Q(start_date__lte=day)
    rows = (
        queryset.annotate(
            status_at_day=Coalesce(
                Subquery(_latest_update_by(day).values("status")[:1]),
                Case(When(begun, then=Value(ActionStatus.NOT_STARTED.value)), default=None),
            )
        )
        .filter(status_at_day__isnull=False)
        .values("status_at_day")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["status_at_day"]: row["count"] for row in rows}
