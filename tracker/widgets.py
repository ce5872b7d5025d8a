"""Form widgets shared by the filter forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

_SELECTED = mark_safe(" selected")


class QuickSelect(forms.Select):
    """A single-choice <select> built in Python instead of one template render per option.

    Filter forms list every review, theme and lead officer of a council; at a few thousand
    options Django's per-option templates take most of a second, this a few milliseconds."""

    # The options already rendered, none selected (a filter set may cache them per council):
    # render() then only marks the chosen ones.
    options_html: str | None = None

    def render_options(self, chosen=frozenset()) -> str:
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, _SELECTED if str(key) in chosen else "", label) for key, label in self.choices),
        )

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        if self.options_html is None:
            options = self.render_options(chosen)
        else:
            options = self.options_html
            for key in chosen:
                plain = format_html('<option value="{}">', key)
                options = options.replace(plain, plain[:-1] + _SELECTED + ">", 1)
            options = mark_safe(options)  # noqa: S308 - built by format_html above
        return format_html(
            "<select{}>{}</select>",
            flatatt({"name": name, **self.build_attrs(self.attrs, attrs)}),
            options,
        )


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads 'Any' rather than Django's 'Unknown'."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Any"), ("true", "Yes"), ("false", "No")]
