from django.views.generic import DetailView

from actions.models import Action


class ActionDetailView(DetailView):
    """The action, the recommendation it answers, its milestones and its full history."""

    queryset = Action.objects.select_related(
        "recommendation__review",
        "recommendation__theme",
        "lead_officer",
        "directorate",
        "portfolio",
    ).prefetch_related("milestones", "updates__author")
    template_name = "actions/action_detail.html"
