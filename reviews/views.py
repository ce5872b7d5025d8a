from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from actions.models import Action
from actions.selectors import actions_as_at, recommendation_direction
from reviews import selectors
from reviews.filtersets import RecommendationFilterSet
from reviews.models import Recommendation, Review
from reviews.tables import RecommendationTable
from tracker.exports import SafeExportMixin
from tracker.quarters import FinancialQuarter


def quarter_days() -> dict:
    """Today and the previous quarter-end: the two days direction of travel compares."""
    today = timezone.localdate()
    return {"day": today, "previous_day": FinancialQuarter.containing(today).previous().end}


class OverviewView(TemplateView):
    """Every review with its recommendations, their action counts and current status."""

    template_name = "reviews/overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reviews=selectors.reviews_overview(user=self.request.user),
            # Per council: another council's sample plan says nothing about this one's.
            show_sample_banner=Action.objects.visible_to(self.request.user)
            .filter(is_sample=True)
            .exists(),
            **kwargs,
        )


class ReviewDetailView(TemplateView):
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        try:
            review = selectors.review_detail(user=self.request.user, slug=self.kwargs["slug"])
        except Review.DoesNotExist as exc:
            raise Http404("No such review") from exc
        return super().get_context_data(
            review=review,
            cycle=selectors.review_cycle(review, today=timezone.localdate()),
            **kwargs,
        )


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
            chain=selectors.recommendation_chain(
                user=self.request.user, recommendation=recommendation
            ),
            direction=recommendation_direction(
                list(actions_as_at(recommendation.actions.order_by(), **quarter_days())),
                **quarter_days(),
            ),
            show_sample_banner=any(a.is_sample for a in recommendation.actions.all()),
            **kwargs,
        )


class RecommendationListView(SafeExportMixin, SingleTableMixin, FilterView):
    """Every recommendation the person may see, with rolled-up status and direction of travel,
    filtered by what is in the URL; downloadable as CSV or XLSX."""

    table_class = RecommendationTable
    filterset_class = RecommendationFilterSet
    template_name = "reviews/recommendation_list.html"
    paginate_by = 25
    export_name = "recommendations"

    def get_queryset(self):
        return selectors.recommendation_list(user=self.request.user, **quarter_days())

    def get_table_kwargs(self):
        return quarter_days()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            show_sample_banner=Action.objects.visible_to(self.request.user)
            .filter(is_sample=True)
            .exists(),
            **kwargs,
        )


class RecurringThemesView(TemplateView):
    """What the peers keep saying: chains of recommendations that span more than one review."""

    template_name = "reviews/recurring.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        chains = selectors.recommendation_chains(user=self.request.user)
        page = Paginator(chains, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(chains=page.object_list, page_obj=page, **kwargs)
