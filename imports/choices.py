from django.db import models


class ImportKind(models.TextChoices):
    ACTION_PLAN = "action_plan", "Action plan"
    QUARTERLY_UPDATES = "quarterly_updates", "Quarterly updates"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed, not yet imported"
    APPLIED = "applied", "Imported"
    DISCARDED = "discarded", "Discarded"
