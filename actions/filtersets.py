import datetime as dt

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from actions.choices import ActionStatus, Rag
from actions.models import Action, Milestone
from reviews.filtersets import CouncilScopedFilterSet
from reviews.models import Directorate, Portfolio, Review, Theme
from tracker.quarters import FinancialQuarter
from tracker.widgets import AnyYesNoSelect, QuickSelect


class ActionFilterSet(CouncilScopedFilterSet):
    """Filters for every list of actions; all of them live in the URL so a view can be shared."""

    q = django_filters.CharFilter(method="filter_text", label="Search")
    review = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        field_name="recommendation__review",
        queryset=Review.objects.none(),
        label="Review",
    )
    theme = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        field_name="recommendation__theme",
        queryset=Theme.objects.none(),
        label="Theme",
    )
    status = django_filters.MultipleChoiceFilter(choices=ActionStatus.choices, label="Status")
    rag = django_filters.ChoiceFilter(choices=Rag.choices, method="filter_rag", label="RAG")
    directorate = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=Directorate.objects.none()
    )
    portfolio = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=Portfolio.objects.none(), label="Cabinet portfolio"
    )
    lead_officer = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=get_user_model().objects.none(), label="Lead officer"
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

    class Meta:
        model = Action
        fields = [
            "q", "review", "theme", "status", "rag", "directorate", "portfolio",
            "lead_officer", "overdue", "due_within", "stale", "milestone_overdue",
        ]  # fmt: skip

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(reference__iexact=value))

    def filter_rag(self, queryset, name, value):
        return queryset.filter(status__in=[s for s in ActionStatus if s.rag == value])

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(self.today)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_due_within(self, queryset, name, value):
        last_day = self.today + dt.timedelta(days=int(value))
        return queryset.open().filter(target_date__gte=self.today, target_date__lte=last_day)

    def filter_stale(self, queryset, name, value):
        stale = queryset.lacking_update_for(FinancialQuarter.containing(self.today))
        return stale if value else queryset.exclude(pk__in=stale.values("pk"))

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
