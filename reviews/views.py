from django.http import Http404
from django.views.generic import TemplateView

from actions.models import Action
from reviews import selectors
from reviews.models import Recommendation, Review


class OverviewView(TemplateView):
    """Every review with its recommendations, their action counts and current status."""

    template_name = "reviews/overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reviews=selectors.reviews_overview(user=self.request.user),
            show_sample_banner=Action.objects.filter(is_sample=True).exists(),
            **kwargs,
        )


class ReviewDetailView(TemplateView):
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        try:
            review = selectors.review_detail(user=self.request.user, slug=self.kwargs["slug"])
        except Review.DoesNotExist as exc:
            raise Http404("No such review") from exc
        return super().get_context_data(review=review, **kwargs)


class RecommendationDetailView(TemplateView):
    template_name = "reviews/recommendation_detail.html"

    def get_context_data(self, **kwargs):
        try:
            recommendation = selectors.recommendation_detail(
                user=self.request.user, slug=self.kwargs["slug"], number=self.kwargs["number"]
            )
        except Recommendation.DoesNotExist as exc:
            raise Http404("No such recommendation") from exc
        return super().get_context_data(
            recommendation=recommendation,
            show_sample_banner=any(a.is_sample for a in recommendation.actions.all()),
            **kwargs,
        )
