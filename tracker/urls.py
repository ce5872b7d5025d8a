from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts.oidc import CouncilSignInCallbackView, CouncilSignInView
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
    # Sign-in with the council's identity provider: 404 unless OIDC_RP_CLIENT_ID is set.
    path(
        "oidc/authenticate/",
        login_not_required(CouncilSignInView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(CouncilSignInCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("", include("accounts.urls")),  # accessibility, privacy, cookies, help
    path("admin/", admin.site.urls),
    path("actions/", include("actions.urls")),
    path("imports/", include("imports.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("statements/", include("statements.urls")),
    path("public/", include("public.urls")),  # what each council publishes, no sign-in
    path("", include("dashboard.urls")),
    path("", include(("actions.review_urls", "reviews"))),
]
