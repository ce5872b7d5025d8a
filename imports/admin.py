from django.contrib import admin

from imports.models import ImportBatch
from reviews.admin import CouncilScopedAdminMixin


@admin.register(ImportBatch)
class ImportBatchAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    """A read-only record of what was uploaded and imported; imports happen on the Import page."""

    list_display = ["filename", "kind", "review", "status", "uploaded_by", "created_at"]
    list_filter = ["kind", "status", "review"]
    search_fields = ["filename", "uploaded_by__username"]
    date_hierarchy = "created_at"
    list_select_related = ["review", "uploaded_by"]
    fields = [
        "council", "review", "kind", "status", "uploaded_by", "filename", "created_at",
        "applied_at", "summary",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
