from django import forms
from django.utils import timezone

from reports.choices import Audience
from reports.models import FRONT_SHEET_FIELDS, CabinetReport, ReportSettings
from reviews.choices import ReviewKind
from reviews.models import Review
from tracker.forms import GovukDateField, NormalisedTextMixin
from tracker.quarters import FinancialQuarter, quarter_choices


class CabinetReportCreateForm(NormalisedTextMixin, forms.Form):
    """For whom, which quarter, for which meeting, about which review(s)."""

    audience = forms.TypedChoiceField(
        label="Who is the report for?",
        choices=Audience.choices,
        coerce=Audience,
        initial=Audience.CABINET,
        required=False,  # Cabinet's report unless Scrutiny is chosen
        empty_value=Audience.CABINET,
        widget=forms.RadioSelect,
        help_text="Both come from the same snapshot of the plan; each has its own front sheet.",
        error_messages={
            "required": "Choose who the report is for",
            "invalid_choice": "Choose Cabinet or the Overview and Scrutiny Committee",
        },
    )
    quarter = forms.ChoiceField(
        label="Quarter",
        help_text="A report on the quarter still in progress shows the plan as at today, is "
        "marked Provisional, and can be issued only once the quarter has ended.",
        error_messages={
            "required": "Choose the quarter the report is on",
            "invalid_choice": "Choose one of the quarters in the list",
        },
    )
    meeting_date = GovukDateField(
        label="Date of the meeting",
        noun="Date of the meeting",
        help_text="The Cabinet or Committee meeting the report goes to. It must come after the "
        "quarter ends. Not needed if that meeting's date is already set for the quarter. For "
        "example, 14 11 2024.",
        required=False,
    )
    reviews = forms.ModelMultipleChoiceField(
        queryset=Review.objects.none(),
        label="Reviews the report covers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one review."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        reviews = Review.objects.visible_to(user).order_by("-onsite_start")
        self.fields["reviews"].queryset = reviews
        today = timezone.localdate()
        first = reviews.last()
        self.fields["quarter"].choices = quarter_choices(
            FinancialQuarter.spanning(first.onsite_start if first else today, today), today=today
        )
        latest = reviews.filter(kind=ReviewKind.CPC).first()
        if not self.is_bound:
            if latest:
                self.initial.setdefault("reviews", [latest.pk])
            # Reports look back: suggest the last quarter that has ended.
            last = FinancialQuarter.containing(today).previous()
            self.initial.setdefault("quarter", last.slug)

    def clean_quarter(self) -> FinancialQuarter:
        return FinancialQuarter.parse(self.cleaned_data["quarter"])  # one of the choices


# The front sheet in the order the report prints it, for the report and the council's defaults.
FRONT_SHEET_ORDER = [
    "report_to",
    "report_of",
    "wards_affected",
    "portfolio",
    "is_key_decision",
    "in_forward_plan",
    "is_exempt",
    "reasons",
    "alternative_options",
    "revenue_costs",
    "capital_costs",
    "resource_implications",
    "legal_implications",
    "equality_implications",
    "climate_implications",
    "climate_positive",
    "climate_neutral",
    "climate_negative",
    "climate_training",
    "core_vulnerable",
    "core_communities",
    "core_services",
    "core_place",
    "core_change",
    "core_prosperity",
    "core_income",
    "core_greener",
    "internal_consultations",
    "finance_officer",
    "finance_reference",
    "legal_officer",
    "legal_reference",
    "external_consultations",
    "implementation_date",
    "contact_officer",
    "contact_telephone",
    "contact_email",
    "website",
    "background_papers",
]


def _short_textareas(form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 4


def _front_sheet_field(model_field, **kwargs):
    # A council website typed without a scheme is an https one.
    if model_field.name == "website":
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class CabinetReportForm(NormalisedTextMixin, forms.ModelForm):
    """The front sheet of a draft, in the order the report prints it, with the date of the
    meeting it goes to (kept on the quarter's reporting period)."""

    meeting_date = GovukDateField()  # named for the report's own meeting in __init__

    class Meta:
        model = CabinetReport
        formfield_callback = _front_sheet_field
        fields = [
            "correction_note",
            "subject",
            "summary",
            "progress_narrative",
            "attention_narrative",
            "difference_narrative",
            "recommendations",
            *FRONT_SHEET_ORDER,
            "appendices",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.supersedes_id:
            del self.fields["correction_note"]
        meeting = self.instance.audience_choice.meeting
        self.fields["meeting_date"] = GovukDateField(
            label=f"Date of the {meeting}",
            noun=f"Date of the {meeting}",
            help_text="It must come after the quarter ends. For example, 14 11 2024.",
        )
        if self.instance.pk:
            self.initial.setdefault("meeting_date", self.instance.meeting_date)
        _short_textareas(self)


class ReportSettingsForm(NormalisedTextMixin, forms.ModelForm):
    """The council's defaults that every new report's front sheet starts from."""

    class Meta:
        model = ReportSettings
        formfield_callback = _front_sheet_field
        fields = FRONT_SHEET_ORDER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _short_textareas(self)


class CorrectionForm(NormalisedTextMixin, forms.Form):
    correction_note = forms.CharField(
        label="What needs correcting in the issued version?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


assert set(FRONT_SHEET_ORDER) == set(FRONT_SHEET_FIELDS), "every front sheet field has a place"
