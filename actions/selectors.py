"""Reads of the action plan as it stood at a given day, for dashboards and Cabinet reports.

Everything is computed from the update history with subqueries, so a list of any length costs
the same few queries, and a past quarter can be read today exactly as it was then."""

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from actions.choices import ActionStatus, Direction
from actions.models import Action, ProgressUpdate, end_of_day
from reviews.models import PeerFeedback, Recommendation, Review


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


def _recommendations_with_status():
    return (
        recommendations_with_rollup()
        .select_related("theme")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.only("id", "status", "recommendation_id")),
            Prefetch(
                "feedback",
                queryset=PeerFeedback.objects.select_related("review", "theme"),
            ),
        )
    )


def reviews_overview(*, user):
    """Every review the person may see, newest first, with its recommendations, their action
    counts and statuses, and the peer feedback they received."""
    reviews = (
        Review.objects.visible_to(user)
        .select_related("council", "follows_up")
        .order_by("-onsite_start")
    )
    return reviews.prefetch_related(
        Prefetch("recommendations", queryset=_recommendations_with_status()),
        Prefetch(
            "feedback",
            queryset=PeerFeedback.objects.select_related("recommendation__review", "theme"),
        ),
    )


def review_detail(*, user, slug: str):
    return reviews_overview(user=user).prefetch_related("peer_team", "themes").get(slug=slug)


def recommendation_detail(*, user, slug: str, number: int) -> Recommendation:
    return (
        recommendations_with_rollup(Recommendation.objects.visible_to(user))
        .select_related("review__council", "theme")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("lead_officer", "directorate"),
            ),
            Prefetch("feedback", queryset=PeerFeedback.objects.select_related("review", "theme")),
        )
        .get(review__slug=slug, number=number)
    )


def _open_action_with(status: str):
    return Exists(Action.objects.filter(recommendation=OuterRef("pk"), status=status))


def recommendations_with_rollup(queryset=None):
    """Recommendations annotated with ``action_count`` and ``rolled_up_status``: the status
    ``ActionStatus.rollup`` gives (the worst open action wins), worked out in the database so
    lists can filter and sort on it. None where the plan has no actions yet."""
    queryset = Recommendation.objects.all() if queryset is None else queryset
    worst_first = [
        ActionStatus.OFF_TRACK,
        ActionStatus.AT_RISK,
        ActionStatus.ON_TRACK,
        ActionStatus.NOT_STARTED,
        ActionStatus.COMPLETE,
        ActionStatus.CLOSED,
    ]
    action_count = (
        Action.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        action_count=Coalesce(Subquery(action_count), 0),
        rolled_up_status=Case(
            *(When(_open_action_with(s), then=Value(s.value)) for s in worst_first),
            default=None,
            output_field=CharField(),
        ),
    )


def recommendation_list(*, user, day: dt.date, previous_day: dt.date):
    """The recommendations a person may see, with rolled-up status, and their actions as at
    ``day`` and ``previous_day`` prefetched for direction of travel: a fixed number of queries."""
    actions = actions_as_at(Action.objects.order_by(), day=day, previous_day=previous_day)
    return (
        recommendations_with_rollup(Recommendation.objects.visible_to(user))
        .select_related("review", "theme")
        .prefetch_related(Prefetch("actions", queryset=actions, to_attr="actions_as_at"))
    )
