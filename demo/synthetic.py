"""A synthetic council for measuring speed at scale; it never touches the source council's rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.choices import Role
from accounts.services import person_ensure, roles_ensure
from actions.models import Action, Milestone, ProgressUpdate
from actions.plan_cache import plan_changed
from reviews.models import (
    Council,
    Directorate,
    PeerFeedback,
    Portfolio,
    Recommendation,
    RecommendationLink,
    Review,
    Theme,
)

SYNTHETIC_SHORT_NAME = "Synthetic"
BATCH = 2000


@dataclass
class SyntheticCounts:
    reviews: int = 0
    recommendations: int = 0
    actions: int = 0
    milestones: int = 0
    updates: int = 0


def _synthetic_plan_delete(council: Council) -> None:
    """Remove an earlier synthetic plan, children first (the foreign keys protect). The council,
    its directorates and its people stay, to be reused."""
    actions = Action.objects.filter(recommendation__review__council=council)
    ProgressUpdate.objects.filter(action__in=actions).delete()
    Milestone.objects.filter(action__in=actions).delete()
    actions.delete()
    Review.objects.filter(council=council).update(follows_up=None)
    Review.objects.filter(council=council).delete()  # cascades to themes, recommendations, links


@transaction.atomic
def synthetic_council_create(*, scale: int, source: Council, password: str | None = None):
    """Create (or re-create) the council 'Synthetic' holding ``scale`` copies of ``source``'s
    reviews, themes, recommendations, links, feedback, actions, milestones and updates, with
    bulk inserts. Returns the new council, its Cabinet member and the counts."""
    if scale < 1:
        raise ValueError("The scale must be at least 1.")
    roles_ensure()
    council, _ = Council.objects.get_or_create(
        short_name=SYNTHETIC_SHORT_NAME,
        defaults={"name": "Synthetic Borough Council (generated test data)"},
    )
    _synthetic_plan_delete(council)
    directorates = {
        d.pk: Directorate.objects.get_or_create(council=council, name=d.name)[0]
        for d in Directorate.objects.filter(council=source)
    }
    portfolios = {
        p.pk: Portfolio.objects.get_or_create(council=council, name=p.name)[0]
        for p in Portfolio.objects.filter(council=source)
    }
    source_actions = list(Action.objects.filter(recommendation__review__council=source))
    people_ids = {a.lead_officer_id for a in source_actions} | set(
        ProgressUpdate.objects.filter(action__in=source_actions).values_list("author_id", flat=True)
    )
    people_ids.discard(None)
    people = {
        user.pk: person_ensure(
            username=f"synthetic-{user.username}"[:150],
            council=council,
            role=Role.OFFICER,
            first_name=user.first_name,
            last_name=user.last_name,
            password=None,
        )
        for user in get_user_model().objects.filter(pk__in=people_ids)
    }
    cabinet = person_ensure(
        username="synthetic-cabinet",
        council=council,
        role=Role.CABINET,
        first_name="Synthetic",
        last_name="Cabinet member",
        password=password,
    )

    reviews = list(Review.objects.filter(council=source).order_by("onsite_start"))
    themes = list(Theme.objects.filter(review__council=source))
    recommendations = list(Recommendation.objects.filter(review__council=source))
    links = list(RecommendationLink.objects.filter(later__review__council=source))
    feedback = list(PeerFeedback.objects.filter(review__council=source))
    milestones = list(Milestone.objects.filter(action__in=source_actions))
    updates = list(ProgressUpdate.objects.filter(action__in=source_actions))
    counts = SyntheticCounts()
    for copy in range(1, scale + 1):
        new_reviews = {
            r.pk: Review(
                council=council,
                slug=f"synthetic-{copy}-{r.slug}"[:60],
                kind=r.kind,
                title=f"{r.title} (copy {copy})",
                summary=r.summary,
                onsite_start=r.onsite_start,
                onsite_end=r.onsite_end,
                report_published=r.report_published,
                action_plan_due=r.action_plan_due,
                progress_review_due=r.progress_review_due,
                next_cpc_due=r.next_cpc_due,
            )
            for r in reviews
        }
        Review.objects.bulk_create(new_reviews.values())
        for r in reviews:
            if r.follows_up_id:
                new_reviews[r.pk].follows_up = new_reviews[r.follows_up_id]
        Review.objects.bulk_update(new_reviews.values(), ["follows_up"])
        new_themes = {
            t.pk: Theme(review=new_reviews[t.review_id], number=t.number, title=t.title)
            for t in themes
        }
        Theme.objects.bulk_create(new_themes.values())
        new_recommendations = {
            r.pk: Recommendation(
                review=new_reviews[r.review_id],
                number=r.number,
                title=r.title,
                text=r.text,
                theme=new_themes.get(r.theme_id),
            )
            for r in recommendations
        }
        Recommendation.objects.bulk_create(new_recommendations.values())
        RecommendationLink.objects.bulk_create(
            RecommendationLink(
                later=new_recommendations[link.later_id],
                earlier=new_recommendations[link.earlier_id],
                kind=link.kind,
                evidence=link.evidence,
                evidence_source=link.evidence_source,
            )
            for link in links
        )
        PeerFeedback.objects.bulk_create(
            PeerFeedback(
                review=new_reviews[f.review_id],
                recommendation=new_recommendations[f.recommendation_id],
                theme=new_themes.get(f.theme_id),
                text=f.text,
            )
            for f in feedback
        )
        new_actions = {
            a.pk: Action(
                recommendation=new_recommendations[a.recommendation_id],
                reference=a.reference,
                description=a.description,
                lead_officer=people.get(a.lead_officer_id),
                directorate=directorates.get(a.directorate_id),
                portfolio=portfolios.get(a.portfolio_id),
                start_date=a.start_date,
                target_date=a.target_date,
                status=a.status,
                percent_complete=a.percent_complete,
                expected_outcome=a.expected_outcome,
                is_sample=a.is_sample,
                created_at=a.created_at,
            )
            for a in source_actions
        }
        Action.objects.bulk_create(new_actions.values(), batch_size=BATCH)
        Milestone.objects.bulk_create(
            (
                Milestone(
                    action=new_actions[m.action_id],
                    title=m.title,
                    due_date=m.due_date,
                    completed_on=m.completed_on,
                )
                for m in milestones
            ),
            batch_size=BATCH,
        )
        ProgressUpdate.objects.bulk_create(
            (
                ProgressUpdate(
                    action=new_actions[u.action_id],
                    author=people[u.author_id],
                    recorded_at=u.recorded_at,
                    status=u.status,
                    percent_complete=u.percent_complete,
                    commentary=u.commentary,
                    source=u.source,
                )
                for u in updates
            ),
            batch_size=BATCH,
        )
        counts.reviews += len(new_reviews)
        counts.recommendations += len(new_recommendations)
        counts.actions += len(new_actions)
        counts.milestones += len(milestones)
        counts.updates += len(updates)
    plan_changed(council_ids={council.pk})  # bulk inserts send no post_save
    return council, cabinet, counts
