"""The reviews section's pages: a review's recommendations are shown with where the action
plan stands, so the pages live here, above the plan, under the ``reviews`` URL namespace."""

from django.urls import path

from actions import views
from reviews.views import RecurringThemesView

urlpatterns = [
    path("reviews/", views.OverviewView.as_view(), name="overview"),
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("recurring-themes/", RecurringThemesView.as_view(), name="recurring"),
    path("reviews/<slug:slug>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/",
        views.RecommendationDetailView.as_view(),
        name="recommendation_detail",
    ),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/close/",
        views.RecommendationCloseView.as_view(),
        name="recommendation_close",
    ),
    path("reviews/<slug:slug>/close/", views.PlanCloseView.as_view(), name="plan_close"),
]
