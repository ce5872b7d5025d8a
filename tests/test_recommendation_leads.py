"""Each recommendation names a lead Cabinet member and a lead officer: people of the council with
those roles, never free text. Members see them on the dashboard, the recommendation page, the
recommendation tables (filtered by each) and in the Cabinet report."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.choices import Role
from accounts.services import person_ensure
from reports.rendering import report_html
from reports.selectors import report_snapshot
from reports.services import cabinet_report_create
from tests.factories import CouncilFactory
from tests.reports_plan import Q2, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(council, officer, personas):
    """Cllr Ann Lead answers for R1; Dee Director leads it; R2 names no one."""
    review, actions = make_plan(council, officer)
    member = person_ensure(
        username="cllr.lead", council=council, role=Role.CABINET, first_name="Ann",
        last_name="Lead",
    )  # fmt: skip
    director = person_ensure(
        username="dee.director", council=council, role=Role.DIRECTOR, first_name="Dee",
        last_name="Director",
    )  # fmt: skip
    r1 = actions["R1.1"].recommendation
    r1.lead_member, r1.lead_officer = member, director
    r1.full_clean()
    r1.save()
    return review, r1, member, director


def test_a_lead_must_be_a_person_of_the_reviews_council(plan):
    _, r1, _, _ = plan
    stranger = person_ensure(
        username="k.cllr", council=CouncilFactory(short_name="Knowsley"), role=Role.CABINET
    )
    r1.lead_member = stranger
    with pytest.raises(ValidationError) as error:
        r1.full_clean()
    assert "lead_member" in error.value.message_dict


def test_the_admin_offers_only_cabinet_members_and_officers_of_the_council(client, plan, personas):
    _, r1, member, director = plan
    person_ensure(username="k.cllr", council=CouncilFactory(short_name="Knowsley"),
                  role=Role.CABINET)  # fmt: skip
    client.force_login(personas[Role.PERFORMANCE])
    page = client.get(reverse("admin:reviews_recommendation_change", args=[r1.pk]))
    form = page.context["adminform"].form
    members = set(form.fields["lead_member"].queryset)
    officers = set(form.fields["lead_officer"].queryset)
    assert member in members and personas[Role.CABINET] in members
    assert director not in members and personas[Role.OFFICER] not in members
    assert all(p.profile.council == r1.review.council for p in members | officers)
    assert director in officers and personas[Role.OFFICER] in officers
    assert member not in officers and personas[Role.SCRUTINY] not in officers


def test_the_recommendation_page_names_both_leads(client, plan, cabinet_member):
    _, r1, _, _ = plan
    client.force_login(cabinet_member)
    page = client.get(r1.get_absolute_url()).content.decode()
    assert "Ann Lead" in page and "Dee Director" in page


def test_the_dashboard_names_the_leads(client, plan, cabinet_member):
    review, _, member, _ = plan
    client.force_login(cabinet_member)
    page = client.get(reverse("dashboard:dashboard") + f"?review={review.slug}").content.decode()
    assert "Lead member:" in page and "Ann Lead" in page and "Dee Director" in page
    assert f"?lead_member={member.pk}" in page


def test_the_recommendation_table_shows_and_filters_by_each_lead(client, plan, cabinet_member):
    _, _, member, director = plan
    client.force_login(cabinet_member)
    url = reverse("reviews:recommendation_list")
    everything = client.get(url).content.decode()
    assert "Ann Lead" in everything and "Dee Director" in everything
    by_member = client.get(url, {"lead_member": member.pk})
    assert [r.reference for r in by_member.context["table"].data] == ["R1"]
    by_officer = client.get(url, {"recommendation_lead": director.pk})
    assert [r.reference for r in by_officer.context["table"].data] == ["R1"]
    csv = client.get(url, {"_export": "csv"}).content.decode()
    assert "Lead member" in csv and "Ann Lead" in csv


def test_the_cabinet_report_names_the_leads(plan, personas, council):
    review, _, _, _ = plan
    snapshot = report_snapshot(reviews=[review], quarter=Q2)
    r1, r2 = snapshot.recommendations
    assert (r1.lead_member, r1.lead_officer) == ("Ann Lead", "Dee Director")
    assert (r2.lead_member, r2.lead_officer) == ("", "")
    report = cabinet_report_create(
        council=council, quarter=Q2, reviews=[review], created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2024, 11, 14),
    )  # fmt: skip
    html = report_html(report)
    assert "Lead member and lead officer" in html and "Ann Lead" in html
    assert "Lead member: Ann Lead." in html  # Appendix A
