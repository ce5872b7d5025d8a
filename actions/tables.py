import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html

from actions.choices import ActionStatus, Direction, TaskState
from actions.models import Action
from actions.selectors import recommendation_direction
from reviews.models import Recommendation
from tracker.people import display_name

NOT_BEGUN = "Not begun yet"  # an action before its start date: not yet part of the figures


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
    # As at today, by the one rule (``Action.objects.as_at``): the queryset must be annotated.
    status = tables.Column(accessor="status_then", empty_values=())
    percent_complete = tables.Column(
        accessor="percent_then",
        verbose_name="Done",
        attrs={"th": {"class": "govuk-table__header--numeric"},
               "td": {"class": "govuk-table__cell--numeric"}},
    )  # fmt: skip
    target_date = tables.DateColumn(
        format="j M Y", verbose_name="Target", order_by=("target_then",)
    )

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
        return display_name(value)

    def render_status(self, value, record):
        if value is None:
            return self.value_status(value, record)
        status = ActionStatus(value)
        return render_to_string("actions/_status_tag.html", {"status": status, "rag": status.rag})

    def render_percent_complete(self, value):
        return f"{value}%"

    def render_target_date(self, value, record):
        return render_to_string("actions/_target_dates.html", {"action": record})

    def value_status(self, value, record):
        """Exports get the word and the RAG colour, not HTML."""
        if value is None:
            return f"{NOT_BEGUN} (starts {record.start_date:%-d %b %Y})"
        status = ActionStatus(value)
        return f"{status.label} ({status.rag.label})"

    def value_percent_complete(self, value):
        return value

    def value_target_date(self, value, record):
        revised = record.target_then if record.target_then != value else None
        return f"{value:%-d %b %Y}, revised to {revised:%-d %b %Y}" if revised else value


class DirectionColumn(tables.Column):
    """Direction of travel since the previous quarter-end, as arrow and word. The table's
    queryset must be annotated by ``Action.objects.as_at``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", "Direction of travel")
        super().__init__(accessor="direction_then", orderable=False, **kwargs)

    def render(self, value):
        return render_to_string("actions/_direction.html", {"direction": Direction(value)})

    def value(self, value):
        return Direction(value).label


class MyActionTable(ActionTable):
    """The signed-in person's actions, grouped by review and recommendation, with what needs
    doing at quarter end. The queryset must be annotated by ``with_update_flags``; the flags
    ("Not updated this quarter", "Milestone overdue") sit under each action's name."""

    caption = "Your actions, by review and recommendation"

    # Not linkified: the cell template holds the link, and a link inside a link would be empty.
    reference = tables.Column(linkify=False, verbose_name="Action")
    status = tables.Column(accessor="status_then", verbose_name="Status and RAG", empty_values=())
    next_milestone_due = tables.DateColumn(format="j M Y", verbose_name="Next milestone")
    last_update_at = tables.DateTimeColumn(format="j M Y", verbose_name="Last update")
    add_update = tables.Column(
        accessor="pk",
        empty_values=(),
        orderable=False,
        verbose_name="Update",
        exclude_from_export=True,
    )

    class Meta(ActionTable.Meta):
        # The recommendation is a heading row above its actions (see the template), not a column.
        template_name = "actions/_my_actions_table.html"
        fields = [
            "reference", "status", "percent_complete", "next_milestone_due", "last_update_at",
            "add_update",
        ]  # fmt: skip
        sequence = fields
        exclude = ["recommendation", "description", "lead_officer", "directorate", "target_date"]
        order_by = ()
        empty_text = "You have no actions that match these filters."

    def render_reference(self, record, value):
        return render_to_string("actions/_action_cell.html", {"action": record})

    def value_reference(self, record):
        return " ".join([record.reference, *self.flags(record)])

    def render_status(self, value, record):
        status = ActionStatus(value)
        return render_to_string(
            "actions/_status_and_rag.html", {"status": status, "rag": status.rag}
        )

    def render_add_update(self, record):
        return render_to_string("actions/_add_update_link.html", {"action": record})

    @staticmethod
    def flags(record) -> list[str]:
        """What needs doing on an open action, in words."""
        if record.status_choice.is_done:
            return []
        flags = []
        if record.task_state == TaskState.TO_DO:
            flags.append("Not updated this quarter")
        elif record.task_state == TaskState.RETURNED:
            flags.append("Update returned")
        if record.has_overdue_milestone:
            flags.append("Milestone overdue")
        return flags


class RecommendationTable(tables.Table):
    """Recommendations with their rolled-up status and direction of travel; the title links to
    the recommendation's page. Expects ``actions.selectors.recommendation_list`` rows."""

    review = tables.Column(
        accessor="review__title", order_by=("review__onsite_start", "number"), verbose_name="Review"
    )
    reference = tables.Column(accessor="number", verbose_name="Ref")
    title = tables.Column(linkify=True, verbose_name="Recommendation")
    theme = tables.Column(accessor="theme__title", verbose_name="Theme", default="—")
    action_count = tables.Column(
        verbose_name="Actions",
        attrs={"th": {"class": "govuk-table__header--numeric"},
               "td": {"class": "govuk-table__cell--numeric"}},
    )  # fmt: skip
    rolled_up_status = tables.Column(verbose_name="Status", default="No actions yet")
    direction = tables.Column(
        accessor="pk", verbose_name="Direction of travel", orderable=False, empty_values=()
    )
    # Always rendered (empty_values=()), so "—" for nobody reaches downloads too.
    lead_member = tables.Column(
        verbose_name="Lead member", order_by=("lead_member__last_name",), empty_values=()
    )
    lead_officer = tables.Column(
        verbose_name="Lead officer", order_by=("lead_officer__last_name",), empty_values=()
    )

    class Meta:
        model = Recommendation
        # Status and direction first after the title, so they show without scrolling.
        fields = [
            "reference", "title", "rolled_up_status", "direction", "action_count", "theme",
            "review", "lead_member", "lead_officer",
        ]  # fmt: skip
        sequence = fields
        order_by = ("review",)
        empty_text = "No recommendations match these filters."
        template_name = "actions/_recommendation_table.html"

    @property
    def grouped_by_review(self) -> bool:
        """Heading rows per review make sense only while rows are in review order."""
        return not self.order_by or self.order_by[0].bare == "review"

    def render_reference(self, record):
        return record.reference

    def render_lead_member(self, value):
        return display_name(value, default="—")

    def render_lead_officer(self, value):
        return display_name(value, default="—")

    def value_lead_member(self, value):
        return display_name(value, default="—")

    def value_lead_officer(self, value):
        return display_name(value, default="—")

    def render_rolled_up_status(self, value):
        status = ActionStatus(value)
        return render_to_string("actions/_status_tag.html", {"status": status, "rag": status.rag})

    def value_rolled_up_status(self, value):
        status = ActionStatus(value)
        return f"{status.label} ({status.rag.label})"

    def direction_of(self, record):
        return recommendation_direction(record.actions_as_at)

    def render_direction(self, record):
        direction = self.direction_of(record)
        if direction is None:
            return format_html('<span class="govuk-hint govuk-!-margin-0">{}</span>', "—")
        return render_to_string("actions/_direction.html", {"direction": direction})

    def value_direction(self, record):
        direction = self.direction_of(record)
        return direction.label if direction else ""

    def value_reference(self, record):
        return record.reference
