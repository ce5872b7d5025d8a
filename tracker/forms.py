"""GOV.UK Frontend classes for Django's widgets, applied in one place for forms and filters, and
the one place typed text has its control characters normalised (``tracker.text``)."""

from django import forms

from tracker.text import normalise_text

_CLASSES = [
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.SelectMultiple, "govuk-select app-select-multiple"),
    (forms.Select, "govuk-select"),
    (forms.Textarea, "govuk-textarea"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.DateInput, "govuk-input govuk-input--width-10"),
    (forms.NumberInput, "govuk-input govuk-input--width-4"),
    (forms.widgets.Input, "govuk-input"),
]


def normalise_typed_text(field: forms.Field) -> forms.Field:
    """Make a text field clean control characters out of what is typed or pasted into it
    (a vertical tab from Word becomes a line break). Passwords are left exactly as typed."""
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        to_python = field.to_python

        def normalised(value):
            value = to_python(value)
            return normalise_text(value) if isinstance(value, str) else value

        field.to_python = normalised
    return field


class NormalisedTextMixin:
    """For a form laid out by its template rather than ``govuk_style``: its typed text has its
    control characters normalised all the same."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            normalise_typed_text(field)


def govuk_style(form: forms.BaseForm) -> forms.BaseForm:
    """Give each widget its GOV.UK class, mark invalid fields for assistive technology, and
    normalise the control characters of typed text."""
    for field in form.fields.values():
        normalise_typed_text(field)  # first: reading form.errors below cleans a bound form
    for name, field in form.fields.items():
        for widget_class, css in _CLASSES:
            if isinstance(field.widget, widget_class):
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{css} {existing}".strip()
                break
        if form.is_bound and name in form.errors:
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["class"] += " govuk-input--error"
    return form


class GovukFormMixin:
    """Mix into a Form or ModelForm to get GOV.UK widget classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_style(self)
