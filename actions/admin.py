from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import LEAD_MEMBER_ROLES, LEAD_OFFICER_ROLES, people_with_role
from actions.models import Action, Milestone, ProgressUpdate, UpdateRound
from reviews.admin import CouncilScopedAdminMixin, RecommendationAdmin
from reviews.models import Recommendation


class VersionCheckedAdminForm(forms.ModelForm):
    """Refuses to save over a change someone else made after this admin page was opened."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk and seen is not None:
            records = type(self.instance).objects
            if not records.is_at_version(pk=self.instance.pk, seen_version=seen):
                raise ValidationError(
                    f"Someone else changed “{self.instance}” after you opened this page. "
                    "Open it again to see their change, then make yours."
                )
        return cleaned


class ActionInline(CouncilScopedAdminMixin, admin.StackedInline):
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
        "timescale_note",
        "expected_outcome",
        "status",
        "percent_complete",
    ]
    readonly_fields = ["status", "percent_complete"]
    show_change_link = True


class MilestoneInline(CouncilScopedAdminMixin, admin.TabularInline):
    model = Milestone
    form = VersionCheckedAdminForm
    extra = 0


class ProgressUpdateInline(CouncilScopedAdminMixin, admin.TabularInline):
    """The history, read-only: past updates are corrected by adding an entry, never edited."""

    model = ProgressUpdate
    fk_name = "action"
    extra = 0
    fields = [
        "recorded_at",
        "author",
        "recorded_by",
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
class ActionAdmin(CouncilScopedAdminMixin, SimpleHistoryAdmin):
    form = VersionCheckedAdminForm
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

    def save_model(self, request, obj, form, change):
        # Moves the version on, so update forms opened before this edit refuse to overwrite it.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if (
                inline_form.instance.pk
                and inline_form.has_changed()
                and hasattr(inline_form.instance, "version")
            ):
                inline_form.instance.version += 1
        super().save_formset(request, form, formset, change)


@admin.register(Milestone)
class MilestoneAdmin(CouncilScopedAdminMixin, SimpleHistoryAdmin):
    form = VersionCheckedAdminForm
    list_display = ["title", "action", "due_date", "completed_on"]
    list_filter = ["action__recommendation__review"]
    search_fields = ["title", "action__reference"]
    list_select_related = ["action"]
    autocomplete_fields = ["action"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(UpdateRound)
class UpdateRoundAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "council", "opened_by", "opened_at", "closed_at"]
    list_filter = ["council"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
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


# A recommendation's actions are kept beside it in the admin. Reviews sit below the plan and
# cannot know about actions, so the plan adds its inline to the recommendation's admin here.
admin.site.unregister(Recommendation)


@admin.register(Recommendation)
class RecommendationWithActionsAdmin(RecommendationAdmin):
    inlines = [*RecommendationAdmin.inlines, ActionInline]
    list_display = [*RecommendationAdmin.list_display, "lead_member", "lead_officer"]
    list_select_related = [*RecommendationAdmin.list_select_related, "lead_member", "lead_officer"]
    list_filter = [*RecommendationAdmin.list_filter, "lead_member", "lead_officer"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A lead member is a Cabinet member, a lead officer an officer or director, of the
        # person's own council (the mixin scopes the choices to it).
        roles = {"lead_member": LEAD_MEMBER_ROLES, "lead_officer": LEAD_OFFICER_ROLES}
        if db_field.name in roles:
            kwargs["queryset"] = self.council_scope(
                request, people_with_role(*roles[db_field.name])
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
