"""GOV.UK Frontend classes for Django's widgets, applied in one place for forms and filters, and
the one place typed text has its control characters normalised (``tracker.text``)."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

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


def add_validation_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal on the form that asked for it: each message on its field, or above
    the form when it names no field of this form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
            if not isinstance(field.widget, GovukDateWidget):  # it marks the boxes in error
                field.widget.attrs["class"] = (
                    field.widget.attrs.get("class", "") + " govuk-input--error"
                ).strip()
    return form


class GovukFormMixin:
    """Mix into a Form or ModelForm to get GOV.UK widget classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_style(self)


# -- Dates typed anywhere: the GOV.UK date input (day, month, year) -------------------------

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
DATE_PARTS = ("day", "month", "year")


class GovukDateWidget(forms.MultiWidget):
    """Three text boxes, Day, Month and Year, in GOV.UK's date input. Posted as
    ``<name>_day``, ``<name>_month`` and ``<name>_year``; ids ``<id>_0`` (day), ``_1``, ``_2``,
    so an error summary links to the day box. The fieldset, legend, hint and error message are
    the field template's (``templates/_date_field.html``); the parts in error are marked."""

    govuk_date_input = True

    def __init__(self, attrs=None):
        super().__init__(dict.fromkeys(DATE_PARTS, forms.TextInput), attrs)
        self.error_parts: set[str] = set()

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, list):
            value = self.decompress(value)
        attrs = self.build_attrs(self.attrs, attrs)
        invalid = attrs.pop("aria-invalid", None) == "true"
        attrs.pop("aria-describedby", None)  # on the fieldset, not on each box
        attrs.pop("class", None)
        base_id = attrs.pop("id", None)
        in_error = self.error_parts or (set(DATE_PARTS) if invalid else set())
        items = []
        for index, (part, part_value) in enumerate(zip(DATE_PARTS, value, strict=True)):
            css = "govuk-input govuk-date-input__input " + (
                "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
            )
            if part in in_error:
                css += " govuk-input--error"
            box_id = f"{base_id}_{index}" if base_id else f"id_{name}_{index}"
            box = {
                "class": css,
                "id": box_id,
                "name": f"{name}_{part}",
                "type": "text",
                "inputmode": "numeric",
                "value": "" if part_value in (None, "") else str(part_value),
                **({"aria-invalid": "true"} if part in in_error else {}),
                **attrs,
            }
            items.append(
                format_html(
                    '<div class="govuk-date-input__item"><div class="govuk-form-group">'
                    '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
                    "<input{}></div></div>",
                    box_id,
                    part.capitalize(),
                    flatatt(box),
                )
            )
        return format_html(
            '<div class="govuk-date-input" id="{}">{}</div>',
            base_id or f"id_{name}",
            format_html_join("", "{}", ((item,) for item in items)),
        )


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, checked with GOV.UK's messages ("Deadline must
    include a month", "Deadline must be a real date"). ``noun`` starts those messages."""

    widget = GovukDateWidget

    def __init__(self, *, noun: str = "Date", required_message: str | None = None, **kwargs):
        self.noun = noun
        fields = [forms.CharField(required=False, strip=True) for _ in DATE_PARTS]
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "required", required_message or f"Enter the {noun[0].lower()}{noun[1:]}"
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def clean(self, value):
        self.widget.error_parts = set()
        return super().clean(value)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (part or "" for part in data_list)
        parts = dict(zip(DATE_PARTS, (day, month, year), strict=True))
        missing = [part for part in DATE_PARTS if not parts[part]]
        if missing:
            self.widget.error_parts = set(missing)
            raise forms.ValidationError(
                f"{self.noun} must include a {' and a '.join(missing)}", code="incomplete"
            )
        month_number = _MONTH_NAMES.get(month.lower()) or (int(month) if month.isdigit() else 0)
        bad = {part for part in ("day", "year") if not parts[part].isdigit()}
        if not month_number:
            bad.add("month")
        if bad:
            self.widget.error_parts = bad
            raise forms.ValidationError(f"{self.noun} must be a real date", code="invalid")
        if len(year) != 4:
            self.widget.error_parts = {"year"}
            raise forms.ValidationError("Year must include 4 numbers", code="invalid")
        try:
            return dt.date(int(year), month_number, int(day))
        except ValueError:
            self.widget.error_parts = set(DATE_PARTS)
            raise forms.ValidationError(
                f"{self.noun} must be a real date", code="invalid"
            ) from None
