from django.db import models


class Role(models.TextChoices):
    """The roles of the tracker; each is a Django group of the same name."""

    OFFICER = "Officers", "Action owner (officer)"
    DIRECTOR = "Directors", "Director"
    PERFORMANCE = "Performance team", "Performance team"
    CABINET = "Cabinet members", "Cabinet member"
    SCRUTINY = "Scrutiny members", "Scrutiny member"
