from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("<slug:council_slug>/", views.published_plan, name="published_plan"),
    path(
        "<slug:council_slug>/recommendations.csv",
        views.published_plan_csv,
        name="published_plan_csv",
    ),
    path(
        "<slug:council_slug>/recommendations.json",
        views.published_plan_json,
        name="published_plan_json",
    ),
    path("<slug:council_slug>/reports/<int:pk>.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:council_slug>/reports/<int:pk>.docx", views.report_docx, name="report_docx"),
]
