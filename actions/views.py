from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from actions.filtersets import ActionFilterSet
from actions.models import Action
from actions.tables import ActionTable


class ActionListView(SingleTableMixin, FilterView):
    """Every action of the council's plans, filtered by what is in the URL."""

    table_class = ActionTable
    filterset_class = ActionFilterSet
    template_name = "actions/action_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Action.objects.visible_to(self.request.user).select_related(
            "recommendation__review", "lead_officer", "directorate"
        )

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
            .prefetch_related("milestones", "updates__author")
        )
