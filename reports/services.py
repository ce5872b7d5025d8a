"""Writes of Cabinet reports. Every change to a report goes through here; an issued report is
refused by every function except ``cabinet_report_correct``, which makes a new version."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reports import selectors
from reports.choices import Audience, ReportStatus
from reports.docx import report_docx
from reports.models import (
    COUNCIL_FIELDS,
    FRONT_SHEET_FIELDS,
    SCRUTINY_DEFAULTS,
    CabinetReport,
    ReportingPeriod,
    ReportSettings,
)
from reports.pdf import render_pdf
from reports.rendering import report_html
from reviews.choices import ReviewKind
from reviews.models import Council, Review, council_lock
from tracker.quarters import FinancialQuarter

EDITABLE_FIELDS = [
    *FRONT_SHEET_FIELDS,
    "subject",
    "summary",
    "recommendations",
    "appendices",
    "progress_narrative",
    "attention_narrative",
    "difference_narrative",
]


class ReportIssued(ValidationError):
    """An issued report was asked to change."""

    def __init__(self, report: CabinetReport):
        super().__init__(
            f"Version {report.version} of this report was issued on "
            f"{report.issued_at:%-d %B %Y} and cannot be changed. Make a correction instead."
        )


def default_texts(
    *, quarter: FinancialQuarter, reviews: list[Review], audience: Audience = Audience.CABINET
) -> dict[str, str]:
    """The parts of the front sheet that name the quarter, the review(s) and the audience."""
    titles = " and ".join(review.title for review in reviews) or "peer review"
    end = f"{quarter.end:%-d %B %Y}"
    # The LGA's name leads the subject only when every review is one of its own.
    lga = all(ReviewKind(review.kind).carried_out_by.endswith("(LGA)") for review in reviews)
    subject = (
        f"{'Local Government Association ' if lga else ''}{titles}: "
        f"Action Plan Progress {quarter.label}"
    )
    if audience == Audience.SCRUTINY:
        return {
            "subject": f"{subject} (Overview and Scrutiny)",
            "summary": (
                f"This report informs the Committee of progress against the action plan the "
                f"Council agreed in response to the recommendations of the {titles}, as at "
                f"{end} (the end of {quarter.label}, {quarter.months_label}), as the peer team "
                "asked that performance reports go to Overview and Scrutiny."
            ),
            "recommendations": (
                "The Committee is asked to\n\n"
                f"(1) note the progress made against the action plan as at {end}, as set out "
                "in this report and Appendix A; and\n\n"
                "(2) identify any actions on which it wishes to receive further information."
            ),
            "appendices": f"Appendix A - Action plan progress as at {end}",
        }
    return {
        "subject": subject,
        "summary": (
            f"This report updates Cabinet on progress against the action plan agreed in "
            f"response to the recommendations of the {titles}, as at {end} "
            f"(the end of {quarter.label}, {quarter.months_label})."
        ),
        "recommendations": (
            "Cabinet is asked to\n\n"
            f"(1) note the progress made against the action plan as at {end}, as set out in "
            "this report and Appendix A."
        ),
        "appendices": f"Appendix A - Action plan progress as at {end}",
    }


class DefaultsIncomplete(ValidationError):
    """The council's own details (contact officer, website...) are not filled in yet."""

    def __init__(self, missing: list[str], *, whose: str = "The council's report defaults"):
        super().__init__(
            f"{whose} are missing: {', '.join(missing)}. Fill them in before a report is "
            "made, so that no report goes out with blanks.",
            code="defaults_incomplete",
            params={"missing": missing},
        )


def _refuse_blanks(report: CabinetReport) -> None:
    missing = report.missing_council_fields()
    if missing:
        raise DefaultsIncomplete(missing, whose="This report's front sheet details")


def report_settings_for(council: Council, audience: Audience = Audience.CABINET) -> ReportSettings:
    """The council's defaults for one audience. The Scrutiny set starts from the Scrutiny
    wording and the council's own details (contact officer...) as given for Cabinet."""
    settings = ReportSettings.objects.filter(council=council, audience=audience).first()
    if settings is not None:
        return settings
    start = {}
    if audience == Audience.SCRUTINY:
        cabinet = ReportSettings.objects.filter(council=council, audience=Audience.CABINET).first()
        start = SCRUTINY_DEFAULTS | (
            {name: getattr(cabinet, name) for name in COUNCIL_FIELDS} if cabinet else {}
        )
    settings, _ = ReportSettings.objects.get_or_create(
        council=council, audience=audience, defaults=start
    )
    return settings


@transaction.atomic
def report_settings_update(
    *, council: Council, audience: Audience = Audience.CABINET, **fields
) -> ReportSettings:
    """Change the council's front sheet defaults for one audience; reports already started are
    not touched."""
    unknown = set(fields) - set(FRONT_SHEET_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    settings = report_settings_for(council, audience)
    settings = ReportSettings.objects.select_for_update().get(pk=settings.pk)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def _locked(report: CabinetReport) -> CabinetReport:
    """Re-read the row under a lock so two requests cannot issue or change it at once."""
    locked = CabinetReport.objects.select_for_update().get(pk=report.pk)
    if locked.status == ReportStatus.ISSUED:
        raise ReportIssued(locked)
    return locked


@transaction.atomic
def cabinet_report_create(
    *,
    council: Council,
    quarter: FinancialQuarter,
    reviews: list[Review],
    created_by,
    meeting_date: dt.date | None = None,
    audience: Audience = Audience.CABINET,
) -> CabinetReport:
    """Start the draft report for a quarter and audience (one of each per quarter), with the
    front sheet from the council's defaults for that audience and a snapshot of the plan as at
    the quarter's end."""
    audience = Audience(audience)
    reviews = list(reviews)
    if not reviews:
        raise ValidationError({"reviews": "Choose at least one review."})
    missing = report_settings_for(council, audience).missing_council_fields()
    if missing:
        raise DefaultsIncomplete(missing)
    if any(review.council_id != council.pk for review in reviews):
        raise ValidationError({"reviews": "Choose the council's own reviews."})
    council_lock(council)  # a double submit waits here, then finds the first one's report
    period = _period_ensure(
        council=council, quarter=quarter, audience=audience, meeting_date=meeting_date
    )
    existing = period.reports.filter(audience=audience)
    if existing.exists():
        raise ValidationError(
            f"A report to {audience.label} for {quarter.label} already exists.",
            code="report_exists",
            params={"report": existing.order_by("-version").first()},
        )
    defaults = report_settings_for(council, audience)
    report = CabinetReport(
        council=council,
        period=period,
        audience=audience,
        created_by=created_by,
        **{name: getattr(defaults, name) for name in FRONT_SHEET_FIELDS},
        **default_texts(quarter=quarter, reviews=reviews, audience=audience),
    )
    report.full_clean(exclude=["reviews"])
    report.save()
    report.reviews.set(reviews)
    _snapshot_take(report)
    report.save(update_fields=["snapshot", "snapshot_taken_at"])
    return report


def _period_ensure(
    *,
    council: Council,
    quarter: FinancialQuarter,
    audience: Audience,
    meeting_date: dt.date | None,
) -> ReportingPeriod:
    """The quarter's reporting period, with the date of the audience's meeting set or changed;
    a date is never changed once a report to that meeting has been issued."""
    audience = Audience(audience)
    period = ReportingPeriod.objects.filter(council=council, quarter_slug=quarter.slug).first()
    if period is None:
        period = ReportingPeriod(
            council=council, quarter_slug=quarter.slug, start=quarter.start, end=quarter.end
        )
    current = period.meeting_date_for(audience)
    if meeting_date and meeting_date != current:
        if period.pk and period.reports.filter(audience=audience).issued().exists():
            raise ValidationError(
                {
                    "meeting_date": f"A report for this quarter has been issued for the "
                    f"{audience.meeting} on {current:%-d %B %Y}."
                }
            )
        period.set_meeting_date(audience, meeting_date)
    date = period.meeting_date_for(audience)
    if date is None:
        raise ValidationError({"meeting_date": f"Enter the date of the {audience.meeting}."})
    if date <= quarter.end:
        raise ValidationError(
            {
                "meeting_date": f"The {audience.meeting} must be after the quarter ends "
                f"({quarter.end:%-d %B %Y})."
            }
        )
    period.full_clean(validate_constraints=False)
    period.save()
    return period


def _snapshot_take(report: CabinetReport) -> None:
    reviews = list(
        report.reviews.prefetch_related("themes", "peer_team").select_related("follows_up")
    )
    report.snapshot = selectors.report_snapshot(
        reviews=reviews, quarter=report.period.quarter
    ).to_json()
    report.snapshot_taken_at = timezone.now()


@transaction.atomic
def cabinet_report_update(
    *, report: CabinetReport, meeting_date: dt.date | None = None, **fields
) -> CabinetReport:
    """Change the front sheet of a draft, or the date of the meeting it goes to. Its PDF, if
    any, no longer matches and is discarded."""
    unknown = set(fields) - {*EDITABLE_FIELDS, "correction_note"}
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    report = _locked(report)
    for name, value in fields.items():
        setattr(report, name, value)
    report.full_clean(exclude=["reviews"])
    if meeting_date is not None and meeting_date != report.meeting_date:
        # The date belongs to the quarter's period; _period_ensure refuses it once issued.
        report.period = _period_ensure(
            council=report.council,
            quarter=report.period.quarter,
            audience=report.audience,
            meeting_date=meeting_date,
        )
    report.files_discard()
    report.save()
    return report


def cabinet_report_render_pdf(*, report: CabinetReport, timeout: float | None = None):
    """Take a fresh snapshot and render the draft's PDF.

    The render happens before any write, in a child process with a time limit; only a complete
    PDF is saved, in one transaction, so a render that fails or is stopped changes nothing."""
    if CabinetReport.objects.filter(pk=report.pk, status=ReportStatus.ISSUED).exists():
        raise ReportIssued(CabinetReport.objects.get(pk=report.pk))
    draft = CabinetReport.objects.select_related("period", "council", "supersedes").get(
        pk=report.pk
    )
    _refuse_blanks(draft)
    _snapshot_take(draft)
    rendered = render_pdf(report_html(draft), timeout=timeout)
    word = report_docx(draft)
    with transaction.atomic():
        locked = _locked(draft)
        locked.snapshot, locked.snapshot_taken_at = draft.snapshot, draft.snapshot_taken_at
        locked.files_keep(pdf=rendered.content, pages=rendered.pages, docx=word)
        locked.save()
    return locked


def cabinet_report_issue(*, report: CabinetReport, issued_by, timeout: float | None = None):
    """Issue a checked draft: from now on neither it nor its PDF changes.

    The final PDF is rendered again from the draft's own snapshot (not a fresh one), so its
    figures are the ones the performance team checked; only the draft notice goes."""
    draft = CabinetReport.objects.select_related("period", "council", "supersedes").get(
        pk=report.pk
    )
    if draft.is_issued:
        raise ReportIssued(draft)
    if not draft.pdf_sha256:
        raise ValidationError("Generate the PDF before issuing the report.")
    _refuse_blanks(draft)
    if timezone.localdate() <= draft.period.end:
        raise ValidationError(
            f"{draft.period.quarter.label} has not ended yet: issue its report after "
            f"{draft.period.end:%-d %B %Y}."
        )
    snapshot = draft.frozen_snapshot
    if snapshot and snapshot.provisional:
        raise ValidationError(
            f"This draft shows the plan as at {snapshot.as_at:%-d %B %Y}, before "
            f"{draft.period.quarter.label} ended: generate the PDF again so that it reads the "
            f"plan as at {draft.period.end:%-d %B %Y}, check it, then issue it."
        )
    if draft.supersedes_id and not draft.correction_note.strip():
        raise ValidationError(
            {"correction_note": "Say what this version corrects in the one it replaces."}
        )
    checked = draft.pdf_sha256
    draft.status = ReportStatus.ISSUED  # in memory only, so the final PDF drops "Draft"
    rendered = render_pdf(report_html(draft), timeout=timeout)
    word = report_docx(draft)
    with transaction.atomic():
        locked = _locked(draft)
        if locked.pdf_sha256 != checked:
            raise ValidationError(
                "The draft changed while it was being issued. Check it again, then issue it."
            )
        locked.files_keep(pdf=rendered.content, pages=rendered.pages, docx=word)
        locked.status = ReportStatus.ISSUED
        locked.issued_by = issued_by
        locked.issued_at = timezone.now()
        locked.save()
    return locked


@transaction.atomic
def cabinet_report_correct(*, report: CabinetReport, created_by, correction_note: str):
    """Start a new draft version that replaces an issued report; the issued one stays as it was."""
    original = CabinetReport.objects.select_for_update().get(pk=report.pk)
    if original.status != ReportStatus.ISSUED:
        raise ValidationError("Only an issued report is corrected; edit the draft instead.")
    if CabinetReport.objects.filter(supersedes=original).exists():
        raise ValidationError("This version has already been corrected: correct the latest one.")
    if not correction_note.strip():
        raise ValidationError({"correction_note": "Say what needs correcting."})
    latest = original.period.reports.filter(audience=original.audience).order_by("-version")[0]
    correction = CabinetReport(
        council=original.council,
        period=original.period,
        audience=original.audience,
        version=latest.version + 1,
        supersedes=original,
        correction_note=correction_note.strip(),
        created_by=created_by,
        **{name: getattr(original, name) for name in EDITABLE_FIELDS},
    )
    correction.full_clean(exclude=["reviews"])
    correction.save()
    correction.reviews.set(original.reviews.all())
    _snapshot_take(correction)
    correction.save(update_fields=["snapshot", "snapshot_taken_at"])
    return correction
