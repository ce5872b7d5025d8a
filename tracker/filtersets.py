import datetime as dt

import django_filters
from django.utils import timezone

from tracker.forms import govuk_style
from tracker.tenancy import council_of


class CouncilScopedFilterSet(django_filters.FilterSet):
    """Base of the plan's filter sets: every choice limited to the signed-in person's council,
    GOV.UK widget classes, and a ``today`` that tests can fix.

    ``council_choices`` maps a filter's name to a function of the council that returns the
    queryset of its choices, so no filter ever offers another council's rows."""

    council_choices: dict = {}

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        council = council_of(self.request.user) if self.request else None
        for name, choices in self.council_choices.items():
            if name in self.filters:
                self.filters[name].queryset = choices(council)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = govuk_style(super().form)
        return self._form
