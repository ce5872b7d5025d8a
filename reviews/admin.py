from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    Council,
    Directorate,
    PeerFeedback,
    PeerTeamMember,
    Portfolio,
    Recommendation,
    RecommendationLink,
    Review,
    Theme,
    council_of,
)
from tracker.forms import normalise_typed_text


def council_path(model) -> str | None:
    """The lookup from ``model`` to the council it belongs to ("" for Council itself, None for
    the roles and permissions every council shares).

    Found by walking required foreign keys (nullable ones such as an action's directorate could
    lead nowhere), shortest first; a person belongs to the council on their profile. A model
    with no such path fails loudly rather than being left unscoped."""
    if model is Council:
        return ""
    if model is get_user_model():
        return "profile__council"
    if model in (Group, Permission):
        return None
    queue, seen = [(model, "")], {model}
    while queue:
        current, prefix = queue.pop(0)
        for field in current._meta.concrete_fields:
            if field.null or not (field.many_to_one or field.one_to_one):
                continue
            target, path = field.related_model, f"{prefix}{field.name}"
            if target is Council:
                return path
            if target not in seen:
                seen.add(target)
                queue.append((target, f"{path}__"))
    raise ImproperlyConfigured(f"{model.__name__} has no required foreign key leading to Council")


def scope_to_council(queryset, council):
    """``queryset`` cut down to the rows of one council (none when there is no council)."""
    if council is None:
        return queryset.none()
    path = council_path(queryset.model)
    if path is None:
        return queryset
    return queryset.filter(**{path: council}) if path else queryset.filter(pk=council.pk)


class CouncilScopedAdminMixin:
    """Keeps a staff member of one council inside that council, on every admin page.

    Used by every ModelAdmin and inline of the project. The rows listed, searched, opened,
    changed, deleted, autocompleted and shown in history, every foreign-key and many-to-many
    choice, and every list filter's choices are limited to ``council_of(request.user)``; another
    council's IDs answer 404 (the same as an ID that never existed). Superusers, who run the
    deployment rather than a council, see everything. Typed text has its control characters
    normalised, as in every form (``tracker.forms.normalise_typed_text``)."""

    @staticmethod
    def council_scope(request, queryset):
        if request.user.is_superuser:
            return queryset
        return scope_to_council(queryset, council_of(request.user))

    def get_queryset(self, request):
        return self.council_scope(request, super().get_queryset(request))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Text pasted into the admin from Word loses its control characters, as in every form.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return normalise_typed_text(formfield) if formfield is not None else None

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db)
        return self.council_scope(request, queryset)

    def get_list_filter(self, request):
        # Django's related filter lists every row of the related table; this one only those in
        # this council's rows.
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record in your council.")
        return obj

    def _ensure_in_scope(self, request, object_id):
        # The history pages look objects up themselves, falling back to a deleted object's
        # last historical record; only objects in the person's council are shown.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("No such record in your council.")

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser:
            self._ensure_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not request.user.is_superuser:
            self._ensure_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class DirectorateInline(CouncilScopedAdminMixin, admin.TabularInline):
    model = Directorate
    extra = 0


class PortfolioInline(CouncilScopedAdminMixin, admin.TabularInline):
    model = Portfolio
    extra = 0


@admin.register(Council)
class CouncilAdmin(CouncilScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    inlines = [DirectorateInline, PortfolioInline]

    def has_add_permission(self, request):
        # A new council is a new tenant of the deployment, not something one council's team adds.
        return request.user.is_superuser


class PeerTeamMemberInline(CouncilScopedAdminMixin, admin.TabularInline):
    model = PeerTeamMember
    extra = 0


class ThemeInline(CouncilScopedAdminMixin, admin.TabularInline):
    model = Theme
    extra = 0


class RecommendationInline(CouncilScopedAdminMixin, admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["number", "title", "text", "theme"]
    show_change_link = True


@admin.register(Review)
class ReviewAdmin(CouncilScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "slug",
        "kind",
        "council",
        "onsite_start",
        "report_published",
        "action_plan_due",
        "next_cpc_due",
    ]
    list_filter = ["council", "kind"]
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "onsite_start"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PeerTeamMemberInline, ThemeInline, RecommendationInline]
    fieldsets = [
        (None, {"fields": ["council", "slug", "kind", "title", "summary", "follows_up"]}),
        ("Dates", {"fields": ["onsite_start", "onsite_end", "report_published"]}),
        (
            "Deadlines the process sets",
            {
                "fields": [
                    "action_plan_due",
                    "progress_review_due",
                    "next_cpc_due",
                    "deadlines_note",
                ]
            },
        ),
        ("Source", {"fields": ["source_document"]}),
    ]


class EarlierLinkInline(CouncilScopedAdminMixin, admin.TabularInline):
    model = RecommendationLink
    fk_name = "later"
    extra = 0
    autocomplete_fields = ["earlier"]
    verbose_name = "earlier recommendation this one builds on"
    verbose_name_plural = "earlier recommendations this one builds on"


class FeedbackInline(CouncilScopedAdminMixin, admin.StackedInline):
    model = PeerFeedback
    fk_name = "recommendation"
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(CouncilScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "review", "kind", "theme"]
    list_display_links = ["reference", "title"]
    list_filter = ["review__council", "review", "kind", "theme"]
    search_fields = ["title", "text"]
    list_select_related = ["review", "theme"]
    inlines = [EarlierLinkInline, FeedbackInline]  # actions.admin adds the plan's actions


@admin.register(Theme)
class ThemeAdmin(CouncilScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "number", "review"]
    list_filter = ["review"]
    search_fields = ["title", "description"]


@admin.register(PeerFeedback)
class PeerFeedbackAdmin(CouncilScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["recommendation", "review", "theme"]
    list_filter = ["review"]
    search_fields = ["text", "recommendation__title"]


@admin.register(RecommendationLink)
class RecommendationLinkAdmin(CouncilScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["later", "kind", "earlier"]
    list_filter = ["kind"]
    autocomplete_fields = ["later", "earlier"]
