from django.contrib import admin

from actions.models import Action, Milestone, ProgressUpdate


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    fields = [
        "reference",
        "description",
        "lead_officer",
        "directorate",
        "portfolio",
        "start_date",
        "target_date",
        "expected_outcome",
        "status",
        "percent_complete",
    ]
    readonly_fields = ["status", "percent_complete"]
    show_change_link = True


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ProgressUpdateInline(admin.TabularInline):
    """The history, read-only: past updates are corrected by adding an entry, never edited."""

    model = ProgressUpdate
    fk_name = "action"
    extra = 0
    fields = [
        "recorded_at",
        "author",
        "status",
        "percent_complete",
        "commentary",
        "source",
        "corrects",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "short_description",
        "recommendation",
        "lead_officer",
        "directorate",
        "status",
        "percent_complete",
        "target_date",
        "is_sample",
    ]
    list_display_links = ["reference", "short_description"]
    list_filter = ["recommendation__review", "status", "directorate", "portfolio", "is_sample"]
    search_fields = [
        "reference",
        "description",
        "lead_officer__username",
        "lead_officer__last_name",
    ]
    date_hierarchy = "target_date"
    list_select_related = ["recommendation__review", "lead_officer", "directorate"]
    autocomplete_fields = ["recommendation"]
    filter_horizontal = ["contributors"]
    readonly_fields = ["status", "percent_complete", "created_at"]
    inlines = [MilestoneInline, ProgressUpdateInline]

    @admin.display(description="action")
    def short_description(self, obj):
        return obj.description[:80]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Browse and search the history; nothing here can change or delete an entry."""

    list_display = ["action", "recorded_at", "author", "status", "percent_complete", "source"]
    list_filter = ["status", "source", "action__recommendation__review"]
    search_fields = ["commentary", "action__reference"]
    date_hierarchy = "recorded_at"
    list_select_related = ["action", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
