from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.CabinetReportListView.as_view(), name="cabinet_report_list"),
    path("new/", views.CabinetReportCreateView.as_view(), name="cabinet_report_create"),
    path("defaults/", views.ReportSettingsUpdateView.as_view(), name="reportsettings_update"),
    path("report.css", views.cabinet_report_css, name="cabinet_report_css"),
    path("<int:pk>/", views.CabinetReportDetailView.as_view(), name="cabinet_report_detail"),
    path("<int:pk>/edit/", views.CabinetReportUpdateView.as_view(), name="cabinet_report_update"),
    path(
        "<int:pk>/preview/", views.CabinetReportPreviewView.as_view(), name="cabinet_report_preview"
    ),
    path("<int:pk>/pdf/", views.CabinetReportRenderView.as_view(), name="cabinet_report_render"),
    path(
        "<int:pk>/download/",
        views.CabinetReportDownloadView.as_view(),
        name="cabinet_report_download",
    ),
    path(
        "<int:pk>/download.docx",
        views.CabinetReportDocxDownloadView.as_view(),
        name="cabinet_report_download_docx",
    ),
    path("<int:pk>/issue/", views.CabinetReportIssueView.as_view(), name="cabinet_report_issue"),
    path(
        "<int:pk>/correct/", views.CabinetReportCorrectView.as_view(), name="cabinet_report_correct"
    ),
]
