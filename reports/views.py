"""The Cabinet report pages: the archive everyone signed in can read, and the performance team's
steps from draft to issued. Other roles never see an edit control and get 403 if they post."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.roles import PerformanceTeamRequiredMixin, is_performance_team
from jobs.choices import JobKind
from jobs.services import job_enqueue
from jobs.views import job_redirect
from reports import selectors, services, tasks
from reports.choices import Audience
from reports.filtersets import CabinetReportFilterSet
from reports.forms import (
    CabinetReportCreateForm,
    CabinetReportForm,
    CorrectionForm,
    ReportSettingsForm,
)
from reports.models import CabinetReport
from reports.pdf import RenderError
from reports.rendering import report_html
from reports.tables import CabinetReportTable
from reviews.models import council_of
from tracker.downloads import DOCX, PDF, attachment
from tracker.forms import add_validation_errors


class ReportMixin:
    """Finds the report among those the person may see (so drafts are 404 for other roles)."""

    with_pdf = False  # the PDF can be megabytes: load it only to send it

    def get_report(self) -> CabinetReport:
        reports = CabinetReport.objects.visible_to(self.request.user).select_related(
            "period", "council", "supersedes", "created_by", "issued_by"
        )
        if not self.with_pdf:
            reports = reports.defer("pdf", "docx")
        return get_object_or_404(reports, pk=self.kwargs["pk"])


class CabinetReportListView(SingleTableMixin, FilterView):
    """Issued reports for everyone; drafts too for the performance team."""

    table_class = CabinetReportTable
    filterset_class = CabinetReportFilterSet
    template_name = "reports/cabinet_report_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.cabinet_report_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_edit=is_performance_team(self.request.user),
            council=council_of(self.request.user),
            **kwargs,
        )


class CabinetReportCreateView(PerformanceTeamRequiredMixin, FormView):
    form_class = CabinetReportCreateForm
    template_name = "reports/cabinet_report_create.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def form_valid(self, form):
        council = council_of(self.request.user)
        if council is None:
            raise PermissionDenied("Your account is not linked to a council.")
        try:
            report = services.cabinet_report_create(
                council=council,
                quarter=form.cleaned_data["quarter"],
                reviews=list(form.cleaned_data["reviews"]),
                meeting_date=form.cleaned_data["meeting_date"],
                audience=form.cleaned_data["audience"],
                created_by=self.request.user,
            )
        except ValidationError as exc:
            code = getattr(exc, "code", None)  # a ValidationError of several fields has none
            if code == "report_exists":  # also what the second of a double submit is told
                existing = exc.params["report"]
                form.add_error(
                    None,
                    format_html(
                        '{} <a class="govuk-link" href="{}">Open the {} report</a>.',
                        exc.message,
                        existing.get_absolute_url(),
                        existing.period.quarter.label,
                    ),
                )
            elif code == "defaults_incomplete":
                form.add_error(
                    None,
                    format_html(
                        '{} <a class="govuk-link" href="{}?audience={}">Fill in the report '
                        "defaults</a>.",
                        exc.message,
                        reverse("reports:reportsettings_update"),
                        form.cleaned_data["audience"].value,
                    ),
                )
            else:
                add_validation_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, "Draft report started. Check the front sheet, then preview it."
        )
        return redirect(report)


class CabinetReportDetailView(ReportMixin, DetailView):
    template_name = "reports/cabinet_report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return self.get_report()

    def get_context_data(self, **kwargs):
        report = self.object
        snapshot = report.frozen_snapshot
        return super().get_context_data(
            can_edit=is_performance_team(self.request.user),
            headline=snapshot.headline if snapshot else None,
            quarter=report.period.quarter,
            reviews=report.reviews.all(),
            correction=CabinetReport.objects.visible_to(self.request.user)
            .filter(supersedes=report)
            .first(),
            correction_form=CorrectionForm(),
            show_sample_banner=snapshot.is_sample if snapshot else False,
            **kwargs,
        )


class CabinetReportUpdateView(PerformanceTeamRequiredMixin, ReportMixin, FormView):
    """Edit the front sheet of a draft."""

    form_class = CabinetReportForm
    template_name = "reports/cabinet_report_update.html"

    @cached_property
    def report(self) -> CabinetReport:
        report = self.get_report()
        if report.is_issued:
            raise PermissionDenied("An issued report cannot be changed.")
        return report

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.report}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.cabinet_report_update(report=self.report, **fields)
        except ValidationError as exc:
            add_validation_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Front sheet saved. Generate the PDF again to include it.")
        return redirect(self.report)


class ReportSettingsUpdateView(PerformanceTeamRequiredMixin, FormView):
    """The performance team edits the council's front sheet defaults, which every new report
    starts from (reports already started keep their own copy)."""

    form_class = ReportSettingsForm
    template_name = "reports/reportsettings_update.html"

    @cached_property
    def council(self):
        council = council_of(self.request.user)
        if council is None:
            raise PermissionDenied("Your account is not linked to a council.")
        return council

    @cached_property
    def audience(self) -> Audience:
        """Cabinet's defaults unless ?audience=scrutiny; anything else is Cabinet's too."""
        wanted = self.request.GET.get("audience", "")
        return Audience(wanted) if wanted in Audience.values else Audience.CABINET

    def get_form_kwargs(self):
        settings = services.report_settings_for(self.council, self.audience)
        return super().get_form_kwargs() | {"instance": settings}

    def get_context_data(self, **kwargs):
        return super().get_context_data(audience=self.audience, audiences=list(Audience), **kwargs)

    def form_valid(self, form):
        services.report_settings_update(
            council=self.council,
            audience=self.audience,
            **{name: form.cleaned_data[name] for name in form.fields},
        )
        messages.success(
            self.request,
            f"Report defaults for {self.audience.label} saved. New reports to "
            f"{self.audience.label} will start from them.",
        )
        return redirect("reports:cabinet_report_list")


class CabinetReportPreviewView(ReportMixin, View):
    """The report as HTML, drawn from the same template and snapshot as the PDF."""

    def get(self, request, *args, **kwargs):
        return HttpResponse(report_html(self.get_report(), for_screen=True))


def cabinet_report_css(request):
    """The report's own small stylesheet, for the browser preview (the PDF inlines it)."""
    css = render_to_string("reports/pdf/cabinet_report.css")
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


class _ReportAction(PerformanceTeamRequiredMixin, ReportMixin, View):
    """A POST-only step of the report's life; errors come back as a message on its page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = self.get_report()
        try:
            return self.act(report)
        except (ValidationError, RenderError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
            return redirect(report)


class _ReportJob(_ReportAction):
    """Generating a PDF takes seconds to a minute: a worker does it (reports/tasks.py) while
    the person watches its progress."""

    def act(self, report):
        job = job_enqueue(
            task=self.task,
            kind=self.kind,
            object_id=report.pk,
            requested_by=self.request.user,
            url=report.get_absolute_url(),
            request_key=self.request.POST.get("request_key", ""),
        )
        return job_redirect(self.request, job)


class CabinetReportRenderView(_ReportJob):
    task, kind = tasks.cabinet_report_render, JobKind.REPORT_RENDER


class CabinetReportIssueView(_ReportJob):
    """GET: a confirmation page saying what issuing does; POST: issue it (a worker renders the
    final PDF and Word file while the person watches)."""

    task, kind = tasks.cabinet_report_issue, JobKind.REPORT_ISSUE
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        return render(
            request,
            "reports/cabinet_report_issue.html",
            {"report": report, "quarter": report.period.quarter},
        )


class CabinetReportCorrectView(_ReportAction):
    def act(self, report):
        form = CorrectionForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["correction_note"])
        correction = services.cabinet_report_correct(
            report=report,
            created_by=self.request.user,
            correction_note=form.cleaned_data["correction_note"],
        )
        messages.success(self.request, f"Version {correction.version} started as a draft.")
        return redirect(correction)


class CabinetReportDocxDownloadView(ReportMixin, View):
    """The Word version, made with the PDF from the same snapshot (frozen with it on issue)."""

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        docx = CabinetReport.objects.filter(pk=report.pk).values_list("docx", flat=True).first()
        if not docx:
            raise Http404("This report has no Word version yet.")
        response = attachment(bytes(docx), filename=report.docx_filename, content_type=DOCX)
        response["Cache-Control"] = "private, no-store"
        return response


class CabinetReportDownloadView(ReportMixin, View):
    with_pdf = True

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        if not report.has_pdf:
            raise Http404("This report has no PDF yet.")
        response = attachment(bytes(report.pdf), filename=report.pdf_filename, content_type=PDF)
        response["Cache-Control"] = "private, no-store"
        return response
