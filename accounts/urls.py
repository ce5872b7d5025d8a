from django.urls import path

from accounts import views

app_name = "service"
urlpatterns = [
    path(
        "accessibility/",
        views.ServicePageView.as_view(template_name="accounts/accessibility.html"),
        name="accessibility",
    ),
    path(
        "privacy/",
        views.ServicePageView.as_view(template_name="accounts/privacy.html"),
        name="privacy",
    ),
    path("cookies/", views.CookiesView.as_view(), name="cookies"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("help/<slug:slug>/", views.HelpView.as_view(), name="help_page"),
]
