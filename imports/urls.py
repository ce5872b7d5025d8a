from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.ImportBatchCreateView.as_view(), name="importbatch_create"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("<int:pk>/", views.ImportBatchDetailView.as_view(), name="importbatch_detail"),
    path("<int:pk>/confirm/", views.ImportBatchConfirmView.as_view(), name="importbatch_confirm"),
    path("<int:pk>/apply/", views.ImportBatchApplyView.as_view(), name="importbatch_apply"),
    path("<int:pk>/discard/", views.ImportBatchDiscardView.as_view(), name="importbatch_discard"),
]
