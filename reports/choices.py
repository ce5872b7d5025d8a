from django.db import models

from tracker.documents import DocumentStatus

# A report is a draft until the performance team issues it, as every issued document is.
ReportStatus = DocumentStatus


class Audience(models.TextChoices):
    """Who the quarterly report goes to. Both peer reports ask that it goes to Overview and
    Scrutiny as well as Cabinet (2018 recommendation 2; 2023 section 4.1)."""

    CABINET = "cabinet", "Cabinet"
    SCRUTINY = "scrutiny", "Overview and Scrutiny Committee"

    @property
    def body(self) -> str:
        """How the report's own text names the meeting: "Matters for the Committee's attention"."""
        return {"cabinet": "Cabinet", "scrutiny": "the Committee"}[self.value]

    @property
    def slug(self) -> str:
        return self.value

    @property
    def meeting(self) -> str:
        """The meeting the report goes to, as a label: "Date of the Cabinet meeting"."""
        return {
            "cabinet": "Cabinet meeting",
            "scrutiny": "Overview and Scrutiny Committee meeting",
        }[self.value]
