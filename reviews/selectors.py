"""Reads of reviews alone: lineage of recommendations across reviews and the review cycle.

What a review page shows of the action plan is read in ``actions.selectors``."""

import datetime as dt
from dataclasses import dataclass

from django.db import models

from reviews.choices import ReviewKind
from reviews.models import Recommendation, RecommendationLink, Review


@dataclass
class Chain:
    """Recommendations joined by links across reviews, oldest first, with the links' evidence."""

    recommendations: list[Recommendation]
    links: list[RecommendationLink]

    @property
    def newest(self) -> Recommendation:
        return self.recommendations[-1]

    @property
    def reviews(self) -> list[Review]:
        seen = {}
        for recommendation in self.recommendations:
            seen.setdefault(recommendation.review_id, recommendation.review)
        return list(seen.values())

    def steps(self):
        """Each recommendation with the links by which it takes up earlier ones."""
        by_later = {}
        for link in self.links:
            by_later.setdefault(link.later_id, []).append(link)
        return [(r, by_later.get(r.pk, [])) for r in self.recommendations]


def _chronological(recommendation: Recommendation):
    return (recommendation.review.onsite_start, recommendation.review_id, recommendation.number)


def recommendation_chains(*, user) -> list[Chain]:
    """Every chain of linked recommendations (a connected component of the links, followed
    both ways and transitively) that the person may see, newest recommendation first. One
    query, whatever the number of links."""
    links = list(
        RecommendationLink.objects.filter(
            later__in=Recommendation.objects.visible_to(user)
        ).select_related("later__review", "earlier__review", "later__theme", "earlier__theme")
    )
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        while parent.setdefault(pk, pk) != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    nodes: dict[int, Recommendation] = {}
    for link in links:
        nodes[link.later_id], nodes[link.earlier_id] = link.later, link.earlier
        parent[root(link.later_id)] = root(link.earlier_id)
    groups: dict[int, Chain] = {}
    for pk, recommendation in nodes.items():
        groups.setdefault(root(pk), Chain([], [])).recommendations.append(recommendation)
    for link in links:
        groups[root(link.later_id)].links.append(link)
    chains = []
    for chain in groups.values():
        chain.recommendations.sort(key=_chronological)
        chain.links.sort(
            key=lambda link: (_chronological(link.later), _chronological(link.earlier))
        )
        if len(chain.reviews) > 1:
            chains.append(chain)
    return sorted(chains, key=lambda chain: _chronological(chain.newest), reverse=True)


def recommendation_chain(*, user, recommendation: Recommendation) -> Chain | None:
    """The whole chain a recommendation belongs to, or None if it is linked to nothing."""
    for chain in recommendation_chains(user=user):
        if any(r.pk == recommendation.pk for r in chain.recommendations):
            return chain
    return None


class CycleState(models.TextChoices):
    DONE = "done", "Done"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    NOT_RECORDED = "not_recorded", "Date not recorded"


@dataclass(frozen=True)
class CycleStep:
    label: str
    day: dt.date | None
    state: CycleState
    note: str = ""
    until: dt.date | None = None  # the last day, for a step that spans several


def review_cycle(review: Review, *, today: dt.date) -> list[CycleStep]:
    """The peer-challenge cycle of a review as dated steps, each Done, Due or Overdue against
    ``today``. A step counts as done when the records show it happened (a plan with actions, a
    later review that follows this one up, a later CPC), not merely because its date passed."""
    steps = [
        CycleStep(
            "On-site visit",
            review.onsite_start,
            CycleState.DONE if review.onsite_end <= today else CycleState.DUE,
            until=review.onsite_end if review.onsite_end != review.onsite_start else None,
        )
    ]
    if review.report_published:
        steps.append(CycleStep("Report published", review.report_published, CycleState.DONE))
    else:
        steps.append(CycleStep("Report published", None, CycleState.NOT_RECORDED))

    def deadline(label, day, happened, done_note, missing_note):
        if day is None:
            return
        if happened:
            steps.append(CycleStep(label, day, CycleState.DONE, done_note))
        elif day < today:
            steps.append(CycleStep(label, day, CycleState.OVERDUE, missing_note))
        else:
            steps.append(CycleStep(label, day, CycleState.DUE))

    if review.makes_recommendations:
        has_plan = review.recommendations.filter(actions__isnull=False).exists()
        deadline(
            "Action plan due",
            review.action_plan_due,
            has_plan,
            "actions are recorded",
            "no actions recorded yet",
        )
    follow_up = review.follow_ups.order_by("onsite_start").first()
    deadline(
        "Progress review due",
        review.progress_review_due,
        follow_up is not None,
        f"{follow_up.title}, {follow_up.onsite_start:%-d %B %Y}" if follow_up else "",
        "no follow-up review recorded",
    )
    next_cpc = (
        Review.objects.filter(
            council=review.council_id, kind=ReviewKind.CPC, onsite_start__gt=review.onsite_start
        )
        .order_by("onsite_start")
        .first()
    )
    deadline(
        "Next CPC due",
        review.next_cpc_due,
        next_cpc is not None,
        f"held {next_cpc.onsite_start:%-d %B %Y}" if next_cpc else "",
        "no later CPC recorded",
    )
    return steps
