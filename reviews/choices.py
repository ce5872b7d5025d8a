from django.db import models


class ReviewKind(models.TextChoices):
    """The external reviews whose recommendations a council answers in one improvement plan:
    the LGA's peer reviews and the others (each with the same workflow)."""

    CPC = "cpc", "Corporate Peer Challenge"
    REVISIT = "revisit", "CPC revisit / follow-up visit"
    PROGRESS_REVIEW = "progress_review", "Progress review"
    FINANCE_PEER_REVIEW = "finance_peer_review", "Finance peer review"
    CIPFA_FINANCIAL_REVIEW = "cipfa_financial_review", "CIPFA financial review"
    PUBLIC_INTEREST_REPORT = "public_interest_report", "Public Interest Report"
    BEST_VALUE_INSPECTION = "best_value_inspection", "Best Value inspection"
    EXTERNAL_AUDIT = "external_audit", "External audit recommendations"

    @property
    def carried_out_by(self) -> str:
        """Who made the recommendations, as the Cabinet report's Background says it."""
        return _CARRIED_OUT_BY.get(self, "The Local Government Association (LGA)")


_CARRIED_OUT_BY = {
    ReviewKind.CIPFA_FINANCIAL_REVIEW: "The Chartered Institute of Public Finance and "
    "Accountancy (CIPFA)",
    ReviewKind.PUBLIC_INTEREST_REPORT: "The Council's external auditor",
    ReviewKind.BEST_VALUE_INSPECTION: "Inspectors appointed by the Secretary of State",
    ReviewKind.EXTERNAL_AUDIT: "The Council's external auditor",
}


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
