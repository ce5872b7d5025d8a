from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.roles import (
    PerformanceTeamRequiredMixin,
    approves_updates,
    is_performance_team,
    refuse,
)
from actions import history
from actions.choices import Approval, TaskState
from actions.filtersets import ActionFilterSet, MyActionFilterSet, RecommendationFilterSet
from actions.forms import (
    ActionReassignForm,
    CloseForm,
    CouncilApprovalForm,
    MilestoneCompleteForm,
    ProgressUpdateCorrectForm,
    ProgressUpdateForm,
    ProgressUpdateReturnForm,
    ReminderForm,
    UpdateRoundForm,
)
from actions.models import Action, Evidence, Milestone, ProgressUpdate, UpdateRound, start_of_day
from actions.progress import plan_as_at
from actions.selectors import (
    quarter_days,
    recommendation_detail,
    recommendation_list,
    review_detail,
    reviews_overview,
)
from actions.services import (
    EditConflict,
    ReviewRefused,
    action_lead_reassign,
    council_approval_set,
    milestone_complete,
    progress_update_accept,
    progress_update_correct,
    progress_update_create,
    progress_update_return,
    recommendations_close,
    update_reminders_plan,
    update_round_close,
    update_round_open,
)
from actions.tables import ActionTable, DirectionColumn, MyActionTable, RecommendationTable
from actions.tasks import update_reminders_schedule
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.views import job_redirect
from reviews import selectors as review_selectors
from reviews.models import Recommendation, Review, council_of
from tracker.exports import SafeExportMixin
from tracker.forms import add_validation_errors
from tracker.people import display_name
from tracker.quarters import FinancialQuarter


class TablePagesOnly:
    """The table alone splits the list into pages: FilterView's own paginator would count the
    rows a second time (a COUNT over every row of the plan) for nothing on the page."""

    def get_paginate_by(self, data):
        return None if isinstance(data, QuerySet) else self.paginate_by


class ActionListView(SafeExportMixin, TablePagesOnly, SingleTableMixin, FilterView):
    """Every action of the council's plans, filtered by what is in the URL, with its direction
    of travel since the previous quarter-end; downloadable as CSV or XLSX."""

    table_class = ActionTable
    filterset_class = ActionFilterSet
    template_name = "actions/action_list.html"
    paginate_by = 25
    export_name = "actions"

    def get_queryset(self):
        return (
            Action.objects.visible_to(self.request.user)
            .select_related("recommendation__review", "lead_officer", "directorate")
            .as_at(timezone.localdate())
        )

    def get_table_kwargs(self):
        return {
            "extra_columns": [("direction", DirectionColumn())],
            # What the plan says first, so it shows without scrolling; who and where after.
            "sequence": (
                "reference", "description", "status", "percent_complete", "target_date",
                "direction", "...",
            ),
        }  # fmt: skip

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            show_sample_banner=self.object_list.filter(is_sample=True).exists(), **kwargs
        )


class ActionDetailView(DetailView):
    """The action, the recommendation it answers, its milestones and its full history."""

    template_name = "actions/action_detail.html"

    def get_queryset(self):
        return (
            Action.objects.visible_to(self.request.user)
            .select_related(
                "recommendation__review",
                "recommendation__theme",
                "lead_officer",
                "directorate",
                "portfolio",
            )
            .prefetch_related(
                "milestones", "updates__author", "updates__reviewed_by", "updates__evidence"
            )
            .as_at(timezone.localdate())
        )

    def get_context_data(self, **kwargs):
        action, user = self.object, self.request.user
        can_update = action.can_be_updated_by(user)
        return super().get_context_data(
            can_update=can_update,
            can_reassign=action.can_reassign(user),
            can_correct=action.can_be_corrected_by(user),
            milestone_forms=[
                MilestoneCompleteForm(milestone=m)
                for m in action.milestones.all()
                if can_update and not m.is_complete
            ],
            update_rows=history.update_history(action),
            change_history=history.action_change_history(action),
            **kwargs,
        )


# Pages for recording progress. Every queryset is scoped to the person's council (another
# council's records are a 404); whether they may change this record is the model's rule.


class ActionEditMixin:
    """Find the action in the person's council, then refuse (403) unless ``permission`` says
    they may make this change to it."""

    permission = "can_be_updated_by"

    def dispatch(self, request, *args, **kwargs):
        self.action = get_object_or_404(
            Action.objects.visible_to(request.user).select_related(
                "recommendation__review", "lead_officer", "directorate"
            ),
            pk=kwargs["pk"],
        )
        if not getattr(self.action, self.permission)(request.user):
            refuse(request, f"{self.permission} refused on action {self.action.pk}")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, **kwargs)

    def conflict(self, form, error: EditConflict):
        """Re-show the form, everything typed kept, saying what changed meanwhile."""
        self.action.refresh_from_db()
        refreshed = form.refreshed(version=self.action.version, changes=error.changes)
        return self.render_to_response(self.get_context_data(form=refreshed))

    def saved(self, form, call):
        """Run a service call; a conflict or a rule the model enforces re-shows the form."""
        try:
            call()
        except EditConflict as error:
            return self.conflict(form, error)
        except ValidationError as error:
            add_validation_errors(form, error)
            return self.form_invalid(form)
        return None


class MyActionsView(TablePagesOnly, SingleTableMixin, FilterView):
    """The signed-in person's actions, with what needs doing before the quarter's deadline."""

    table_class = MyActionTable
    filterset_class = MyActionFilterSet
    template_name = "actions/my_actions.html"
    paginate_by = 25

    def owned_actions(self):
        """The person's actions with what an owner needs (``with_update_flags``), in the page's
        order; not read as at today, which only the table's columns and filters need."""
        user = self.request.user
        return (
            Action.objects.visible_to(user)
            .owned_by(user)
            .with_update_flags(timezone.localdate())
            .select_related("recommendation__review", "lead_officer", "directorate")
            .order_by("recommendation__review__onsite_start", "recommendation__number", "reference")
        )

    def get_queryset(self):
        return self.owned_actions().as_at(timezone.localdate())

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        quarter, due, update_round = UpdateRound.objects.reporting_period(council_of(user), today)
        outstanding = []
        if update_round is not None:
            outstanding = list(
                Action.objects.visible_to(user)
                .owned_by(user)
                .owing_update_for(update_round.quarter)
                .select_related("recommendation__review")
                .order_by("recommendation", "reference")
            )
        return super().get_context_data(
            update_round=update_round,
            outstanding=outstanding,
            quarter=quarter,
            due=due,
            **self.to_do(quarter=quarter, today=today),
            show_sample_banner=self.object_list.filter(is_sample=True).exists(),
            **kwargs,
        )

    def to_do(self, *, quarter: FinancialQuarter, today) -> dict:
        """The quarter's to-do list: open actions already begun, returned ones first, then
        those to do, then those done; complete and closed actions apart, to fold away."""
        # Compiling ``as_at``'s SQL costs more than the rest of the page; the list needs none of it.
        actions = list(self.owned_actions().chased().with_task_state(quarter))
        order = list(TaskState)
        tasks = sorted(
            (
                a
                for a in actions
                if not a.status_choice.is_done and not (a.start_date and a.start_date > quarter.end)
            ),
            key=lambda a: order.index(a.task_state),
        )
        return {
            "tasks": tasks,
            "to_update": sum(a.task_state.needs_doing for a in tasks),
            "finished": [a for a in actions if a.status_choice.is_done],
        }


class ProgressUpdateCreateView(ActionEditMixin, FormView):
    """Add a progress update, and complete milestones, on one action."""

    form_class = ProgressUpdateForm
    template_name = "actions/progressupdate_form.html"

    def dispatch(self, request, *args, **kwargs):
        request.navigation_section = "actions:my_actions"
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        updates = self.action.updates.select_related("author", "reviewed_by")
        quarter, _, _ = UpdateRound.objects.reporting_period(
            council_of(self.request.user), timezone.localdate()
        )
        latest = updates.order_by("-recorded_at", "-pk").first()
        return super().get_context_data(
            latest=latest,
            # What was reported for the quarter before: shown beside each field to compare.
            last_quarter=updates.counted()
            .filter(recorded_at__lt=start_of_day(quarter.start))
            .order_by("-recorded_at", "-pk")
            .first(),
            returned=latest if latest and latest.approval == Approval.RETURNED else None,
            needs_approval=self.action.needs_approval_from(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data

        def create():
            self.update = progress_update_create(
                action=self.action,
                author=self.request.user,
                status=data["status"],
                percent_complete=data["percent_complete"],
                commentary=data["commentary"],
                evidence_url=data["evidence_url"],
                seen_version=data["version"],
                seen_at=data["seen_at"],
                completed_milestones=form.completed_milestones(),
                revised_target_date=data["revised_target_date"],
                target_revision_reason=data["target_revision_reason"],
                evidence_files=data["evidence_files"],
            )

        refused = self.saved(form, create)
        if refused:
            return refused
        completed = len(form.completed_milestones())
        done = f", with {completed} milestone{pluralize(completed)} completed" if completed else ""
        saved = "submitted for approval" if self.update.approval == Approval.SUBMITTED else "saved"
        messages.success(
            self.request, f"Your update to {self.action.reference} has been {saved}{done}."
        )
        return redirect("actions:my_actions")


class MilestoneCompleteView(ActionEditMixin, FormView):
    """Mark one milestone of an action complete, with the date it was done."""

    form_class = MilestoneCompleteForm
    template_name = "actions/milestone_complete.html"

    def dispatch(self, request, *args, **kwargs):
        self.milestone = get_object_or_404(
            Milestone.objects.filter(action__in=Action.objects.visible_to(request.user)),
            pk=kwargs["milestone_pk"],
            action_id=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        del kwargs["action"]
        return {**kwargs, "milestone": self.milestone}

    def get_context_data(self, **kwargs):
        return super().get_context_data(milestone=self.milestone, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        if self.milestone.is_complete and data["version"] == self.milestone.version:
            form.add_error(None, f"“{self.milestone.title}” is already complete.")
            return self.form_invalid(form)
        refused = self.saved(
            form,
            lambda: milestone_complete(
                milestone=self.milestone,
                completed_on=data["completed_on"],
                by=self.request.user,
                seen_version=data["version"],
                seen_at=data["seen_at"],
            ),
        )
        if refused:
            return refused
        messages.success(self.request, f"Milestone “{self.milestone.title}” marked complete.")
        return redirect(self.action)

    def conflict(self, form, error):
        self.milestone.refresh_from_db()
        refreshed = form.refreshed(version=self.milestone.version, changes=error.changes)
        return self.render_to_response(self.get_context_data(form=refreshed))


class ActionReassignView(ActionEditMixin, FormView):
    """A director (or the performance team) changes the action's lead officer."""

    permission = "can_reassign"
    form_class = ActionReassignForm
    template_name = "actions/action_reassign.html"

    def form_valid(self, form):
        data = form.cleaned_data
        refused = self.saved(
            form,
            lambda: action_lead_reassign(
                action=self.action,
                lead_officer=data["lead_officer"],
                by=self.request.user,
                seen_version=data["version"],
                seen_at=data["seen_at"],
                reason=data["reason"],
                base_url=self.request.build_absolute_uri("/"),
            ),
        )
        if refused:
            return refused
        person = data["lead_officer"]
        messages.success(
            self.request,
            f"{display_name(person)} now leads {self.action.reference}.",
        )
        return redirect(self.action)


class ProgressUpdateCorrectView(ActionEditMixin, FormView):
    """The performance team corrects an entry by adding a correcting one."""

    permission = "can_be_corrected_by"
    form_class = ProgressUpdateCorrectForm
    template_name = "actions/progressupdate_correct.html"

    def get_initial(self):
        return {"corrects": self.request.GET.get("corrects")}

    def form_valid(self, form):
        data = form.cleaned_data
        refused = self.saved(
            form,
            lambda: progress_update_correct(
                original=data["corrects"],
                author=self.request.user,
                status=data["status"],
                percent_complete=data["percent_complete"],
                commentary=data["commentary"],
                seen_version=data["version"],
                seen_at=data["seen_at"],
            ),
        )
        if refused:
            return refused
        messages.success(
            self.request, f"Correction to {self.action.reference} added to its history."
        )
        return redirect(self.action)


class EvidenceDownloadView(View):
    """Send an evidence file as a download (never shown inline), only to people who may see
    its action; anyone else gets a 404, as for the action itself."""

    def get(self, request, pk):
        evidence = get_object_or_404(
            Evidence.objects.filter(update__action__in=Action.objects.visible_to(request.user)),
            pk=pk,
        )
        response = FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.download_name,
            content_type=evidence.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class ApprovalQueueView(ListView):
    """Submitted updates waiting for this director or the performance team, oldest first."""

    template_name = "actions/progressupdate_approval_list.html"
    context_object_name = "updates"

    def dispatch(self, request, *args, **kwargs):
        if not approves_updates(request.user):
            refuse(request, "approval queue: directors and the performance team only")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            ProgressUpdate.objects.awaiting_approval_by(self.request.user)
            .select_related("author", "action__recommendation__review", "action__directorate")
            .order_by("recorded_at", "pk")
        )

    def get_context_data(self, **kwargs):
        council = council_of(self.request.user)
        return super().get_context_data(
            council=council,
            can_set=is_performance_team(self.request.user),
            **kwargs,
        )


class ProgressUpdateReviewMixin:
    """Find a submitted update in the person's council; only those who may approve it pass."""

    def dispatch(self, request, *args, **kwargs):
        self.update = get_object_or_404(
            ProgressUpdate.objects.filter(
                action__in=Action.objects.visible_to(request.user)
            ).select_related("action__recommendation__review", "author"),
            pk=kwargs["update_pk"],
        )
        if not self.update.action.can_approve(request.user):
            refuse(request, f"can_approve refused on update {self.update.pk}")
        return super().dispatch(request, *args, **kwargs)

    def already_reviewed(self):
        messages.error(
            self.request,
            f"The update to {self.update.action.reference} was already "
            f"{self.update.get_approval_display().lower()}; nothing was changed.",
        )
        return redirect("actions:approval_queue")


class ProgressUpdateAcceptView(ProgressUpdateReviewMixin, View):
    """Accept a submitted update: it counts from now on."""

    http_method_names = ["post"]

    def post(self, request, update_pk):
        try:
            progress_update_accept(update=self.update, by=request.user)
        except ReviewRefused:
            self.update.refresh_from_db()
            return self.already_reviewed()
        messages.success(
            request,
            f"Update to {self.update.action.reference} by "
            f"{self.update.author.get_full_name() or self.update.author.get_username()} accepted: "
            "it now counts.",
        )
        return redirect("actions:approval_queue")


class ProgressUpdateReturnView(ProgressUpdateReviewMixin, FormView):
    """Return a submitted update to its author with a reason."""

    form_class = ProgressUpdateReturnForm
    template_name = "actions/progressupdate_return.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(update=self.update, action=self.update.action, **kwargs)

    def form_valid(self, form):
        try:
            progress_update_return(
                update=self.update, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ReviewRefused:
            self.update.refresh_from_db()
            return self.already_reviewed()
        messages.success(
            self.request,
            f"Update to {self.update.action.reference} returned to "
            f"{self.update.author.get_full_name() or self.update.author.get_username()}.",
        )
        return redirect("actions:approval_queue")


class CouncilApprovalView(PerformanceTeamRequiredMixin, FormView):
    """The performance team decides whether officers' updates need approval."""

    form_class = CouncilApprovalForm
    template_name = "actions/council_approval_form.html"

    def get_initial(self):
        council = council_of(self.request.user)
        return {"updates_need_approval": "yes" if council.updates_need_approval else "no"}

    def form_valid(self, form):
        council = council_of(self.request.user)
        on = form.cleaned_data["updates_need_approval"]
        council_approval_set(council=council, updates_need_approval=on)
        messages.success(
            self.request,
            "Officers' updates now need approval before they count."
            if on
            else "Officers' updates now count as soon as they are saved.",
        )
        return redirect("actions:approval_queue")


class UpdateRoundListView(PerformanceTeamRequiredMixin, ListView):
    """The council's rounds of quarterly updates, newest first."""

    template_name = "actions/updateround_list.html"
    context_object_name = "rounds"

    def get_queryset(self):
        return UpdateRound.objects.filter(council=council_of(self.request.user)).select_related(
            "opened_by"
        )


class UpdateRoundCreateView(PerformanceTeamRequiredMixin, FormView):
    """The performance team asks owners for a quarter's updates by a deadline."""

    form_class = UpdateRoundForm
    template_name = "actions/updateround_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "council": council_of(self.request.user)}

    def form_valid(self, form):
        try:
            update_round = update_round_open(
                council=form.council,
                quarter=form.cleaned_data["quarter"],
                deadline=form.cleaned_data["deadline"],
                opened_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error("quarter", error.messages[0])
            return self.form_invalid(form)
        messages.success(self.request, f"Round opened: {update_round}.")
        return redirect(update_round)


class UpdateRoundDetailView(PerformanceTeamRequiredMixin, DetailView):
    """Which actions still lack an update for the round, by directorate and lead officer."""

    template_name = "actions/updateround_detail.html"
    context_object_name = "update_round"

    def get_queryset(self):
        return UpdateRound.objects.filter(council=council_of(self.request.user)).select_related(
            "opened_by"
        )

    def get_context_data(self, **kwargs):
        outstanding = (
            self.object.outstanding_actions()
            .select_related("lead_officer", "directorate", "recommendation__review")
            .order_by("directorate__name", "lead_officer__last_name", "recommendation", "reference")
        )
        scheduled = Job.objects.filter(
            kind=JobKind.REMINDERS_SEND,
            object_id=self.object.pk,
            status=JobStatus.QUEUED,
            run_after__isnull=False,
        ).order_by("run_after")
        kwargs.setdefault("reminder_form", ReminderForm())
        return super().get_context_data(
            outstanding=outstanding,
            scheduled=scheduled,
            progress=self.object.progress(),
            reminders=self.object.reminders.select_related("recipient", "sent_by"),
            **kwargs,
        )


class UpdateRoundRemindView(UpdateRoundDetailView):
    """Email the round's lead officers now, or schedule it (a worker sends them)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ReminderForm(request.POST)
        if form.is_valid():
            when = form.cleaned_data["when"]
            try:
                job = update_reminders_schedule(
                    update_round=self.object,
                    requested_by=request.user,
                    on=form.cleaned_data["on"] if when != "now" else None,
                    days_before=form.cleaned_data["days_before"] if when != "now" else None,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                    request_key=request.POST.get("request_key", ""),
                )
            except ValidationError as error:
                form.add_error("on", error.messages[0])
            else:
                return job_redirect(request, job)
        return self.render_to_response(self.get_context_data(reminder_form=form))


class UpdateRoundMixin:
    """One round of the person's council (another council's is a 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not is_performance_team(request.user):
            refuse(request, "performance team only")
        self.update_round = get_object_or_404(
            UpdateRound.objects.filter(council=council_of(request.user)), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)


class UpdateRoundCloseView(UpdateRoundMixin, TemplateView):
    """Close a round, after a confirmation page: it stops showing on My actions."""

    template_name = "actions/updateround_close.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            update_round=self.update_round, progress=self.update_round.progress(), **kwargs
        )

    def post(self, request, pk):
        update_round_close(update_round=self.update_round)
        messages.success(request, f"Round for {self.update_round.quarter.label} closed.")
        return redirect("actions:round_list")


class UpdateRoundRemindersView(UpdateRoundMixin, TemplateView):
    """Preview the reminder emails and their recipients, then have a worker send them."""

    template_name = "actions/updateround_reminders.html"

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/")

    def get_context_data(self, **kwargs):
        plan = update_reminders_plan(update_round=self.update_round, base_url=self.base_url())
        return super().get_context_data(
            update_round=self.update_round,
            recipients=[e for e in plan if e["owner"] is not None and e["owner"].email],
            no_email=[e for e in plan if e["owner"] is not None and not e["owner"].email],
            unassigned=[a for e in plan if e["owner"] is None for a in e["actions"]],
            **kwargs,
        )

    def post(self, request, pk):
        if not self.update_round.is_open:
            messages.error(request, "This round is closed: no reminders were sent.")
            return redirect(self.update_round)
        # The same job as scheduled reminders, to be sent by a worker now; the person watches
        # its progress page, which ends on the round with the result.
        job = update_reminders_schedule(
            update_round=self.update_round,
            requested_by=request.user,
            base_url=self.base_url().rstrip("/"),
            request_key=request.POST.get("request_key", ""),
        )
        return job_redirect(request, job)


class OverviewView(TemplateView):
    """Every review with its recommendations, their action counts and current status."""

    template_name = "reviews/overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reviews=reviews_overview(user=self.request.user),
            # Per council: another council's sample plan says nothing about this one's.
            show_sample_banner=Action.objects.visible_to(self.request.user)
            .filter(is_sample=True)
            .exists(),
            **kwargs,
        )


class ReviewDetailView(TemplateView):
    template_name = "reviews/review_detail.html"

    def get_context_data(self, **kwargs):
        try:
            review = review_detail(user=self.request.user, slug=self.kwargs["slug"])
        except Review.DoesNotExist as exc:
            raise Http404("No such review") from exc
        cycle = review_selectors.review_cycle(review, today=timezone.localdate())
        # The progress review submission: what the LGA's cycle asks for next, and the latest
        # position statement (the statements app, a floor above, adds this reverse relation;
        # this page reads it and links to it by URL name, never importing that app).
        statements = review.position_statements.defer("pdf", "docx").order_by("-version")
        return super().get_context_data(
            review=review,
            cycle=cycle,
            progress_review_step=next(
                (step for step in cycle if step.label == "Progress review due"), None
            ),
            latest_statement=statements.first(),
            can_prepare_statement=is_performance_team(self.request.user),
            can_close=is_performance_team(self.request.user),
            **kwargs,
        )


class RecommendationDetailView(TemplateView):
    template_name = "reviews/recommendation_detail.html"

    def get_context_data(self, **kwargs):
        try:
            recommendation = recommendation_detail(
                user=self.request.user, slug=self.kwargs["slug"], number=self.kwargs["number"]
            )
        except Recommendation.DoesNotExist as exc:
            raise Http404("No such recommendation") from exc
        # Each action's direction and latest commentary from the one read of the plan.
        plan = plan_as_at(reviews=[recommendation.review], **quarter_days())
        row = next((r for r in plan.recommendations if r.pk == recommendation.pk), None)
        action_rows = {a.pk: a for a in (*row.actions, *row.later_starts)} if row else {}
        return super().get_context_data(
            recommendation=recommendation,
            chain=review_selectors.recommendation_chain(
                user=self.request.user, recommendation=recommendation
            ),
            direction=row.direction if row else None,
            action_rows=[
                (action, action_rows.get(action.pk)) for action in recommendation.actions.all()
            ],
            show_sample_banner=any(a.is_sample for a in recommendation.actions.all()),
            can_close=is_performance_team(self.request.user),
            **kwargs,
        )


class RecommendationListView(SafeExportMixin, TablePagesOnly, SingleTableMixin, FilterView):
    """Every recommendation the person may see, with rolled-up status and direction of travel,
    filtered by what is in the URL; downloadable as CSV or XLSX."""

    table_class = RecommendationTable
    filterset_class = RecommendationFilterSet
    template_name = "reviews/recommendation_list.html"
    paginate_by = 25
    export_name = "recommendations"

    def get_queryset(self):
        return recommendation_list(user=self.request.user, **quarter_days())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            show_sample_banner=Action.objects.visible_to(self.request.user)
            .filter(is_sample=True)
            .exists(),
            **kwargs,
        )


class _CloseView(PerformanceTeamRequiredMixin, FormView):
    """The performance team closes recommendations whose work has moved into business as
    usual, after a confirmation page saying what that changes."""

    form_class = CloseForm

    def review(self) -> Review:
        return get_object_or_404(
            Review.objects.visible_to(self.request.user), slug=self.kwargs["slug"]
        )

    def form_valid(self, form):
        try:
            closed = recommendations_close(
                recommendations=self.to_close(),
                closed_on=form.cleaned_data["closed_on"],
                continues_in=form.cleaned_data["continues_in"],
                by=self.request.user,
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{closed} recommendation{pluralize(closed)} closed: the work continues in "
            f"{form.cleaned_data['continues_in']}.",
        )
        return redirect(self.success_url_for())


class RecommendationCloseView(_CloseView):
    template_name = "reviews/recommendation_close.html"

    def recommendation(self) -> Recommendation:
        return get_object_or_404(
            Recommendation.objects.filter(review=self.review()).select_related("review"),
            number=self.kwargs["number"],
        )

    def to_close(self):
        return [self.recommendation()]

    def success_url_for(self):
        return self.recommendation().get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(recommendation=self.recommendation(), **kwargs)


class PlanCloseView(_CloseView):
    template_name = "reviews/review_close.html"

    def to_close(self):
        return list(self.review().recommendations.select_related("review"))

    def success_url_for(self):
        return self.review().get_absolute_url()

    def get_context_data(self, **kwargs):
        review = self.review()
        open_ones = [r for r in review.recommendations.all() if not r.is_closed]
        return super().get_context_data(review=review, open_recommendations=open_ones, **kwargs)
