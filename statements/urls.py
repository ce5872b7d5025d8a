from django.urls import path

from statements import views

app_name = "statements"
urlpatterns = [
    path("", views.StatementListView.as_view(), name="statement_list"),
    path("new/", views.StatementCreateView.as_view(), name="statement_create"),
    path("statement.css", views.StatementCssView.as_view(), name="statement_css"),
    path("<int:pk>/", views.StatementDetailView.as_view(), name="statement_detail"),
    path("<int:pk>/edit/", views.StatementUpdateView.as_view(), name="statement_update"),
    path("<int:pk>/preview/", views.StatementPreviewView.as_view(), name="statement_preview"),
    path("<int:pk>/export/", views.StatementExportView.as_view(), name="statement_export"),
    path("<int:pk>/issue/", views.StatementIssueView.as_view(), name="statement_issue"),
    path(
        "<int:pk>/new-version/",
        views.StatementNewVersionView.as_view(),
        name="statement_new_version",
    ),
    path(
        "<int:pk>/statement.pdf", views.StatementDownloadView.as_view(), name="statement_download"
    ),
    path(
        "<int:pk>/statement.docx",
        views.StatementDocxDownloadView.as_view(),
        name="statement_download_docx",
    ),
    path(
        "<int:pk>/evidence-pack/", views.EvidencePackBuildView.as_view(), name="evidence_pack_build"
    ),
    path(
        "<int:pk>/evidence-pack.zip",
        views.EvidencePackDownloadView.as_view(),
        name="evidence_pack_download",
    ),
]
