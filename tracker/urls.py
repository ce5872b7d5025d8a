from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Peer Challenge Tracker administration"
admin.site.site_title = "Peer Challenge Tracker"

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("actions/", include("actions.urls")),
    path("imports/", include("imports.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("dashboard.urls")),
    path("", include("reviews.urls")),
]
