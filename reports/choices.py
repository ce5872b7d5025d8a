from django.db import models


class ReportStatus(models.TextChoices):
    """A report is a draft until the performance team issues it; issued reports never change."""

    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"

    @property
    def tag_class(self) -> str:
        return {"draft": "app-tag--grey", "issued": "app-tag--blue"}[self.value]
