"""Forms officers, directors and the performance team fill in. Each editing form carries the
``version`` of the record the person saw and when they opened the page (``seen_at``), so a save
based on an out-of-date page is refused instead of overwriting someone else's."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.utils import timezone

from accounts.choices import Role
from actions.choices import ActionStatus
from actions.evidence import ACCEPTED, evidence_types
from actions.models import COMMENTARY_MAX_LENGTH, Action, Milestone, ProgressUpdate
from tracker.forms import GovukDateField, govuk_style
from tracker.people import display_name
from tracker.quarters import FinancialQuarter, quarter_choices

_PERCENT_MESSAGES = {
    "required": "Enter how complete the action is, as a percentage",
    "invalid": "Percent complete must be a whole number, like 40",
    "min_value": "Percent complete must be 0 or more",
    "max_value": "Percent complete must be 100 or less",
}


def _completion_date_errors(day: dt.date, *, action: Action, today: dt.date) -> str | None:
    if day > today:
        return "The completion date cannot be in the future"
    if action.start_date and day < action.start_date:
        return (
            f"The completion date cannot be before the action started "
            f"({action.start_date:%-d %B %Y})"
        )
    return None


def describe_fields(form: forms.BaseForm) -> forms.BaseForm:
    """Point each widget at its hint and error message (``aria-describedby``), and let long
    text be typed past its limit so the character count and a message explain it, rather than
    the browser silently cutting it off."""
    for name, field in form.fields.items():
        bound = form[name]
        ids = []
        if field.help_text:
            ids.append(f"{bound.auto_id}-hint")
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.pop("maxlength", None)
            if field.max_length:
                ids.append(f"{bound.auto_id}-info")
                field.widget.attrs["class"] += " govuk-js-character-count"
        if form.is_bound and name in form.errors:
            ids.append(f"{bound.auto_id}-error")
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)
    return form


SEEN_AT_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class VersionedForm(forms.Form):
    """The version of the record the person saw, and when; both sent back unchanged.

    Subclasses add per-record fields in ``add_fields``; GOV.UK classes are applied after it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    seen_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, version: int, today: dt.date | None = None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", version)
        kwargs["initial"].setdefault("seen_at", timezone.now().isoformat())
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        self.add_fields()
        describe_fields(govuk_style(self))

    def add_fields(self):
        pass

    def clean_seen_at(self):
        # Only ever the moment the page was opened: anything else (0001-01-01T00:00:00+14:00
        # overflows when SQLite converts it to UTC) is a tampered or broken page.
        seen_at = self.cleaned_data.get("seen_at")
        if seen_at is not None and not (
            SEEN_AT_EARLIEST <= seen_at <= timezone.now() + dt.timedelta(days=1)
        ):
            raise forms.ValidationError(
                "This page is out of date. Open it again, then make your change."
            )
        return seen_at

    def refreshed(self, *, version: int, changes: list[str]):
        """The same form, everything typed kept, now based on the latest version, and showing
        what changed: submitting it again deliberately saves over those changes."""
        data = self.data.copy()
        data[self.add_prefix("version")] = version
        data[self.add_prefix("seen_at")] = timezone.now().isoformat()
        form = type(self)(data, version=version, today=self.today, **self._extra_kwargs())
        form.is_valid()
        form.add_error(
            None,
            "Someone else changed this after you opened the page, so your changes have not "
            "been saved yet. Check what changed, then save again to keep yours.",
        )
        form.conflict_changes = changes
        return form

    def _extra_kwargs(self) -> dict:
        return {}


class MultipleFileInput(forms.ClearableFileInput):
    """GOV.UK's file upload with ``multiple``: several files in one control."""

    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several uploaded files (Django's documented pattern); each is checked by the form."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(EvidenceFilesField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ProgressUpdateForm(VersionedForm):
    """A quarterly progress update, with any milestones completed since the last one."""

    status = forms.ChoiceField(
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the action's status"},
    )
    percent_complete = forms.IntegerField(
        label="Percent complete",
        min_value=0,
        max_value=100,
        error_messages=_PERCENT_MESSAGES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    commentary = forms.CharField(
        required=False,
        max_length=COMMENTARY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Needed when the action is at risk, off track or complete: say what has "
        f"happened and what comes next. Up to {COMMENTARY_MAX_LENGTH:,} characters.",
        error_messages={
            "max_length": f"Commentary must be {COMMENTARY_MAX_LENGTH:,} characters or fewer "
            "(it has %(show_value)d)",
        },
    )
    evidence_url = forms.URLField(
        label="Evidence link (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A link to a document or page that shows the progress, starting https://",
        error_messages={
            "invalid": "Enter a web address that starts with https:// or http://",
            "max_length": "The evidence link must be 500 characters or fewer",
        },
    )

    revised_target_date = GovukDateField(
        label="Revised target date (if it has changed)",
        noun="Revised target date",
        required=False,
        help_text="Needed to record the action as on track once its target date has passed. "
        "For example, 31 3 2027. The original target date stays on record beside it.",
    )
    target_revision_reason = forms.CharField(
        label="Why the target date has changed",
        required=False,
        max_length=COMMENTARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_files = EvidenceFilesField(
        label="Evidence files (optional)",
        required=False,
        help_text=f"Up to {settings.EVIDENCE_MAX_FILES} files, each a {ACCEPTED}, smaller "
        f"than {settings.EVIDENCE_MAX_MEGABYTES} MB. Hold Ctrl (or Cmd) to choose several.",
    )

    def __init__(self, *args, action: Action, **kwargs):
        self.action = action
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("status", action.status)
        kwargs["initial"].setdefault("percent_complete", action.percent_complete)
        super().__init__(*args, version=kwargs.pop("version", action.version), **kwargs)

    def add_fields(self):
        self.open_milestones = [m for m in self.action.milestones.all() if not m.is_complete]
        for milestone in self.open_milestones:
            self.fields[f"milestone_{milestone.pk}"] = forms.BooleanField(
                label=milestone.title, required=False
            )
            self.fields[f"milestone_{milestone.pk}_on"] = GovukDateField(
                label="Date completed",
                noun="Date completed",
                required=False,
                help_text=f"For example, {self.today:%-d %-m %Y}",
            )

    def _extra_kwargs(self) -> dict:
        return {"action": self.action}

    def milestone_rows(self):
        """(milestone, tick box, date) for the template."""
        return [
            (m, self[f"milestone_{m.pk}"], self[f"milestone_{m.pk}_on"])
            for m in self.open_milestones
        ]

    def clean_evidence_files(self):
        uploads = self.cleaned_data.get("evidence_files") or []
        evidence_types(uploads)  # how many, how big, and each type read from its content
        return uploads

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and ActionStatus(status).needs_commentary and not cleaned.get("commentary"):
            self.add_error(
                "commentary",
                f"Say why the action is {ActionStatus(status).label.lower()}: commentary is "
                "needed for at risk, off track and complete",
            )
        for milestone in self.open_milestones:
            ticked = cleaned.get(f"milestone_{milestone.pk}")
            day_field = f"milestone_{milestone.pk}_on"
            day = cleaned.get(day_field)
            if day and not ticked:
                self.add_error(
                    f"milestone_{milestone.pk}",
                    f"Tick “{milestone.title}” if it is complete, or clear its date",
                )
            elif ticked and not day and day_field not in self.errors:
                self.add_error(day_field, f"Enter the date “{milestone.title}” was completed")
            elif ticked and day:
                problem = _completion_date_errors(day, action=self.action, today=self.today)
                if problem:
                    self.add_error(day_field, problem)
        if status and "percent_complete" in cleaned:
            problems = self.action.progress_problems(
                status=status,
                percent=cleaned["percent_complete"],
                day=self.today,
                revised_target_date=cleaned.get("revised_target_date"),
                revision_reason=cleaned.get("target_revision_reason", ""),
                completing=[m.pk for m, _ in self.completed_milestones()],
            )
            for field, message in problems.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    def completed_milestones(self) -> list[tuple[Milestone, dt.date]]:
        return [
            (m, self.cleaned_data[f"milestone_{m.pk}_on"])
            for m in self.open_milestones
            if self.cleaned_data.get(f"milestone_{m.pk}")
            and self.cleaned_data.get(f"milestone_{m.pk}_on")
        ]


class MilestoneCompleteForm(VersionedForm):
    completed_on = GovukDateField(
        label="Date completed",
        noun="Date completed",
        required_message="Enter the date the milestone was completed",
    )

    def __init__(self, *args, milestone: Milestone, **kwargs):
        self.milestone = milestone
        # Unique ids: the action page shows one of these forms per milestone.
        kwargs.setdefault("auto_id", f"milestone-{milestone.pk}-%s")
        super().__init__(*args, version=kwargs.pop("version", milestone.version), **kwargs)
        self.fields["completed_on"].initial = self.today
        self.fields["completed_on"].help_text = f"For example, {self.today:%-d %-m %Y}"

    def _extra_kwargs(self) -> dict:
        return {"milestone": self.milestone}

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        problem = _completion_date_errors(day, action=self.milestone.action, today=self.today)
        if problem:
            raise forms.ValidationError(problem)
        return day


class ActionReassignForm(VersionedForm):
    """A director hands an action to another person of the same directorate."""

    lead_officer = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="New lead officer",
        empty_label="Choose a person",
        error_messages={"required": "Choose the new lead officer"},
    )
    reason = forms.CharField(
        label="Why is the lead officer changing?",
        max_length=500,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the action's history and sent to the new lead officer.",
        error_messages={
            "required": "Enter why the lead officer is changing",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )

    def __init__(self, *args, action: Action, **kwargs):
        self.action = action
        super().__init__(*args, version=kwargs.pop("version", action.version), **kwargs)

    def add_fields(self):
        action = self.action
        people = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[Role.OFFICER, Role.DIRECTOR])
            .distinct()
            .select_related("profile")
            .order_by("last_name", "first_name")
        )
        if action.directorate_id:
            people = people.filter(profile__directorate_id=action.directorate_id)
        else:
            people = people.filter(profile__council_id=action.recommendation.review.council_id)
        self.fields["lead_officer"].queryset = people
        self.fields["lead_officer"].label_from_instance = lambda u: (
            f"{display_name(u)}" + (f", {u.profile.job_title}" if u.profile.job_title else "")
        )
        self.fields["lead_officer"].initial = action.lead_officer_id

    def _extra_kwargs(self) -> dict:
        return {"action": self.action}

    def clean_lead_officer(self):
        person = self.cleaned_data["lead_officer"]
        if person.pk == self.action.lead_officer_id:
            raise forms.ValidationError("Choose someone other than the current lead officer")
        return person


class ProgressUpdateCorrectForm(VersionedForm):
    """The performance team puts an earlier entry right by adding a correcting entry."""

    corrects = forms.ModelChoiceField(
        queryset=ProgressUpdate.objects.none(),
        label="Entry to correct",
        empty_label="Choose the entry",
        error_messages={"required": "Choose the entry that is wrong"},
    )
    status = ProgressUpdateForm.base_fields["status"]
    percent_complete = ProgressUpdateForm.base_fields["percent_complete"]
    commentary = forms.CharField(
        label="What was wrong and the corrected commentary",
        max_length=COMMENTARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Say what was wrong with the entry",
            "max_length": f"Commentary must be {COMMENTARY_MAX_LENGTH:,} characters or fewer "
            "(it has %(show_value)d)",
        },
    )

    def __init__(self, *args, action: Action, **kwargs):
        self.action = action
        super().__init__(*args, version=kwargs.pop("version", action.version), **kwargs)

    def add_fields(self):
        action = self.action
        self.fields["corrects"].queryset = action.updates.select_related("author")
        self.fields["corrects"].label_from_instance = lambda u: (
            f"{timezone.localtime(u.recorded_at):%-d %b %Y %H:%M}: {u.get_status_display()}, "
            f"{u.percent_complete}% ({display_name(u.author)})"
        )

    def _extra_kwargs(self) -> dict:
        return {"action": self.action}


class UpdateRoundForm(forms.Form):
    quarter = forms.ChoiceField(
        label="Quarter",
        error_messages={"required": "Choose the quarter the updates are for"},
    )
    deadline = GovukDateField(
        label="Deadline",
        noun="Deadline",
        help_text="The last day owners can record their update for this round. "
        "For example, 8 1 2027.",
    )

    def __init__(self, *args, council, today: dt.date | None = None, **kwargs):
        self.council = council
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        current = FinancialQuarter.containing(self.today)
        self.fields["quarter"].choices = quarter_choices(
            [current.previous(), current, current.next()], today=self.today
        )
        self.fields["quarter"].initial = FinancialQuarter.containing(self.today).slug
        describe_fields(govuk_style(self))

    def clean_quarter(self):
        return FinancialQuarter.parse(self.cleaned_data["quarter"])

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < self.today:
            raise forms.ValidationError("The deadline cannot be in the past")
        return deadline

    def clean(self):
        from actions.models import UpdateRound

        cleaned = super().clean()
        quarter = cleaned.get("quarter")
        if (
            quarter
            and UpdateRound.objects.open()
            .filter(
                council=self.council,
                quarter_start_year=quarter.start_year,
                quarter_number=quarter.number,
            )
            .exists()
        ):
            self.add_error("quarter", f"A round for {quarter.label} is already open")
        return cleaned


class ReminderForm(forms.Form):
    """When to email the round's lead officers: now, on a day, or some days before the
    deadline (at 09:00; actions/tasks.py)."""

    when = forms.ChoiceField(
        choices=[("now", "Now"), ("later", "Later")],
        initial="now",
        widget=forms.HiddenInput,
    )
    on = GovukDateField(
        label="Send on",
        noun="The date to send them",
        required=False,
        help_text="Reminders go out at 9am that day. For example, 4 1 2027.",
    )
    days_before = forms.IntegerField(
        label="Or this many days before the deadline",
        required=False,
        min_value=1,
        max_value=60,
        error_messages={
            "invalid": "Enter a whole number of days, like 3",
            "min_value": "Enter 1 day or more",
            "max_value": "Enter 60 days or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_fields(govuk_style(self))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") != "now":
            on, days_before = cleaned.get("on"), cleaned.get("days_before")
            if on is None and days_before is None and not self.errors:
                self.add_error("on", "Enter the day to send them, or how many days before")
            elif on is not None and days_before is not None:
                self.add_error("days_before", "Enter a day or a number of days, not both")
        return cleaned


class ProgressUpdateReturnForm(forms.Form):
    """Why an approver sends a submitted update back to its author."""

    reason = forms.CharField(
        label="Why are you returning this update?",
        max_length=COMMENTARY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The officer sees this at the top of their to-do list. Say what to put right.",
        error_messages={
            "required": "Enter why you are returning the update",
            "max_length": f"The reason must be {COMMENTARY_MAX_LENGTH:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_fields(govuk_style(self))


class CouncilApprovalForm(forms.Form):
    """The council's choice: do officers' updates need accepting before they count?"""

    updates_need_approval = forms.TypedChoiceField(
        label="Do officers' updates need approval before they count?",
        choices=[
            ("yes", "Yes, a director or the performance team accepts each update first"),
            ("no", "No, an officer's update counts as soon as it is saved"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if updates need approval"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_style(self)


class CloseForm(forms.Form):
    """When a recommendation, or a whole plan, moved into business as usual, and where."""

    closed_on = GovukDateField(
        label="Date it closed",
        noun="Date it closed",
        required_message="Enter the date it closed",
        help_text="For example, 31 3 2025",
    )
    continues_in = forms.CharField(
        label="Where the work continues",
        max_length=200,
        help_text="For example, Corporate Plan 2025\u201330 or the Medium Term Financial Strategy.",
        error_messages={
            "required": "Enter where the work continues, like Corporate Plan 2025\u201330",
            "max_length": "Where the work continues must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()
        describe_fields(govuk_style(self))
