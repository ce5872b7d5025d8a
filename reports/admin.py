from django.contrib import admin

from reports.models import CabinetReport, ReportingPeriod, ReportSettings
from reviews.admin import CouncilScopedAdminMixin


@admin.register(ReportSettings)
class ReportSettingsAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    list_display = ["council", "audience", "report_of", "contact_officer"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    list_display = ["quarter_slug", "council", "meeting_date", "scrutiny_meeting_date"]
    readonly_fields = ["start", "end"]

    def has_change_permission(self, request, obj=None):
        # A period with an issued report is part of the record.
        if obj is not None and obj.reports.filter(status="issued").exists():
            return False
        return super().has_change_permission(request, obj)


@admin.register(CabinetReport)
class CabinetReportAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    """Reports are made and issued in the tracker's own pages, through ``reports.services``;
    here they can be looked at, and only drafts changed or deleted."""

    list_display = ["subject", "period", "audience", "version", "status", "issued_at"]
    list_filter = ["status", "council"]
    readonly_fields = [
        "council",
        "period",
        "version",
        "supersedes",
        "status",
        "created_by",
        "created_at",
        "issued_by",
        "issued_at",
        "pdf_sha256",
        "pdf_pages",
        "pdf_bytes",
        "pdf_rendered_at",
        "snapshot_taken_at",
    ]
    exclude = ["reviews"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return [field.name for field in obj._meta.fields if field.name != "pdf"]
        return self.readonly_fields
