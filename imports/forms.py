from django import forms

from accounts.roles import is_performance_team
from imports.choices import ImportKind
from imports.parsing import MAX_FILE_BYTES, SpreadsheetError, read_sheet
from reviews.models import Review
from tracker.forms import govuk_style
from tracker.people import display_name


class ImportUploadForm(forms.Form):
    """The spreadsheet to preview, and what kind of spreadsheet it is."""

    kind = forms.ChoiceField(
        label="What is in the spreadsheet?",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.QUARTERLY_UPDATES,
    )
    review = forms.ModelChoiceField(
        queryset=Review.objects.none(),
        required=False,
        label="Review",
        help_text="The review the action plan belongs to. For quarterly updates it is optional.",
    )
    file = forms.FileField(
        error_messages={"required": "Select a spreadsheet to upload."},
        label="Upload a file",
        help_text="An Excel workbook (.xlsx) or a CSV file, up to 5 MB and 2,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["review"].queryset = Review.objects.visible_to(user).order_by("-onsite_start")
        if not is_performance_team(user):
            self.fields["kind"].choices = [
                (ImportKind.QUARTERLY_UPDATES.value, ImportKind.QUARTERLY_UPDATES.label)
            ]
        govuk_style(self)  # last: it validates a bound form, which needs the choices above

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty.")
        content = upload.read()
        try:  # a file that is not a spreadsheet is not kept; one that is, is read only here
            self.cleaned_data["sheet"] = read_sheet(content, upload.name)
        except SpreadsheetError as exc:
            raise forms.ValidationError(str(exc)) from None
        self.cleaned_data["content"] = content
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ImportKind.ACTION_PLAN and not cleaned.get("review"):
            self.add_error("review", "Select the review the action plan belongs to.")
        return cleaned


class ImportApplyForm(forms.Form):
    skip_conflicts = forms.BooleanField(
        required=False, label="Skip the rows that conflict and import the rest"
    )


class ExportForm(forms.Form):
    """Which actions to export, and as what."""

    KIND_CHOICES = [
        ("updates", "Quarterly update spreadsheet (Excel): fill in and upload again"),
        ("plan_xlsx", "Action plan (Excel)"),
        ("plan_csv", "Action plan (CSV)"),
    ]
    what = forms.ChoiceField(
        label="What do you want to download?",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="updates",
    )
    review = forms.ModelChoiceField(
        queryset=Review.objects.none(), required=False, empty_label="All reviews"
    )
    directorate = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All directorates"
    )
    lead_officer = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Everyone", label="Lead officer"
    )

    def __init__(self, *args, user, **kwargs):
        from django.contrib.auth import get_user_model

        from reviews.models import Directorate, council_of

        super().__init__(*args, **kwargs)
        council = council_of(user)
        self.fields["review"].queryset = Review.objects.visible_to(user).order_by("-onsite_start")
        self.fields["directorate"].queryset = Directorate.objects.filter(council=council)
        self.fields["lead_officer"].queryset = (
            get_user_model()
            .objects.filter(led_actions__recommendation__review__council=council)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["lead_officer"].label_from_instance = lambda person: display_name(person)
        govuk_style(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("what", "").startswith("plan") and not cleaned.get("review"):
            self.add_error("review", "Select the review whose action plan you want.")
        return cleaned
