from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("reviews/", views.OverviewView.as_view(), name="overview"),
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation_list"),
    path("recurring-themes/", views.RecurringThemesView.as_view(), name="recurring"),
    path("reviews/<slug:slug>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/",
        views.RecommendationDetailView.as_view(),
        name="recommendation_detail",
    ),
]
