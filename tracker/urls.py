from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Peer Challenge Tracker administration"
admin.site.site_title = "Peer Challenge Tracker"

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("accounts.urls")),  # accessibility, privacy, cookies, help
    path("admin/", admin.site.urls),
    path("actions/", include("actions.urls")),
    path("imports/", include("imports.urls")),
    path("reports/", include("reports.urls")),
    path("", include("dashboard.urls")),
    path("", include(("actions.review_urls", "reviews"))),
]
