"""Councils answer other external reviews in the same improvement plan as their peer challenges:
a CIPFA financial review, a Public Interest Report, a Best Value inspection, external audit
recommendations. Each works like a peer review; the dashboard offers each, and one Cabinet
report covers several at once."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.choices import Role
from reports.forms import CabinetReportCreateForm
from reports.rendering import report_html
from reports.services import cabinet_report_create
from reviews.choices import ReviewKind
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory
from tests.reports_plan import Q2, make_plan, update

pytestmark = pytest.mark.django_db
NEW_KINDS = [
    ReviewKind.CIPFA_FINANCIAL_REVIEW,
    ReviewKind.PUBLIC_INTEREST_REPORT,
    ReviewKind.BEST_VALUE_INSPECTION,
    ReviewKind.EXTERNAL_AUDIT,
]


@pytest.fixture
def combined(council, officer):
    """The 2023 CPC's plan and a CIPFA financial review's, one action each under way."""
    cpc, _ = make_plan(council, officer)
    cipfa = ReviewFactory(
        council=council, slug="2024-cipfa", title="CIPFA Financial Resilience Review 2024",
        kind=ReviewKind.CIPFA_FINANCIAL_REVIEW, onsite_start=dt.date(2024, 4, 8),
        onsite_end=dt.date(2024, 4, 10),
    )  # fmt: skip
    rec = RecommendationFactory(review=cipfa, number=1, title="Rebuild the reserves strategy")
    action = ActionFactory(recommendation=rec, reference="C1.1", lead_officer=officer,
                           target_date=dt.date(2025, 3, 31))  # fmt: skip
    update(action, "2024-08-01", "at_risk", 30, "Strategy drafted late.")
    return cpc, cipfa


def test_the_new_kinds_are_there_with_their_own_words():
    labels = {kind.label for kind in NEW_KINDS}
    assert labels == {
        "CIPFA financial review", "Public Interest Report", "Best Value inspection",
        "External audit recommendations",
    }  # fmt: skip
    assert "CIPFA" in ReviewKind.CIPFA_FINANCIAL_REVIEW.carried_out_by
    assert "(LGA)" in ReviewKind.CPC.carried_out_by


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_kind_has_the_same_pages_as_a_peer_review(client, council, cabinet_member, kind):
    review = ReviewFactory(council=council, kind=kind, slug=f"r-{kind.value}"[:60])
    rec = RecommendationFactory(review=review, number=1)
    ActionFactory(recommendation=rec, reference="1.1")
    client.force_login(cabinet_member)
    assert client.get(review.get_absolute_url()).status_code == 200
    assert client.get(rec.get_absolute_url()).status_code == 200
    dashboard = client.get(reverse("dashboard:dashboard") + f"?review={review.slug}")
    assert dashboard.status_code == 200
    assert dashboard.context["dashboard"].reviews == [review]


def test_the_recommendation_table_lists_every_review_at_once(client, combined, cabinet_member):
    client.force_login(cabinet_member)
    rows = client.get(reverse("reviews:recommendation_list")).context["table"].data
    assert {r.review.slug for r in rows} == {"2023-cpc", "2024-cipfa"}


def test_one_cabinet_report_covers_a_peer_challenge_and_a_cipfa_review(council, combined, personas):
    cpc, cipfa = combined
    form = CabinetReportCreateForm(user=personas[Role.PERFORMANCE])
    assert {cpc, cipfa} <= set(form.fields["reviews"].queryset)
    report = cabinet_report_create(
        council=council, quarter=Q2, reviews=[cpc, cipfa], created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2024, 11, 14),
    )  # fmt: skip
    assert [r["review"] for r in report.snapshot["recommendations"]].count("2024-cipfa") == 1
    assert report.snapshot["headline"]["actions"] == 4
    assert not report.subject.startswith("Local Government Association")
    html = report_html(report)
    assert "Rebuild the reserves strategy" in html
    assert "Chartered Institute of Public Finance and Accountancy (CIPFA) carried out" in html
    assert "Local Government Association (LGA) carried out the Corporate Peer Challenge" in html


def test_the_dashboard_shows_every_review_of_the_plan_at_once(client, combined, cabinet_member):
    """Councils answer a peer challenge and a CIPFA review in one improvement plan: the
    dashboard can show them combined, each recommendation named with its review."""
    cpc, cipfa = combined
    client.force_login(cabinet_member)
    one = client.get(reverse("dashboard:dashboard") + f"?review={cpc.slug}").context["dashboard"]
    page = client.get(reverse("dashboard:dashboard") + "?review=all")
    both = page.context["dashboard"]
    assert set(both.reviews) == {cpc, cipfa} and both.title == "All reviews"
    figures = {f.label: f for f in both.figures}
    assert (
        int(figures["Actions"].value) == int({f.label: f for f in one.figures}["Actions"].value) + 1
    )  # the CIPFA review's action is counted too
    assert "review=" not in figures["Actions"].url  # drills down to every review
    html = page.content.decode()
    assert "All reviews, combined" in html and cipfa.title in html
    assert "Rebuild the reserves strategy" in html
