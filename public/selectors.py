"""What a council publishes: for each review, its recommendations with the status and direction
that the latest issued Cabinet report covering it gave them, and every issued report.

Never the live plan and never a draft: everything about progress comes from an issued report's
frozen snapshot, read in one place (``published_snapshot``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from actions.choices import ActionStatus, Direction
from reports.models import CabinetReport
from reports.snapshot import ReportSnapshot
from reviews.models import Council, Recommendation, Review


def published_snapshot(report: CabinetReport) -> ReportSnapshot:
    """The one read of an issued report's frozen snapshot for the public page."""
    return report.frozen_snapshot


def publishing_council(slug: str) -> Council:
    """The council whose public address is ``slug``, if it has chosen to publish; else 404."""
    for council in Council.objects.filter(publishes_progress=True):
        if council.slug == slug:
            return council
    raise Http404("No council publishes its progress at this address")


def issued_reports(*, council: Council) -> QuerySet[CabinetReport]:
    """Every issued report of the council, newest first, without the files or the snapshot;
    ``has_docx`` says whether it has a Word version, ``replaced_by_version`` its correction."""
    issued = CabinetReport.objects.filter(council=council).issued()
    correction = issued.filter(supersedes=OuterRef("pk")).values("version")[:1]
    return (
        issued.select_related("period")
        .prefetch_related("reviews")
        .annotate(
            has_docx=Exists(CabinetReport.objects.filter(pk=OuterRef("pk"), docx__isnull=False)),
            replaced_by_version=correction,
        )
        .defer("pdf", "docx", "snapshot")
    )


@dataclass(frozen=True)
class PublishedRecommendation:
    reference: str
    number: int
    theme: str
    title: str
    text: str
    status: ActionStatus | None
    direction: Direction | None
    lead_member: str
    lead_officer: str


@dataclass(frozen=True)
class PublishedReport:
    """The issued report a review's figures come from."""

    pk: int
    quarter_label: str
    quarter_slug: str
    version: int
    as_at: dt.date
    issued_on: dt.date
    audience: str
    meeting_date: dt.date


@dataclass(frozen=True)
class PublishedReview:
    slug: str
    title: str
    kind: str
    report: PublishedReport | None  # None: no issued report has covered it yet
    recommendations: list[PublishedRecommendation] = field(default_factory=list)


def published_reviews(*, council: Council, reports: list[CabinetReport]) -> list[PublishedReview]:
    """Each of the council's reviews, newest first, with what the latest issued report covering
    it said (``reports`` newest first, as ``issued_reports`` gives them). A review no issued
    report has covered lists its recommendations with no status. Names only if the council
    publishes them."""
    latest: dict[int, CabinetReport] = {}
    for report in reports:
        for review in report.reviews.all():
            latest.setdefault(review.pk, report)
    snapshots = {
        report.pk: published_snapshot(report)
        for report in CabinetReport.objects.filter(pk__in={r.pk for r in latest.values()}).only(
            "pk", "snapshot"
        )
    }
    names = council.publishes_lead_names
    result = []
    reviews = Review.objects.filter(council=council).order_by("-onsite_start")
    unreported = (
        Recommendation.objects.filter(review__council=council)
        .exclude(review__in=list(latest))
        .select_related("theme")
    )
    by_review: dict[int, list[Recommendation]] = {}
    for recommendation in unreported.order_by("review", "number", "pk"):
        by_review.setdefault(recommendation.review_id, []).append(recommendation)
    for review in reviews:
        report = latest.get(review.pk)
        if report is None:
            rows = [
                PublishedRecommendation(
                    reference=r.reference,
                    number=r.number,
                    theme=r.theme.title if r.theme_id else "",
                    title=r.title,
                    text=r.text,
                    status=None,
                    direction=None,
                    lead_member="",
                    lead_officer="",
                )
                for r in by_review.get(review.pk, [])
            ]
            result.append(
                PublishedReview(review.slug, review.title, review.get_kind_display(), None, rows)
            )
            continue
        snapshot = snapshots[report.pk]
        rows = [
            PublishedRecommendation(
                reference=row.reference,
                number=row.number,
                theme=row.theme,
                title=row.title,
                text=row.text,
                status=row.status,
                direction=row.direction,
                lead_member=row.lead_member if names else "",
                lead_officer=row.lead_officer if names else "",
            )
            for row in snapshot.recommendations
            if row.review == review.slug
        ]
        published = PublishedReport(
            pk=report.pk,
            quarter_label=report.period.quarter.label,
            quarter_slug=report.period.quarter_slug,
            version=report.version,
            as_at=snapshot.as_at,
            issued_on=report.issued_at.date(),
            audience=report.get_audience_display(),
            meeting_date=report.meeting_date,
        )
        result.append(
            PublishedReview(review.slug, review.title, review.get_kind_display(), published, rows)
        )
    return result
