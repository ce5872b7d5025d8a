from collections import namedtuple

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from actions.plan_cache import council_cached
from dashboard.selectors import dashboard_for
from reviews.choices import ReviewKind
from reviews.models import Review
from tracker.tenancy import council_of

ReviewOption = namedtuple("ReviewOption", "pk slug title kind")
ALL_REVIEWS = "all"  # ?review=all: every review of the council's improvement plan combined


def _review_options(user) -> tuple[tuple[ReviewOption, ...], str]:
    """The reviews the picker offers, newest first, and their ids for the page's cache key."""
    rows = tuple(
        ReviewOption(*row)
        for row in Review.objects.visible_to(user)
        .exclude(kind=ReviewKind.PROGRESS_REVIEW)
        .order_by("-onsite_start")
        .values_list("pk", "slug", "title", "kind")
    )
    return rows, ",".join(str(r.pk) for r in rows)


class DashboardView(TemplateView):
    """Cabinet and Scrutiny's view of one review's plan (the latest CPC unless ?review= picks
    another), or of every review combined (?review=all: councils answer a peer challenge, a
    CIPFA review and their auditors in one improvement plan): headline figures, direction of
    travel and charts, each drilling down."""

    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        council = None if user.is_superuser else council_of(user)
        # The picker's list of reviews, kept with the plan as plain tuples (a large council has
        # hundreds of reviews; unpickling hundreds of model instances per request is not flat).
        picker = council_cached(
            {"dashboard-reviews": lambda: _review_options(user)},
            council_id=council.pk if council else None,
        )["dashboard-reviews"]
        reviews, review_ids = picker
        slug = self.request.GET.get("review")
        if slug == ALL_REVIEWS:
            chosen = list(reviews)
        elif slug:
            chosen = [r for r in reviews if r.slug == slug]
            if not chosen:
                raise Http404("No such review")
        else:
            cpcs = [r for r in reviews if r.kind == ReviewKind.CPC]
            chosen = cpcs[:1] or list(reviews[:1])
        chosen_reviews = list(
            Review.objects.select_related("council")
            .filter(pk__in=[r.pk for r in chosen])
            .order_by("-onsite_start")
        )
        dashboard = (
            dashboard_for(user=user, reviews=chosen_reviews, today=timezone.localdate())
            if chosen_reviews
            else None
        )
        return super().get_context_data(
            reviews=reviews,
            review_ids=review_ids,
            chosen=ALL_REVIEWS
            if dashboard and dashboard.is_combined
            else (slug or (chosen_reviews[0].slug if chosen_reviews else "")),
            all_reviews=ALL_REVIEWS,
            dashboard=dashboard,
            show_sample_banner=bool(dashboard and dashboard.has_sample),
            **kwargs,
        )
