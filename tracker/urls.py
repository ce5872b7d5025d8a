from django.contrib import admin
from django.urls import include, path

from accounts.views import ThrottledPasswordChangeView
from tracker.health import healthz

admin.site.site_header = "Peer Challenge Tracker administration"
admin.site.site_title = "Peer Challenge Tracker"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before Django's own: the same page, with wrong old passwords throttled like sign-ins.
    path(
        "accounts/password_change/",
        ThrottledPasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("actions/", include("actions.urls")),
    path("imports/", include("imports.urls")),
    path("reports/", include("reports.urls")),
    path("", include("dashboard.urls")),
    path("", include("reviews.urls")),
]
