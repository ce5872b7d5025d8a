from django.contrib import admin
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
)


class DirectorateInline(admin.TabularInline):
    model = Directorate
    extra = 0


class PortfolioInline(admin.TabularInline):
    model = Portfolio
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    inlines = [DirectorateInline, PortfolioInline]


class PeerTeamMemberInline(admin.TabularInline):
    model = PeerTeamMember
    extra = 0


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["number", "title", "text", "theme"]
    show_change_link = True


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
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


class EarlierLinkInline(admin.TabularInline):
    model = RecommendationLink
    fk_name = "later"
    extra = 0
    autocomplete_fields = ["earlier"]
    verbose_name = "earlier recommendation this one builds on"
    verbose_name_plural = "earlier recommendations this one builds on"


class FeedbackInline(admin.StackedInline):
    model = PeerFeedback
    fk_name = "recommendation"
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "review", "kind", "theme"]
    list_display_links = ["reference", "title"]
    list_filter = ["review__council", "review", "kind", "theme"]
    search_fields = ["title", "text"]
    list_select_related = ["review", "theme"]
    inlines = [EarlierLinkInline, FeedbackInline]

    def get_inlines(self, request, obj):
        # Actions are managed beside their recommendation; imported lazily to keep apps separate.
        from actions.admin import ActionInline

        return [*super().get_inlines(request, obj), ActionInline]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "number", "review"]
    list_filter = ["review"]
    search_fields = ["title", "description"]


@admin.register(PeerFeedback)
class PeerFeedbackAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "review", "theme"]
    list_filter = ["review"]
    search_fields = ["text", "recommendation__title"]


@admin.register(RecommendationLink)
class RecommendationLinkAdmin(SimpleHistoryAdmin):
    list_display = ["later", "kind", "earlier"]
    list_filter = ["kind"]
    autocomplete_fields = ["later", "earlier"]
