import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html

from actions.choices import ActionStatus
from actions.selectors import recommendation_direction
from reviews.models import Recommendation


class RecommendationTable(tables.Table):
    """Recommendations with their rolled-up status and direction of travel; the title links to
    the recommendation's page. Expects ``reviews.selectors.recommendation_list`` rows."""

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

    class Meta:
        model = Recommendation
        # Status and direction first after the title, so they show without scrolling.
        fields = [
            "reference", "title", "rolled_up_status", "direction", "action_count", "theme",
            "review",
        ]  # fmt: skip
        sequence = fields
        order_by = ("review",)
        empty_text = "No recommendations match these filters."

    def __init__(self, *args, day, previous_day, **kwargs):
        self.days = {"day": day, "previous_day": previous_day}
        super().__init__(*args, **kwargs)

    def render_reference(self, record):
        return record.reference

    def render_rolled_up_status(self, value):
        status = ActionStatus(value)
        return render_to_string("actions/_status_tag.html", {"status": status, "rag": status.rag})

    def value_rolled_up_status(self, value):
        status = ActionStatus(value)
        return f"{status.label} ({status.rag.label})"

    def direction_of(self, record):
        return recommendation_direction(record.actions_as_at, **self.days)

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
