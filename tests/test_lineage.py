"""Recommendations traced across reviews: the whole chain, both ways, and the recurring themes
page; and a review's peer-challenge cycle as a timeline."""

import datetime as dt

import pytest
from django.urls import reverse

from actions.models import Action
from reviews.choices import LinkKind, ReviewKind
from reviews.models import RecommendationLink
from reviews.selectors import CycleState, recommendation_chains, review_cycle
from tests.factories import ActionFactory, CouncilFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def review(council, year, slug, kind=ReviewKind.CPC, **extra):
    return ReviewFactory(council=council, slug=slug, kind=kind, title=f"{slug} review",
                         onsite_start=dt.date(year, 4, 1), onsite_end=dt.date(year, 4, 4),
                         **extra)  # fmt: skip


def link(later, earlier, kind=LinkKind.REPEATS, evidence=""):
    return RecommendationLink.objects.create(
        later=later, earlier=earlier, kind=kind, evidence=evidence
    )


@pytest.fixture
def chain(council):
    """2018 R2 -> 2022 R5 -> 2023 R8, plus 2018 R1 also taken up by 2023 R8."""
    r2018 = review(council, 2018, "2018-cpc")
    r2022 = review(council, 2022, "2022-revisit", kind=ReviewKind.REVISIT)
    r2023 = review(council, 2023, "2023-cpc")
    first = RecommendationFactory(review=r2018, number=2, title="Performance management")
    other = RecommendationFactory(review=r2018, number=1, title="Corporate plan")
    middle = RecommendationFactory(review=r2022, number=5, title="Revisit performance")
    last = RecommendationFactory(review=r2023, number=8, title="Refine the framework")
    lonely = RecommendationFactory(review=r2023, number=1, title="Only once")
    link(middle, first, LinkKind.FOLLOWS_UP, "The peers returned to performance management.")
    link(last, middle, LinkKind.CONTINUES, "Embed the performance framework.")
    link(last, other, LinkKind.CONTINUES)
    return {"first": first, "other": other, "middle": middle, "last": last, "lonely": lonely}


def test_a_chain_follows_links_transitively_both_ways_oldest_first(chain, cabinet_member):
    chains = recommendation_chains(user=cabinet_member)
    assert len(chains) == 1
    found = chains[0]
    assert [r.pk for r in found.recommendations] == [
        chain["other"].pk, chain["first"].pk, chain["middle"].pk, chain["last"].pk
    ]  # fmt: skip
    assert [r.slug for r in found.reviews] == ["2018-cpc", "2022-revisit", "2023-cpc"]
    steps = {r.pk: links for r, links in found.steps()}
    assert [lnk.earlier_id for lnk in steps[chain["last"].pk]] == sorted(
        [chain["middle"].pk, chain["other"].pk],
        key=lambda pk: [r.pk for r in found.recommendations].index(pk),
    )


def test_the_oldest_recommendation_page_shows_the_whole_chain_with_evidence(
    client, chain, cabinet_member
):
    client.force_login(cabinet_member)
    page = client.get(chain["first"].get_absolute_url()).content.decode()
    assert "Across reviews" in page
    for title in ("Revisit performance", "Refine the framework", "Corporate plan"):
        assert title in page  # later and sideways, not only the direct neighbours
    assert "The peers returned to performance management." in page
    assert "(this recommendation)" in page
    assert page.index("Performance management") < page.index("Refine the framework")


def test_an_unlinked_recommendation_has_no_lineage_section(client, chain, cabinet_member):
    client.force_login(cabinet_member)
    assert "Across reviews" not in client.get(chain["lonely"].get_absolute_url()).content.decode()


def test_recurring_themes_lists_chains_newest_first_with_kind_and_evidence(
    client, chain, council, cabinet_member
):
    old = RecommendationFactory(review=review(council, 2015, "2015-cpc"), title="Old theme")
    link(RecommendationFactory(review=review(council, 2016, "2016-cpc"), title="Older repeat"),
         old, LinkKind.REPEATS, "Said again.")  # fmt: skip
    client.force_login(cabinet_member)
    page = client.get(reverse("reviews:recurring")).content.decode()
    assert page.index("Refine the framework") < page.index("Older repeat")
    assert "Follows up" in page and "Continues" in page and "Repeats" in page
    assert "Said again." in page and "Raised in 3 reviews" in page


def test_another_councils_chains_stay_hidden(client, chain, cabinet_member):
    elsewhere = CouncilFactory()
    hidden = RecommendationFactory(review=review(elsewhere, 2019, "x-2019"), title="Hidden")
    link(RecommendationFactory(review=review(elsewhere, 2021, "x-2021")), hidden)
    client.force_login(cabinet_member)
    assert "Hidden" not in client.get(reverse("reviews:recurring")).content.decode()


def test_the_recommendation_page_runs_a_bounded_number_of_queries(
    client, chain, cabinet_member, django_assert_max_num_queries
):
    for n in range(20):
        ActionFactory(recommendation=chain["last"], reference=f"R8.{n}")
    client.force_login(cabinet_member)
    with django_assert_max_num_queries(15):
        assert client.get(chain["last"].get_absolute_url()).status_code == 200


def test_the_review_cycle_says_done_due_or_overdue_from_the_records(council):
    cpc = review(council, 2023, "2023-cpc", report_published=dt.date(2023, 6, 1),
                 action_plan_due=dt.date(2023, 9, 1), progress_review_due=dt.date(2024, 3, 1),
                 next_cpc_due=dt.date(2028, 4, 1))  # fmt: skip
    steps = {s.label: s for s in review_cycle(cpc, today=dt.date(2026, 11, 23))}
    assert steps["On-site visit"].state == CycleState.DONE
    assert steps["Report published"].state == CycleState.DONE
    assert steps["Action plan due"].state == CycleState.OVERDUE  # no actions recorded
    assert steps["Progress review due"].state == CycleState.OVERDUE
    assert steps["Next CPC due"].state == CycleState.DUE
    ActionFactory(recommendation=RecommendationFactory(review=cpc))
    review(council, 2024, "2024-progress", kind=ReviewKind.PROGRESS_REVIEW, follows_up=cpc)
    steps = {s.label: s for s in review_cycle(cpc, today=dt.date(2026, 11, 23))}
    assert steps["Action plan due"].state == CycleState.DONE
    assert steps["Progress review due"].state == CycleState.DONE
    assert Action.objects.exists()


def test_the_review_page_shows_the_cycle_as_an_ordered_list(client, council, cabinet_member):
    cpc = review(council, 2023, "2023-cpc", next_cpc_due=dt.date(2028, 11, 30))
    client.force_login(cabinet_member)
    page = client.get(cpc.get_absolute_url()).content.decode()
    assert '<ol class="govuk-list app-timeline">' in page
    assert "Next CPC due" in page and "30 November 2028" in page
    assert "Date not recorded" in page
