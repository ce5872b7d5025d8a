"""Reads of the action plan for lists that filter and sort in the database: the actions and
recommendations tables and the review pages. Each reads the plan on a day through
``Action.objects.as_at``, the rule ``actions.progress.plan_as_at`` reads too, and costs the same
few queries whatever the number of rows."""

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from actions.choices import ActionStatus
from actions.models import Action
from actions.progress import rolled_up_direction
from reviews.models import PeerFeedback, Recommendation, Review
from tracker.quarters import previous_quarter_end


def quarter_days(today: dt.date | None = None) -> dict:
    """Today and the previous quarter-end: the two days direction of travel compares."""
    today = today or timezone.localdate()
    return {"day": today, "previous_day": previous_quarter_end(today)}


def recommendation_direction(actions):
    """A recommendation's direction from its actions annotated by ``Action.objects.as_at``."""
    return rolled_up_direction((a.status_then, a.status_before) for a in actions)


def _recommendations_with_status():
    return (
        recommendations_with_rollup()
        .select_related("theme")
        .prefetch_related(
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
        .select_related("review__council", "theme", "lead_member", "lead_officer")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("lead_officer", "directorate"),
            ),
            Prefetch("feedback", queryset=PeerFeedback.objects.select_related("review", "theme")),
        )
        .get(review__slug=slug, number=number)
    )


def recommendations_with_rollup(queryset=None, *, day: dt.date | None = None):
    """Recommendations annotated with ``action_count`` and ``rolled_up_status`` at the end of
    ``day`` (default today): the status ``ActionStatus.rollup`` gives (the worst open action
    wins, actions not begun left out), worked out in the database so lists can filter and sort
    on it. None where the plan has no actions under way yet."""
    queryset = Recommendation.objects.all() if queryset is None else queryset
    day = day or timezone.localdate()
    # The first status of ROLLUP_ORDER any of its actions has: one ordered subquery per row,
    # so a page of 25 rows reads 25 recommendations' actions. (A CASE over one EXISTS per
    # status let PostgreSQL hash each EXISTS over every action of every council.)
    rank = Case(
        *(
            When(status_on_day=s.value, then=Value(n))
            for n, s in enumerate(ActionStatus.ROLLUP_ORDER)
        ),
        default=None,
        output_field=IntegerField(),
    )
    worst = (
        Action.objects.filter(recommendation=OuterRef("pk"))
        .with_status_at(day, name="status_on_day")
        .annotate(rank=rank)
        .filter(rank__isnull=False)
        .order_by("rank")
        .values("status_on_day")[:1]
    )

    action_count = (
        Action.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        action_count=Coalesce(Subquery(action_count), 0),
        rolled_up_status=Subquery(worst, output_field=CharField()),
    )


def recommendation_list(*, user, day: dt.date, previous_day: dt.date):
    """The recommendations a person may see, with rolled-up status, and their actions as at
    ``day`` and ``previous_day`` prefetched for direction of travel: a fixed number of queries."""
    actions = Action.objects.order_by().as_at(day, previous_day)
    return (
        recommendations_with_rollup(Recommendation.objects.visible_to(user), day=day)
        .select_related("review", "theme", "lead_member", "lead_officer")
        .prefetch_related(Prefetch("actions", queryset=actions, to_attr="actions_as_at"))
    )
