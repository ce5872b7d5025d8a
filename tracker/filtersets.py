import datetime as dt

import django_filters
from django.utils import timezone

from tracker.forms import govuk_style
from tracker.tenancy import council_of
from tracker.widgets import QuickSelect


class CouncilScopedFilterSet(django_filters.FilterSet):
    """Base of the plan's filter sets: every choice limited to the signed-in person's council,
    GOV.UK widget classes, and a ``today`` that tests can fix.

    ``council_choices`` maps a filter's name to a function of the council that returns the
    queryset of its choices, so no filter ever offers another council's rows."""

    council_choices: dict = {}

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.council = council = council_of(self.request.user) if self.request else None
        for name, choices in self.council_choices.items():
            if name in self.filters:
                self.filters[name].queryset = choices(council)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = govuk_style(super().form)
            self._council_options_fill(self._form)
        return self._form

    def _council_options_fill(self, form) -> None:
        """Give each long council-scoped <select> its options rendered once per council and
        plan version (``options_cached``), not once per request."""
        widgets = {
            f"{type(self).__name__}.{name}": form.fields[name].widget
            for name in self.council_choices
            if name in form.fields and isinstance(form.fields[name].widget, QuickSelect)
        }
        rendered = self.options_cached({what: w.render_options for what, w in widgets.items()})
        for what, widget in widgets.items():
            widget.options_html = rendered[what]

    def options_cached(self, renders: dict) -> dict:
        """``{name: render()}`` for the filters' rendered options; subclasses may cache them."""
        return {what: render() for what, render in renders.items()}
