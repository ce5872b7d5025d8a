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


class RecommendationKind(models.TextChoices):
    """A peer team's formal recommendation, or one of the suggestions a progress review (or a
    report's "additional recommendations") makes beside them: councils answer both, but
    Cabinet reads them apart."""

    RECOMMENDATION = "recommendation", "Recommendation"
    SUGGESTION = "suggestion", "Peer suggestion"
