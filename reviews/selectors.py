"""Reads for the review pages, shaped so each page runs a fixed number of queries."""

from django.db.models import Count, Prefetch

from actions.models import Action
from reviews.models import PeerFeedback, Recommendation, Review


def _recommendations_with_status():
    return (
        Recommendation.objects.select_related("theme")
        .annotate(action_count=Count("actions"))
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
        Recommendation.objects.visible_to(user)
        .select_related("review__council", "theme")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("lead_officer", "directorate"),
            ),
            Prefetch("feedback", queryset=PeerFeedback.objects.select_related("review", "theme")),
            "links_to_earlier__earlier__review",
            "links_to_later__later__review",
        )
        .get(review__slug=slug, number=number)
    )
