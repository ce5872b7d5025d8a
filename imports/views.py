from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from accounts.choices import Role
from accounts.roles import has_role, is_performance_team
from actions.models import Action
from imports import exports, tasks
from imports.choices import ImportKind
from imports.forms import ExportForm, ImportApplyForm, ImportUploadForm
from imports.models import ImportBatch
from imports.parsing import FIELD_LABELS, HEADER_SYNONYMS
from imports.services import ImportRefused, import_batch_create
from imports.services import import_batch_discard as discard
from jobs.choices import JobKind
from jobs.services import job_enqueue
from jobs.views import job_redirect
from reviews.models import council_of


def can_import(user) -> bool:
    """The performance team imports plans and updates; officers and directors their updates."""
    return is_performance_team(user) or has_role(user, Role.OFFICER, Role.DIRECTOR)


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user) or council_of(request.user) is None:
            raise PermissionDenied("Only officers, directors and the performance team import.")
        return super().dispatch(request, *args, **kwargs)


class ImportBatchCreateView(ImportPermissionMixin, FormView):
    """Upload a spreadsheet; the next page previews it."""

    form_class = ImportUploadForm
    template_name = "imports/importbatch_create.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        recent = (
            ImportBatch.objects.visible_to(self.request.user)
            .select_related("review", "uploaded_by")
            .defer("content", "sheet")  # the file and its parse: not shown
        )[:10]
        columns = [
            (FIELD_LABELS[name], synonyms)
            for name, synonyms in HEADER_SYNONYMS.items()
            if name not in ("action_id", "last_update_id")
        ]
        return super().get_context_data(recent=recent, columns=columns, **kwargs)

    def form_valid(self, form):
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        if kind == ImportKind.ACTION_PLAN and not is_performance_team(self.request.user):
            raise PermissionDenied("Only the performance team imports action plans.")
        batch = import_batch_create(
            kind=kind,
            content=form.cleaned_data["content"],
            filename=upload.name,
            council=council_of(self.request.user),
            review=form.cleaned_data["review"],
            uploaded_by=self.request.user,
            sheet=form.cleaned_data["sheet"],
        )
        return redirect(batch)


class ImportBatchDetailView(ImportPermissionMixin, DetailView):
    """The preview: what importing the file will create, update or leave alone, and why it
    cannot be imported yet if anything is wrong."""

    template_name = "imports/importbatch_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return (
            ImportBatch.objects.visible_to(self.request.user)
            .select_related("review", "uploaded_by")
            .defer("content", "sheet")  # the page shows the summary; the file is not read here
        )

    def get_context_data(self, **kwargs):
        batch = self.object
        return super().get_context_data(
            summary=batch.summary,
            apply_form=ImportApplyForm(),
            may_apply=batch.can_be_applied and batch.uploaded_by_id == self.request.user.pk,
            **kwargs,
        )


class ImportBatchConfirmView(ImportBatchDetailView):
    """Are you sure? What importing will do (actions added and updated, updates recorded),
    before the irreversible step; the button posts to ``importbatch_apply``."""

    template_name = "imports/importbatch_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["may_apply"]:
            raise Http404("This file cannot be imported.")
        form = ImportApplyForm(self.request.GET)
        form.is_valid()
        skip = form.cleaned_data.get("skip_conflicts", False)
        if self.object.summary.get("conflicts") and not skip:
            context["must_choose"] = True
        return context | {"counts": self.object.what_will_happen(), "skip_conflicts": skip}


class ImportBatchApplyView(ImportPermissionMixin, View):
    """Confirm a preview: a worker imports everything in one transaction, or nothing
    (imports/tasks.py), while the person watches its progress."""

    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
        form = ImportApplyForm(request.POST)
        form.is_valid()
        job = job_enqueue(
            task=tasks.import_batch_confirm,
            kind=JobKind.IMPORT_APPLY,
            object_id=batch.pk,
            requested_by=request.user,
            url=batch.get_absolute_url(),
            request_key=request.POST.get("request_key", ""),
            arguments={"skip_conflicts": form.cleaned_data.get("skip_conflicts", False)},
        )
        return job_redirect(request, job)


class ImportBatchDiscardView(ImportPermissionMixin, View):
    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
        try:
            discard(batch=batch)
        except ImportRefused as refused:
            messages.error(request, str(refused))
            return redirect(batch)
        messages.success(request, f"{batch.filename} was discarded; nothing was imported.")
        return redirect("imports:importbatch_create")


class ExportView(TemplateView):
    """Download actions as a spreadsheet: the plan, or the quarterly update sheet."""

    template_name = "imports/export.html"

    def get(self, request, *args, **kwargs):
        if "what" not in request.GET:
            initial = {}
            if not is_performance_team(request.user):
                initial["lead_officer"] = request.user.pk
            form = ExportForm(user=request.user, initial=initial)
            return self.render_to_response(self.get_context_data(form=form))
        form = ExportForm(request.GET, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        return self.download(form.cleaned_data)

    def download(self, choice: dict) -> HttpResponse:
        actions = Action.objects.visible_to(self.request.user)
        if choice["review"]:
            actions = actions.filter(recommendation__review=choice["review"])
        if choice["directorate"]:
            actions = actions.filter(directorate=choice["directorate"])
        if choice["lead_officer"]:
            actions = actions.filter(lead_officer=choice["lead_officer"])
        actions = exports.actions_for_export(actions)
        name = choice["review"].slug if choice["review"] else "actions"
        today = timezone.localdate()
        if choice["what"] == "plan_csv":
            content, suffix = exports.action_plan_csv(actions), "csv"
            type_ = "text/csv; charset=utf-8"
        elif choice["what"] == "plan_xlsx":
            content, suffix = exports.action_plan_xlsx(actions), "xlsx"
            type_ = exports.XLSX_TYPE
        else:
            title = (
                f"Quarterly update: {choice['review'] or 'all reviews'}, exported {today:%d %B %Y}"
            )
            content = exports.quarterly_update_xlsx(actions, title=title)
            suffix, type_, name = "xlsx", exports.XLSX_TYPE, f"{name}-updates"
        response = HttpResponse(content, content_type=type_)
        response["Content-Disposition"] = f'attachment; filename="{name}-{today:%Y-%m-%d}.{suffix}"'
        return response
