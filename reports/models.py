import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import capfirst

from accounts.roles import is_performance_team
from reports.choices import Audience, ReportStatus
from reports.snapshot import ReportSnapshot
from reviews.models import Council, Review, council_of
from tracker.documents import IssuedDocument, IssuedDocumentQuerySet
from tracker.quarters import FinancialQuarter


class FrontSheet(models.Model):
    """The fixed fields of a Cabinet report's front sheet and opening sections.

    The defaults are neutral: generic sentences where any council would say the same, blank
    where only the council can say it (who the report is from, its contact officer, its
    website). Those are ``COUNCIL_FIELDS``; no report starts until the council has filled them
    in (``missing_council_fields``). A council's ``ReportSettings`` holds its defaults; each
    ``CabinetReport`` starts from a copy it may edit. Sefton's own wording is demo data
    (``demo/fixtures/sefton.json``)."""

    report_to = models.CharField(max_length=200, default="Cabinet")
    report_of = models.CharField(
        max_length=300, default="", help_text="The officer presenting it, such as a director."
    )
    wards_affected = models.CharField(max_length=300, default="All Wards")
    portfolio = models.CharField(
        max_length=300, default="", help_text="The Cabinet Member whose portfolio it falls in."
    )
    is_key_decision = models.BooleanField("is this a key decision", default=False)
    in_forward_plan = models.BooleanField("included in forward plan", default=False)
    is_exempt = models.BooleanField("exempt / confidential report", default=False)
    reasons = models.TextField(
        "reasons for the recommendation(s)",
        default=(
            "Peer challenges are a proven tool for sector-led improvement. Cabinet agreed an "
            "action plan in response to the peer team's recommendations and receives a report "
            "on its progress every quarter, so that Members can hold the Council to account "
            "for delivering it."
        ),
    )
    alternative_options = models.TextField(
        "alternative options considered and rejected", default="NA"
    )
    revenue_costs = models.TextField(
        default=(
            "The report does not have direct implications for finances or resources. Where an "
            "action in the plan has implications that cannot be contained within existing "
            "budgets there will be a separate report to Cabinet or Cabinet Member seeking "
            "approval in accordance with the Council's constitution."
        )
    )
    capital_costs = models.TextField(
        default="The report does not have direct implications for capital resources."
    )
    resource_implications = models.TextField(
        "resource implications (financial, IT, staffing and assets)",
        default="The report does not have direct implications for finances or resources.",
    )
    legal_implications = models.TextField(
        default="There are no implications arising directly out of this report."
    )
    equality_implications = models.TextField(default="There are no equality implications.")
    climate_implications = models.TextField(
        "climate emergency implications",
        default="The recommendations within this report will",
        help_text="The words before the table of impacts.",
    )
    # Sefton's Climate Emergency table: each line answered Yes or No.
    climate_positive = models.BooleanField("have a positive impact", default=False)
    climate_neutral = models.BooleanField("have a neutral impact", default=True)
    climate_negative = models.BooleanField("have a negative impact", default=False)
    climate_training = models.BooleanField(
        "the author has undertaken the Climate Emergency training for report authors",
        default=True,
    )
    # The Council's Core Purpose, under Sefton's eight headings ("NA" where it does not apply).
    core_vulnerable = models.TextField("protect the most vulnerable", default="NA")
    core_communities = models.TextField(
        "facilitate confident and resilient communities", default="NA"
    )
    core_services = models.TextField("commission, broker and provide core services", default="NA")
    core_place = models.TextField("place \u2013 leadership and influencer", default="NA")
    core_change = models.TextField(
        "drivers of change and reform",
        default=(
            "The Council is a self-aware learning organisation. Reporting progress against the "
            "peer challenge action plan keeps its improvement open to Members and residents."
        ),
    )
    core_prosperity = models.TextField("facilitate sustainable economic prosperity", default="NA")
    core_income = models.TextField("greater income for social investment", default="NA")
    core_greener = models.TextField("cleaner greener", default="NA")
    internal_consultations = models.TextField(
        default=(
            "The Chief Finance Officer and the Monitoring Officer have been consulted and any "
            "comments have been incorporated into the report."
        )
    )
    finance_officer = models.CharField(
        "finance officer consulted",
        max_length=200,
        default="Chief Finance Officer",
        help_text="The title printed before the finance consultation reference.",
    )
    finance_reference = models.CharField(
        "finance consultation reference",
        max_length=40,
        blank=True,
        help_text="The finance officer's reference, such as FD.6708/22.",
    )
    legal_officer = models.CharField(
        "legal officer consulted",
        max_length=200,
        default="Monitoring Officer",
        help_text="The title printed before the legal consultation reference.",
    )
    legal_reference = models.CharField(
        "legal consultation reference",
        max_length=40,
        blank=True,
        help_text="The legal officer's reference, such as LD.4908/22.",
    )
    external_consultations = models.TextField(default="NA")
    implementation_date = models.CharField(
        "implementation date for the decision",
        max_length=300,
        default="Immediately following the Cabinet meeting.",
    )
    contact_officer = models.CharField(max_length=200, default="")
    contact_telephone = models.CharField("telephone number", max_length=60, default="")
    contact_email = models.EmailField("email address", default="")
    website = models.URLField(
        "council website",
        default="",
        help_text="Background papers are published here; the report links to it.",
    )
    background_papers = models.TextField(
        default="Associated papers are published on the Council website."
    )

    class Meta:
        abstract = True

    def missing_council_fields(self) -> list[str]:
        """The council's own details still blank, by their labels: a report needs them all."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in COUNCIL_FIELDS
            if not str(getattr(self, name) or "").strip()
        ]


FRONT_SHEET_FIELDS = [field.name for field in FrontSheet._meta.local_fields]
# Only the council can say these; they start blank and a report is refused until they are set.
COUNCIL_FIELDS = [
    "report_of",
    "portfolio",
    "contact_officer",
    "contact_telephone",
    "contact_email",
    "website",
]
CORE_PURPOSE_FIELDS = [name for name in FRONT_SHEET_FIELDS if name.startswith("core_")]


def core_purpose_of(values: dict) -> list[tuple[str, str]]:
    """The Core Purpose headings, in Sefton's order and words, with the text under each."""
    return [
        (capfirst(FrontSheet._meta.get_field(name).verbose_name), values.get(name) or "NA")
        for name in CORE_PURPOSE_FIELDS
    ]


# Where the Scrutiny version's defaults differ from the model's (which are Cabinet's).
SCRUTINY_DEFAULTS = {
    "report_to": "Overview and Scrutiny Committee",
    "reasons": (
        "Peer challenges are a proven tool for sector-led improvement. The peer team asked "
        "that progress against the action plan is reported to Overview and Scrutiny as well as "
        "Cabinet, so that the Committee can scrutinise the Council's delivery of it."
    ),
    "implementation_date": "Not applicable: the report is for the Committee's scrutiny.",
}


class ReportSettings(FrontSheet):
    """A council's defaults for the front sheet of its quarterly report, one set per audience
    (Cabinet, Overview and Scrutiny Committee)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="report_settings")
    audience = models.CharField(
        max_length=10, choices=Audience.choices, default=Audience.CABINET, editable=False
    )

    class Meta:
        ordering = ["council", "audience"]
        verbose_name = "report defaults"
        verbose_name_plural = "report defaults"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "audience"], name="%(app_label)s_%(class)s_one_per_audience"
            ),
        ]

    def __str__(self):
        return f"Report defaults for {self.get_audience_display()}, {self.council}"


class ReportingPeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        council = council_of(user)
        return self.filter(council=council) if council else self.none()


class ReportingPeriod(models.Model):
    """A quarter of the financial year and the meetings its progress reports go to: Cabinet's,
    and the Overview and Scrutiny Committee's, which usually sits on another day. Each date is
    set when the first report to that meeting is started."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="reporting_periods")
    quarter_slug = models.CharField(max_length=10, help_text="Such as 2024-25-Q1.")
    start = models.DateField(editable=False)
    end = models.DateField(editable=False)
    meeting_date = models.DateField("date of Cabinet meeting", null=True, blank=True)
    scrutiny_meeting_date = models.DateField(
        "date of Overview and Scrutiny Committee meeting", null=True, blank=True
    )

    objects = ReportingPeriodQuerySet.as_manager()

    # Which field holds the date of each audience's meeting.
    MEETING_DATE_FIELDS = {
        Audience.CABINET: "meeting_date",
        Audience.SCRUTINY: "scrutiny_meeting_date",
    }

    class Meta:
        ordering = ["council", "-start"]
        verbose_name = "reporting period"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "quarter_slug"], name="%(app_label)s_%(class)s_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="%(app_label)s_%(class)s_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(meeting_date__isnull=True) | Q(meeting_date__gt=F("end")),
                name="%(app_label)s_%(class)s_meeting_after_quarter",
            ),
            models.CheckConstraint(
                condition=Q(scrutiny_meeting_date__isnull=True)
                | Q(scrutiny_meeting_date__gt=F("end")),
                name="%(app_label)s_%(class)s_scrutiny_meeting_after_quarter",
            ),
        ]

    def __str__(self):
        meetings = [
            f"{audience.label} {date:%-d %B %Y}"
            for audience in Audience
            if (date := self.meeting_date_for(audience))
        ]
        return f"{self.quarter.label} ({', '.join(meetings)})" if meetings else self.quarter.label

    @property
    def quarter(self) -> FinancialQuarter:
        return FinancialQuarter.parse(self.quarter_slug)

    def meeting_date_for(self, audience: Audience) -> dt.date | None:
        return getattr(self, self.MEETING_DATE_FIELDS[Audience(audience)])

    def set_meeting_date(self, audience: Audience, date: dt.date) -> None:
        setattr(self, self.MEETING_DATE_FIELDS[Audience(audience)], date)


class CabinetReportQuerySet(IssuedDocumentQuerySet):
    def visible_to(self, user):
        """The person's own council's reports; drafts only for the performance team."""
        if user.is_superuser:
            return self
        council = council_of(user)
        if council is None:
            return self.none()
        mine = self.filter(council=council)
        return mine if is_performance_team(user) else mine.issued()


class CabinetReport(FrontSheet, IssuedDocument):
    """One version of the quarterly progress report to Cabinet: a frozen snapshot of the action
    plan as at the quarter's end, the front sheet, and the PDF rendered from them.

    A draft may be edited and re-rendered; once issued, the row and its PDF never change
    (``reports.services`` refuses, the admin is read-only). A correction is a new version whose
    ``supersedes`` names the issued one it replaces."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="cabinet_reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    reviews = models.ManyToManyField(Review, related_name="cabinet_reports")
    audience = models.CharField(
        max_length=10, choices=Audience.choices, default=Audience.CABINET, editable=False
    )
    correction_note = models.TextField(
        blank=True, help_text="For a correction: what was wrong in the version it replaces."
    )

    subject = models.CharField(max_length=300)
    summary = models.TextField()
    recommendations = models.TextField("recommendation(s)")
    appendices = models.TextField()
    # What the performance team writes for this report alone; plain text, never HTML.
    progress_narrative = models.TextField(
        "progress this quarter",
        blank=True,
        help_text="Paragraphs separated by a blank line; start lines with '- ' for a list.",
    )
    attention_narrative = models.TextField(
        "matters for the meeting's attention",
        blank=True,
        help_text="Paragraphs separated by a blank line; start lines with '- ' for a list.",
    )

    difference_narrative = models.TextField(
        "what difference has it made",
        blank=True,
        help_text="For the report that closes a plan: what changed for residents and the "
        "council. Paragraphs separated by a blank line; start lines with '- ' for a list.",
    )

    snapshot_taken_at = models.DateTimeField(null=True, editable=False)

    objects = CabinetReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period__start", "-version"]
        verbose_name = "Cabinet report"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "audience", "version"],
                name="%(app_label)s_%(class)s_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values),
                name="%(app_label)s_%(class)s_audience_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT)
                | (
                    Q(pdf__isnull=False)
                    & ~Q(pdf_sha256="")
                    & Q(issued_at__isnull=False)
                    & Q(issued_by__isnull=False)
                ),
                name="%(app_label)s_%(class)s_issued_has_pdf",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | Q(version__gt=1),
                name="%(app_label)s_%(class)s_correction_is_later_version",
            ),
        ]

    def __str__(self):
        return (
            f"{self.subject} ({self.get_audience_display()}, version {self.version}, "
            f"{self.get_status_display().lower()})"
        )

    def get_absolute_url(self):
        return reverse("reports:cabinet_report_detail", kwargs={"pk": self.pk})

    @property
    def frozen_snapshot(self) -> ReportSnapshot | None:
        """The plan as the report froze it, typed (``reports.snapshot``), whatever its format;
        None before the first snapshot is taken."""
        return ReportSnapshot.from_json(self.snapshot) if self.snapshot else None

    @property
    def audience_choice(self) -> Audience:
        return Audience(self.audience)

    @property
    def pdf_filename(self) -> str:
        """Built from the audience, quarter and version only: never from text a user typed."""
        state = "" if self.is_issued else "-draft"
        return f"{self.audience}-report-{self.period.quarter_slug}-v{self.version}{state}.pdf"

    @property
    def meeting_date(self) -> dt.date:
        """The date of the meeting this report goes to: Cabinet's or the Committee's."""
        return self.period.meeting_date_for(self.audience)
