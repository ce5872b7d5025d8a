import django_tables2 as tables
from django.template.loader import render_to_string

from actions.models import Action


class ActionTable(tables.Table):
    """The action plan as a table; the reference links to the action's page."""

    reference = tables.Column(linkify=True, verbose_name="Ref")
    description = tables.Column(verbose_name="Action")
    recommendation = tables.Column(
        accessor="recommendation__number", verbose_name="Recommendation", order_by=(
            "recommendation__review__onsite_start", "recommendation__number",
        ),
    )  # fmt: skip
    lead_officer = tables.Column(verbose_name="Lead officer", order_by=("lead_officer__last_name",))
    directorate = tables.Column()
    status = tables.Column()
    percent_complete = tables.Column(
        verbose_name="Done",
        attrs={"th": {"class": "govuk-table__header--numeric"},
               "td": {"class": "govuk-table__cell--numeric"}},
    )  # fmt: skip
    target_date = tables.DateColumn(format="j M Y", verbose_name="Target")

    class Meta:
        model = Action
        fields = [
            "reference", "description", "recommendation", "lead_officer", "directorate",
            "status", "percent_complete", "target_date",
        ]  # fmt: skip
        order_by = ("recommendation", "reference")
        empty_text = "No actions match these filters."

    def render_recommendation(self, record):
        recommendation = record.recommendation
        return f"{recommendation.review.title} {recommendation.reference}"

    def render_lead_officer(self, value):
        return value.get_full_name() or value.get_username()

    def render_status(self, value, record):
        return render_to_string(
            "actions/_status_tag.html",
            {"status": record.status_choice, "rag": record.status_choice.rag},
        )

    def render_percent_complete(self, value):
        return f"{value}%"

    def value_status(self, record):
        """Exports get the word and the RAG colour, not HTML."""
        return f"{record.status_choice.label} ({record.rag.label})"

    def value_percent_complete(self, value):
        return value
