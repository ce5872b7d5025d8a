from django import forms
from django.utils import timezone

from reviews.models import Review
from statements.models import StatementSection


class StatementCreateForm(forms.Form):
    """Which review, and the day the plan is read as at."""

    review = forms.ModelChoiceField(
        queryset=Review.objects.none(),
        label="Review",
        empty_label=None,
        error_messages={"required": "Choose the review", "invalid_choice": "Choose a review"},
    )
    # A text box, as people write dates (30/09/2024), like the revised target date.
    as_at = forms.DateField(
        label="Plan as at",
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"inputmode": "numeric", "size": 10}),
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"],
        help_text="The day the statement reads the action plan as at. For example, 30/09/2024.",
        error_messages={
            "required": "Enter the day the plan is read as at",
            "invalid": "Enter a real date, like 30/09/2024",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        reviews = Review.objects.visible_to(user).order_by("-onsite_start")
        self.fields["review"].queryset = reviews
        if not self.is_bound:
            self.initial.setdefault("as_at", timezone.localdate())


class StatementSectionsForm(forms.Form):
    """The title and one text box per section, labelled by where it goes."""

    title = forms.CharField(
        label="Title",
        max_length=300,
        error_messages={"required": "Enter the statement's title"},
    )

    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(statement.sections.all())
        self.initial.setdefault("title", statement.title)
        for section in self.sections:
            name = self.field_name(section)
            self.fields[name] = forms.CharField(
                label=f"{section.get_kind_display()}: {section.heading}",
                required=False,
                max_length=StatementSection._meta.get_field("text").max_length,
                widget=forms.Textarea(attrs={"rows": 6 if section.kind != "journey" else 8}),
                help_text="Paragraphs separated by a blank line; start lines with “- ” for a list.",
            )
            self.initial.setdefault(name, section.text)

    @staticmethod
    def field_name(section) -> str:
        return f"section_{section.pk}"

    def texts(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data[self.field_name(s)] for s in self.sections}
