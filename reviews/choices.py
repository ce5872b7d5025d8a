from django.db import models


class ReviewKind(models.TextChoices):
    CPC = "cpc", "Corporate Peer Challenge"
    REVISIT = "revisit", "CPC revisit / follow-up visit"
    PROGRESS_REVIEW = "progress_review", "Progress review"
    FINANCE_PEER_REVIEW = "finance_peer_review", "Finance peer review"


class LinkKind(models.TextChoices):
    """How a later recommendation relates to an earlier one."""

    REPEATS = "repeats", "Repeats"
    CONTINUES = "continues", "Continues"
    FOLLOWS_UP = "follows_up", "Follows up"
