import datetime as dt

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from actions.choices import ActionStatus, Rag
from actions.models import Action
from reviews.models import Directorate, Portfolio, Recommendation, Review, Theme, council_of
from tracker.forms import govuk_style
from tracker.widgets import AnyYesNoSelect, QuickSelect


class CouncilScopedFilterSet(django_filters.FilterSet):
    """Base of the plan's filter sets: choices limited to the signed-in person's council, GOV.UK
    widget classes, and a ``today`` that tests can fix."""

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        council = council_of(self.request.user) if self.request else None
        filters = self.filters
        filters["review"].queryset = Review.objects.filter(council=council)
        # Only what the option needs: a council can have thousands of themes across reviews.
        filters["theme"].queryset = Theme.objects.filter(review__council=council).only("title")
        filters["directorate"].queryset = Directorate.objects.filter(council=council)
        filters["portfolio"].queryset = Portfolio.objects.filter(council=council)
        filters["lead_officer"].queryset = (
            get_user_model()
            .objects.filter(led_actions__recommendation__review__council=council)
            .distinct()
            .order_by("last_name", "first_name")
        )

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = govuk_style(super().form)
        return self._form


class RecommendationFilterSet(CouncilScopedFilterSet):
    """Filters for the list of recommendations, all in the URL. Status and RAG are the rolled-up
    ones (``reviews.selectors.recommendations_with_rollup``); directorate, portfolio, lead
    officer, overdue and due-within pick recommendations with at least one such action."""

    q = django_filters.CharFilter(method="filter_text", label="Search")
    review = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=Review.objects.none(), label="Review"
    )
    theme = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=Theme.objects.none(), label="Theme"
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="rolled_up_status", choices=ActionStatus.choices, label="Status"
    )
    rag = django_filters.ChoiceFilter(choices=Rag.choices, method="filter_rag", label="RAG")
    directorate = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=Directorate.objects.none(),
        method="filter_by_actions",
        label="Directorate",
    )
    portfolio = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=Portfolio.objects.none(),
        method="filter_by_actions",
        label="Cabinet portfolio",
    )
    lead_officer = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=get_user_model().objects.none(),
        method="filter_by_actions",
        label="Lead officer",
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
            "q", "review", "theme", "status", "rag", "directorate", "portfolio",
            "lead_officer", "overdue", "due_within",
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
        due = Action.objects.open().filter(target_date__gte=self.today, target_date__lte=last_day)
        return self._having(queryset, due)
