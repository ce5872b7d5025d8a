import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from reports import services
from reports.choices import Audience
from reports.models import CabinetReport, ReportingPeriod
from reports.pdf import RenderError
from reports.rendering import report_html
from reviews.models import Review
from tracker.quarters import FinancialQuarter


class Command(BaseCommand):
    help = (
        "Produce the quarterly Cabinet report for the meeting pack: "
        "cabinet_report --period 2024-25-Q1 --review 2023-cpc --output report.pdf. "
        "The report stays a draft unless --issue is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Financial quarter, e.g. 2024-25-Q1.")
        parser.add_argument(
            "--review", action="append", required=True, help="Review slug; repeat for several."
        )
        parser.add_argument(
            "--output",
            required=True,
            help="Where to write the report: .pdf, .docx (the Word version) or .html (the exact "
            "HTML given to WeasyPrint, to repeat a render elsewhere).",
        )
        parser.add_argument(
            "--meeting-date",
            help="Date of the meeting the report goes to (Cabinet's, or the Committee's with "
            "--audience scrutiny), YYYY-MM-DD.",
        )
        parser.add_argument(
            "--audience",
            choices=Audience.values,
            default=Audience.CABINET.value,
            help="Who the report is for: cabinet (the default) or scrutiny (the Overview and "
            "Scrutiny Committee); each has its own front sheet, from the same snapshot.",
        )
        parser.add_argument("--issue", action="store_true", help="Mark the report issued.")
        parser.add_argument(
            "--user", default=None, help="Username recorded as author (default: first superuser)."
        )

    def handle(self, *args, period, review, output, meeting_date, issue, user, audience, **options):
        audience = Audience(audience)
        try:
            quarter = FinancialQuarter.parse(period)
        except ValueError as exc:
            raise CommandError(f"--period: {exc}") from exc
        meeting = self._date(meeting_date)
        reviews = list(Review.objects.filter(slug__in=review))
        missing = sorted(set(review) - {r.slug for r in reviews})
        if missing:
            known = ", ".join(Review.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No review {', '.join(missing)}. Known reviews: {known}.")
        councils = {r.council_id for r in reviews}
        if len(councils) != 1:
            raise CommandError("The reviews of one report must belong to one council.")
        council = reviews[0].council
        author = self._author(user)
        target = Path(output)
        if not target.parent.exists():
            raise CommandError(f"--output: the folder {target.parent} does not exist.")
        kind = target.suffix.lower()
        if kind not in (".pdf", ".docx", ".html"):
            raise CommandError("--output: name a .pdf, .docx or .html file.")

        try:
            report = self._report(council, quarter, reviews, meeting, author, audience)
            report = services.cabinet_report_render_pdf(report=report)
            if issue:
                report = services.cabinet_report_issue(report=report, issued_by=author)
        except ValidationError as exc:
            hint = ""
            if getattr(exc, "code", None) == "defaults_incomplete":
                hint = " The performance team fills them in at /reports/defaults/."
            raise CommandError(_message(exc) + hint) from exc
        except RenderError as exc:
            raise CommandError(str(exc)) from exc
        state = "issued" if report.is_issued else "draft"
        if kind == ".docx":
            target.write_bytes(bytes(report.docx))
            self.stdout.write(f"Wrote {target} (Word version of {state} version {report.version}).")
            return
        if kind == ".html":
            # The HTML exactly as WeasyPrint was given it (the issued text once issued).
            target.write_text(report_html(report), encoding="utf-8")
            self.stdout.write(f"Wrote {target} (the HTML of {state} version {report.version}).")
            return
        target.write_bytes(bytes(report.pdf))
        self.stdout.write(
            f"Wrote {target} ({state} version {report.version}, {report.pdf_pages} pages, "
            f"{report.pdf_bytes} bytes, sha256 {report.pdf_sha256})."
        )

    def _date(self, text):
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(f"--meeting-date: {text!r} is not a date like 2024-09-12.") from exc

    def _author(self, username):
        users = get_user_model().objects
        if username:
            try:
                return users.get(username=username)
            except users.model.DoesNotExist as exc:
                raise CommandError(f"--user: no user {username!r}.") from exc
        author = users.filter(is_superuser=True).order_by("pk").first()
        if author is None:
            author = users.filter(groups__name=Role.PERFORMANCE).order_by("pk").first()
        if author is None:
            raise CommandError("Give --user: there is no superuser or performance team member.")
        return author

    def _report(self, council, quarter, reviews, meeting, author, audience) -> CabinetReport:
        """The quarter's latest draft to this audience if there is one, else a new report."""
        period = ReportingPeriod.objects.filter(council=council, quarter_slug=quarter.slug).first()
        reports = period.reports.filter(audience=audience) if period else None
        latest = reports.order_by("-version").first() if reports is not None else None
        if latest is None:
            return services.cabinet_report_create(
                council=council,
                quarter=quarter,
                reviews=reviews,
                meeting_date=meeting,
                created_by=author,
                audience=audience,
            )
        if latest.is_issued:
            raise CommandError(
                f"Version {latest.version} to {audience.label} for {quarter.label} is already "
                "issued; correct it in "
                "the tracker to make a new version."
            )
        if {r.pk for r in latest.reviews.all()} != {r.pk for r in reviews}:
            raise CommandError(
                f"The draft for {quarter.label} covers other reviews; change it in the tracker."
            )
        if meeting and meeting != latest.meeting_date:
            # The same rule as the web form: a draft's meeting may move until it is issued.
            latest = services.cabinet_report_update(report=latest, meeting_date=meeting)
            self.stdout.write(f"Meeting date of the draft changed to {meeting:%-d %B %Y}.")
        return latest


_OPTIONS = {"meeting_date": "--meeting-date", "quarter": "--period", "reviews": "--review"}


def _message(exc: ValidationError) -> str:
    """The service's words, naming the command-line option they are about."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return " ".join(
        f"{_OPTIONS[field]}: {' '.join(messages)}" if field in _OPTIONS else " ".join(messages)
        for field, messages in exc.message_dict.items()
    )
