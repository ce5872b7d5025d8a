from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("reviews/<slug:slug>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/",
        views.RecommendationDetailView.as_view(),
        name="recommendation_detail",
    ),
]
