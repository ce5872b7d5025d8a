"""The public page of what a council reported to Cabinet, its open data and its issued reports:
no sign-in, cacheable by anyone, and 404 unless the council has chosen to publish."""

import csv
import io
import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from public.selectors import issued_reports, published_reviews, publishing_council
from reports.models import CabinetReport
from tracker.downloads import DOCX, PDF, attachment
from tracker.exports import neutralise

MAX_AGE = 15 * 60  # a newly issued report is public within a quarter of an hour

# The open data's columns, in order: documented in the README; add, never rename or reorder.
COLUMNS = [
    "council",
    "review",
    "review_title",
    "review_kind",
    "reference",
    "number",
    "theme",
    "title",
    "text",
    "status",
    "status_label",
    "rag",
    "direction",
    "direction_label",
    "lead_member",
    "lead_officer",
    "as_at",
    "report_quarter",
    "report_version",
    "report_issued_on",
    "report_pdf",
]


def _public(response: HttpResponse) -> HttpResponse:
    """Cacheable by browsers and shared proxies; ``security.middleware.PrivateCacheMiddleware``
    still makes it private for a signed-in visitor, whose page carries their name."""
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    response.published = True
    return response


def _plan(slug: str):
    council = publishing_council(slug)
    reports = list(issued_reports(council=council))
    return council, reports, published_reviews(council=council, reports=reports)


@login_not_required
def published_plan(request, council_slug):
    council, reports, reviews = _plan(council_slug)
    return _public(
        render(
            request,
            "public/published_plan.html",
            {"council": council, "reviews": reviews, "reports": reports},
        )
    )


def _rows(request, council, reviews) -> list[dict]:
    rows = []
    for review in reviews:
        report = review.report
        pdf = (
            request.build_absolute_uri(reverse("public:report_pdf", args=[council.slug, report.pk]))
            if report
            else ""
        )
        for item in review.recommendations:
            rows.append(
                {
                    "council": council.name,
                    "review": review.slug,
                    "review_title": review.title,
                    "review_kind": review.kind,
                    "reference": item.reference,
                    "number": item.number,
                    "theme": item.theme,
                    "title": item.title,
                    "text": item.text,
                    "status": item.status.value if item.status else "",
                    "status_label": item.status.label if item.status else "",
                    "rag": item.status.rag.value if item.status else "",
                    "direction": item.direction.value if item.direction else "",
                    "direction_label": item.direction.label if item.direction else "",
                    "lead_member": item.lead_member,
                    "lead_officer": item.lead_officer,
                    "as_at": report.as_at.isoformat() if report else "",
                    "report_quarter": report.quarter_slug if report else "",
                    "report_version": report.version if report else "",
                    "report_issued_on": report.issued_on.isoformat() if report else "",
                    "report_pdf": pdf,
                }
            )
    return rows


@login_not_required
def published_plan_csv(request, council_slug):
    council, _, reviews = _plan(council_slug)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in _rows(request, council, reviews):
        writer.writerow({key: neutralise(value) for key, value in row.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{council.slug}-recommendations.csv"'
    return _public(response)


@login_not_required
def published_plan_json(request, council_slug):
    council, reports, reviews = _plan(council_slug)
    data = {
        "council": council.name,
        "columns": COLUMNS,
        "recommendations": _rows(request, council, reviews),
        "reports": [
            {
                "quarter": report.period.quarter_slug,
                "version": report.version,
                "issued_on": report.issued_at.date().isoformat(),
                "audience": report.audience,
                "meeting_date": report.meeting_date.isoformat(),
                "reviews": [review.slug for review in report.reviews.all()],
                "replaced_by_version": report.replaced_by_version,
                "pdf": request.build_absolute_uri(
                    reverse("public:report_pdf", args=[council.slug, report.pk])
                ),
                "docx": request.build_absolute_uri(
                    reverse("public:report_docx", args=[council.slug, report.pk])
                )
                if report.has_docx
                else None,
            }
            for report in reports
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    return _public(response)


def _issued(council_slug: str, pk: int, field: str):
    council = publishing_council(council_slug)
    report = get_object_or_404(
        CabinetReport.objects.issued()
        .select_related("period")
        .only("pk", "version", "status", "period__quarter_slug", field),
        pk=pk,
        council=council,
    )
    content = getattr(report, field)
    if not content:
        raise Http404("This report has no such file")
    return report, bytes(content)


@login_not_required
def report_pdf(request, council_slug, pk):
    report, content = _issued(council_slug, pk, "pdf")
    return _public(attachment(content, filename=report.pdf_filename, content_type=PDF))


@login_not_required
def report_docx(request, council_slug, pk):
    report, content = _issued(council_slug, pk, "docx")
    return _public(attachment(content, filename=report.docx_filename, content_type=DOCX))
