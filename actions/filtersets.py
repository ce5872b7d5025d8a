import datetime as dt

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from actions.choices import ActionStatus, Direction, Rag
from actions.models import Action, Milestone
from actions.plan_cache import council_cached
from reviews.models import Directorate, Portfolio, Recommendation, Review, Theme
from tracker.filtersets import CouncilScopedFilterSet
from tracker.widgets import AnyYesNoSelect, QuickSelect


def _lead_officers(council):
    return (
        get_user_model()
        .objects.filter(led_actions__recommendation__review__council=council)
        .distinct()
        .order_by("last_name", "first_name")
    )


def _recommendation_leads(role_field: str):
    """The people named as ``role_field`` (lead member or lead officer) of a recommendation of
    the council: the filter offers only names that would find something."""

    def choices(council):
        return (
            get_user_model()
            .objects.filter(**{f"recommendations_as_{role_field}__review__council": council})
            .distinct()
            .order_by("last_name", "first_name")
        )

    return choices


# Only what an option needs: a council can have thousands of themes across reviews.
PLAN_CHOICES = {
    "review": lambda council: Review.objects.filter(council=council),
    "theme": lambda council: Theme.objects.filter(review__council=council).only("title"),
    "directorate": lambda council: Directorate.objects.filter(council=council),
    "portfolio": lambda council: Portfolio.objects.filter(council=council),
    "lead_officer": _lead_officers,
    "lead_member": _recommendation_leads("lead_member"),
    "recommendation_lead": _recommendation_leads("lead_officer"),
}


class PlanFilterSet(CouncilScopedFilterSet):
    """The long lists of choices rendered once per council and plan version: at 100 times
    Sefton's size they are thousands of options, most of a table page's time otherwise."""

    council_choices = PLAN_CHOICES

    def options_cached(self, renders: dict) -> dict:
        council_id = self.council.pk if self.council else None
        return council_cached(renders, council_id=council_id)


class ActionFilterSet(PlanFilterSet):
    """Filters for every list of actions; all of them live in the URL so a view can be shared.
    Status, RAG, overdue and staleness are the plan's on ``today`` (``Action.objects.as_at``),
    the figures the dashboard counts; a queryset not yet read as at a day is read as at today."""

    council_choices = PLAN_CHOICES

    q = django_filters.CharFilter(method="filter_text", label="Search")
    review = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        field_name="recommendation__review",
        queryset=Review.objects.none(),
        label="Review",
        empty_label="All reviews",
    )
    theme = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        field_name="recommendation__theme",
        queryset=Theme.objects.none(),
        label="Theme",
        empty_label="All themes",
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="status_then",
        choices=ActionStatus.choices,
        label="Status",
        widget=forms.CheckboxSelectMultiple,
    )
    rag = django_filters.ChoiceFilter(
        choices=Rag.choices, method="filter_rag", label="RAG", empty_label="Any"
    )
    directorate = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=Directorate.objects.none(), empty_label="All directorates"
    )
    portfolio = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=Portfolio.objects.none(),
        label="Cabinet portfolio",
        empty_label="All portfolios",
    )
    lead_officer = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=get_user_model().objects.none(),
        label="Lead officer",
        empty_label="All lead officers",
    )
    overdue = django_filters.BooleanFilter(
        widget=AnyYesNoSelect, method="filter_overdue", label="Overdue"
    )
    due_within = django_filters.NumberFilter(
        method="filter_due_within", label="Due within (days)", min_value=0, max_value=3650
    )
    stale = django_filters.BooleanFilter(
        widget=AnyYesNoSelect, method="filter_stale", label="No update this quarter"
    )
    milestone_overdue = django_filters.BooleanFilter(
        widget=AnyYesNoSelect, method="filter_milestone_overdue", label="Has an overdue milestone"
    )
    direction = django_filters.ChoiceFilter(
        choices=Direction.choices,
        method="filter_direction",
        label="Direction of travel",
        empty_label="Any",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status_then" not in self.queryset.query.annotations:
            self.queryset = self.queryset.as_at(self.today)

    class Meta:
        model = Action
        fields = [
            "q", "review", "theme", "status", "rag", "direction", "directorate", "portfolio",
            "lead_officer", "overdue", "due_within", "stale", "milestone_overdue",
        ]  # fmt: skip

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(reference__iexact=value))

    def filter_rag(self, queryset, name, value):
        return queryset.filter(status_then__in=[s for s in ActionStatus if s.rag == value])

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_then=value)

    def filter_due_within(self, queryset, name, value):
        last_day = self.today + dt.timedelta(days=int(value))
        return queryset.filter(
            open_then=True, target_then__gte=self.today, target_then__lte=last_day
        )

    def filter_stale(self, queryset, name, value):
        return queryset.filter(stale_then=value)

    def filter_direction(self, queryset, name, value):
        """Direction of travel by the rule the dashboard counts with (``Action.objects.as_at``),
        so "2 actions worsened" lists the same two."""
        return queryset.filter(direction_then=value)

    def filter_milestone_overdue(self, queryset, name, value):
        late = Milestone.objects.filter(
            action=OuterRef("pk"), completed_on__isnull=True, due_date__lt=self.today
        )
        return queryset.filter(Exists(late) if value else ~Exists(late))


class MyActionFilterSet(ActionFilterSet):
    """The filters of My actions: a short list, for a person with a handful of actions."""

    shown = ["review", "status", "overdue", "milestone_overdue", "stale", "directorate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.filters):
            if name not in self.shown:
                del self.filters[name]


class RecommendationFilterSet(PlanFilterSet):
    """Filters for the list of recommendations, all in the URL. Status and RAG are the rolled-up
    ones (``actions.selectors.recommendations_with_rollup``); directorate, portfolio, lead
    officer, overdue and due-within pick recommendations with at least one such action."""

    council_choices = PLAN_CHOICES

    q = django_filters.CharFilter(method="filter_text", label="Search")
    review = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=Review.objects.none(),
        label="Review",
        empty_label="All reviews",
    )
    theme = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=Theme.objects.none(), label="Theme", empty_label="All themes"
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="rolled_up_status",
        choices=ActionStatus.choices,
        label="Status",
        widget=forms.CheckboxSelectMultiple,
    )
    rag = django_filters.ChoiceFilter(
        choices=Rag.choices, method="filter_rag", label="RAG", empty_label="Any"
    )
    directorate = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=Directorate.objects.none(),
        method="filter_by_actions",
        label="Directorate",
        empty_label="All directorates",
    )
    portfolio = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=Portfolio.objects.none(),
        method="filter_by_actions",
        label="Cabinet portfolio",
        empty_label="All portfolios",
    )
    lead_officer = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=get_user_model().objects.none(),
        method="filter_by_actions",
        label="Leads one of its actions",
        empty_label="All lead officers",
    )
    lead_member = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=get_user_model().objects.none(),
        label="Lead member",
        empty_label="All lead members",
    )
    recommendation_lead = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        field_name="lead_officer",
        queryset=get_user_model().objects.none(),
        label="Recommendation's lead officer",
        empty_label="All recommendation leads",
    )
    overdue = django_filters.BooleanFilter(
        widget=AnyYesNoSelect, method="filter_overdue", label="Has overdue actions"
    )
    due_within = django_filters.NumberFilter(
        method="filter_due_within",
        label="Actions due within (days)",
        min_value=0,
        max_value=3650,
    )

    class Meta:
        model = Recommendation
        fields = [
            "q", "review", "theme", "status", "rag", "lead_member", "recommendation_lead",
            "directorate", "portfolio", "lead_officer", "overdue", "due_within",
        ]  # fmt: skip

    def _having(self, queryset, actions):
        return queryset.filter(Exists(actions.filter(recommendation=OuterRef("pk"))))

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))

    def filter_rag(self, queryset, name, value):
        return queryset.filter(rolled_up_status__in=[s for s in ActionStatus if s.rag == value])

    def filter_by_actions(self, queryset, name, value):
        return self._having(queryset, Action.objects.filter(**{name: value}))

    def filter_overdue(self, queryset, name, value):
        late = Action.objects.overdue(self.today)
        return self._having(queryset, late) if value else queryset.exclude(
            pk__in=late.values("recommendation_id")
        )  # fmt: skip

    def filter_due_within(self, queryset, name, value):
        last_day = self.today + dt.timedelta(days=int(value))
        due = Action.objects.as_at(self.today).filter(
            open_then=True, target_then__gte=self.today, target_then__lte=last_day
        )
        return self._having(queryset, due)
