from django import forms
from django.utils import timezone

from reports.models import CabinetReport
from reviews.choices import ReviewKind
from reviews.models import Review
from tracker.quarters import FinancialQuarter, quarter_choices


class CabinetReportCreateForm(forms.Form):
    """Which quarter, for which Cabinet meeting, about which review(s)."""

    quarter = forms.ChoiceField(
        label="Quarter",
        help_text="A report on the quarter still in progress shows the plan as at today, is "
        "marked Provisional, and can be issued only once the quarter has ended.",
        error_messages={
            "required": "Choose the quarter the report is on",
            "invalid_choice": "Choose one of the quarters in the list",
        },
    )
    meeting_date = forms.DateField(
        label="Date of the Cabinet meeting",
        help_text="It must come after the quarter ends. Not needed if the quarter already has one.",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
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


class CabinetReportForm(forms.ModelForm):
    """The front sheet of a draft, in the order the report prints it."""

    class Meta:
        model = CabinetReport
        fields = [
            "correction_note",
            "report_to",
            "subject",
            "report_of",
            "wards_affected",
            "portfolio",
            "is_key_decision",
            "in_forward_plan",
            "is_exempt",
            "summary",
            "recommendations",
            "reasons",
            "alternative_options",
            "revenue_costs",
            "capital_costs",
            "resource_implications",
            "legal_implications",
            "equality_implications",
            "climate_implications",
            "core_purpose",
            "internal_consultations",
            "external_consultations",
            "implementation_date",
            "contact_officer",
            "contact_telephone",
            "contact_email",
            "appendices",
            "background_papers",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.supersedes_id:
            del self.fields["correction_note"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 4


class CorrectionForm(forms.Form):
    correction_note = forms.CharField(
        label="What needs correcting in the issued version?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
