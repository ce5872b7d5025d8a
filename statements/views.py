"""The progress review submission pages: the performance team drafts, edits, exports and issues
the position statement and builds the evidence pack. Everyone else gets a logged 403; another
council's statements are 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.roles import PerformanceTeamRequiredMixin
from jobs.choices import JobKind
from jobs.services import job_enqueue
from jobs.views import job_redirect
from reports.pdf import RenderError
from reviews.models import Review, council_of
from statements import services, tasks
from statements.forms import StatementCreateForm, StatementSectionsForm
from statements.models import PositionStatement
from statements.pack import pack_evidence
from statements.rendering import statement_html
from tracker.downloads import DOCX, PDF, attachment
from tracker.forms import add_validation_errors


class StatementMixin(PerformanceTeamRequiredMixin):
    with_files = False  # the PDF and Word file can be megabytes: load them only to send them

    def get_statement(self) -> PositionStatement:
        statements = PositionStatement.objects.visible_to(self.request.user).select_related(
            "review", "council", "supersedes", "created_by", "issued_by"
        )
        if not self.with_files:
            statements = statements.defer("pdf", "docx")
        return get_object_or_404(statements, pk=self.kwargs["pk"])


class StatementListView(PerformanceTeamRequiredMixin, TemplateView):
    """Every statement of the council, under its review."""

    template_name = "statements/statement_list.html"

    def get_context_data(self, **kwargs):
        statements = (
            PositionStatement.objects.visible_to(self.request.user)
            .defer("pdf", "docx")
            .select_related("review")
            .order_by("-review__onsite_start", "-version")
        )
        by_review: dict[Review, list] = {}
        for statement in statements:
            by_review.setdefault(statement.review, []).append(statement)
        return super().get_context_data(by_review=by_review.items(), **kwargs)


class StatementCreateView(PerformanceTeamRequiredMixin, FormView):
    form_class = StatementCreateForm
    template_name = "statements/statement_create.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        slug = self.request.GET.get("review", "")
        review = Review.objects.visible_to(self.request.user).filter(slug=slug).first()
        if review is not None:
            initial["review"] = review.pk
        return initial

    def form_valid(self, form):
        council = council_of(self.request.user)
        if council is None:
            raise PermissionDenied("Your account is not linked to a council.")
        try:
            statement = services.statement_create(
                council=council,
                review=form.cleaned_data["review"],
                as_at=form.cleaned_data["as_at"],
                created_by=self.request.user,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "statement_exists":
                existing = exc.params["statement"]
                form.add_error(
                    None,
                    format_html(
                        '{} <a class="govuk-link" href="{}">Open the draft</a>.',
                        exc.message,
                        existing.get_absolute_url(),
                    ),
                )
            else:
                add_validation_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Draft position statement started from the plan. Write each theme's \"On our "
            'transformation journey" and check the rest, then export it.',
        )
        return redirect(statement)


class StatementDetailView(StatementMixin, TemplateView):
    template_name = "statements/statement_detail.html"

    def get_context_data(self, **kwargs):
        statement = self.get_statement()
        sections = list(statement.sections.all())
        return super().get_context_data(
            statement=statement,
            sections=sections,
            to_write=[s for s in sections if s.kind == "journey" and not s.text.strip()],
            newer=PositionStatement.objects.filter(supersedes=statement).first(),
            show_sample_banner=statement.snapshot.get("is_sample", False),
            **kwargs,
        )


class StatementUpdateView(StatementMixin, FormView):
    """Edit the title and every section of a draft on one page."""

    form_class = StatementSectionsForm
    template_name = "statements/statement_update.html"

    @cached_property
    def statement(self) -> PositionStatement:
        statement = self.get_statement()
        if statement.is_issued:
            raise PermissionDenied("An issued statement cannot be changed.")
        return statement

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"statement": self.statement}

    def get_context_data(self, **kwargs):
        return super().get_context_data(statement=self.statement, **kwargs)

    def form_valid(self, form):
        try:
            services.statement_sections_update(
                statement=self.statement, title=form.cleaned_data["title"], texts=form.texts()
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Statement saved. Export it again to include the changes.")
        return redirect(self.statement)


class StatementPreviewView(StatementMixin, View):
    def get(self, request, *args, **kwargs):
        return HttpResponse(statement_html(self.get_statement(), for_screen=True))


class StatementCssView(PerformanceTeamRequiredMixin, View):
    """The statement's own stylesheet, for the browser preview (the PDF inlines it)."""

    def get(self, request, *args, **kwargs):
        css = render_to_string("statements/pdf/statement.css")
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "private, max-age=300"
        return response


class _StatementJob(StatementMixin, View):
    """A POST that hands heavy work to a worker; refusals come back as messages."""

    http_method_names = ["post"]
    task = kind = None

    def steps(self, statement) -> int:
        return 1

    def post(self, request, *args, **kwargs):
        statement = self.get_statement()
        try:
            self.check(statement)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(statement)
        job = job_enqueue(
            task=self.task,
            kind=self.kind,
            object_id=statement.pk,
            requested_by=request.user,
            url=statement.get_absolute_url(),
            request_key=request.POST.get("request_key", ""),
            steps_total=self.steps(statement),
        )
        return job_redirect(request, job)

    def check(self, statement) -> None:
        if statement.is_issued:
            raise services.StatementIssued(statement)


class StatementExportView(_StatementJob):
    task, kind = tasks.statement_export, JobKind.STATEMENT_EXPORT


class StatementIssueView(_StatementJob):
    task, kind = tasks.statement_issue, JobKind.STATEMENT_ISSUE

    def check(self, statement) -> None:
        super().check(statement)
        if not statement.has_pdf:
            raise ValidationError("Export the PDF and check it before issuing the statement.")


class EvidencePackBuildView(_StatementJob):
    task, kind = tasks.evidence_pack_build, JobKind.EVIDENCE_PACK

    def check(self, statement) -> None:
        if statement.is_issued and statement.has_evidence_pack:
            raise ValidationError("This statement is issued and its evidence pack is kept.")

    def steps(self, statement) -> int:
        return max(pack_evidence(statement).count(), 1)


class StatementNewVersionView(StatementMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        statement = self.get_statement()
        try:
            copy = services.statement_new_version(statement=statement, created_by=request.user)
        except (ValidationError, RenderError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
            return redirect(statement)
        messages.success(request, f"Version {copy.version} started as a draft.")
        return redirect(copy)


class StatementDownloadView(StatementMixin, View):
    with_files = True

    def get(self, request, *args, **kwargs):
        statement = self.get_statement()
        if not statement.has_pdf:
            raise Http404("This statement has not been exported yet.")
        return attachment(bytes(statement.pdf), filename=statement.pdf_filename, content_type=PDF)


class StatementDocxDownloadView(StatementMixin, View):
    with_files = True

    def get(self, request, *args, **kwargs):
        statement = self.get_statement()
        if not statement.docx:
            raise Http404("This statement has not been exported yet.")
        return attachment(
            bytes(statement.docx), filename=statement.docx_filename, content_type=DOCX
        )


class EvidencePackDownloadView(StatementMixin, View):
    def get(self, request, *args, **kwargs):
        statement = self.get_statement()
        if not statement.has_evidence_pack:
            raise Http404("The evidence pack has not been built yet.")
        try:
            handle = statement.evidence_pack.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404("The evidence pack file is missing; build it again.") from exc
        return FileResponse(
            handle,
            as_attachment=True,
            filename=statement.evidence_pack_filename,
            content_type="application/zip",
        )
