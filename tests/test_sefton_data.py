"""The shipped Sefton data says what the peer review reports say, word for word."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from actions.models import Action, Milestone, ProgressUpdate
from reviews.models import PeerFeedback, Recommendation, RecommendationLink, Review

SOURCES = Path(settings.BASE_DIR) / "docs" / "sources"
DATA = json.loads((Path(settings.BASE_DIR) / "demo" / "fixtures" / "sefton.json").read_text())


def squashed(text: str) -> str:
    """Whitespace removed: the source texts are PDF extractions with words broken across spaces."""
    return re.sub(r"\s+", "", text)


def source_text(name: str) -> str:
    return squashed((SOURCES / name).read_text(encoding="utf-8"))


@pytest.fixture
def loaded(db):
    call_command("load_sefton", verbosity=0)


def test_it_ships_the_four_reviews_with_6_5_0_and_10_recommendations(loaded):
    counts = {review.slug: review.recommendations.count() for review in Review.objects.all()}
    assert counts == {"2018-cpc": 6, "2022-revisit": 5, "2023-progress-review": 0, "2023-cpc": 10}


def test_recommendations_are_numbered_from_one_without_gaps(loaded):
    for review in Review.objects.all():
        numbers = list(review.recommendations.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("review", DATA["reviews"], ids=lambda r: r["slug"])
def test_every_recommendation_title_and_text_is_verbatim_from_its_report(review):
    # The revisit's recommendations are quoted in the progress review note.
    source = source_text(
        "2023-01-progress-review-note.txt"
        if review["slug"] == "2022-revisit"
        else review["source_document"]
    )
    for recommendation in review.get("recommendations", []):
        assert squashed(recommendation["title"]) in source, recommendation["title"]
        assert squashed(recommendation["text"]) in source, recommendation["text"][:80]


def test_the_progress_review_gives_feedback_on_each_of_the_revisits_five_recommendations(loaded):
    feedback = PeerFeedback.objects.filter(review__slug="2023-progress-review")
    assert sorted(feedback.values_list("recommendation__number", flat=True)) == [1, 2, 3, 4, 5]
    assert set(feedback.values_list("recommendation__review__slug", flat=True)) == {"2022-revisit"}
    source = source_text("2023-01-progress-review-note.txt")
    for item in feedback:
        assert squashed(item.text) in source


def test_a_sample_of_titles_reads_exactly_as_the_reports_print_them(loaded):
    def title(slug, number):
        return Recommendation.objects.get(review__slug=slug, number=number).title

    assert title("2023-cpc", 3) == "Increase Financial Reserves"
    assert (
        title("2023-cpc", 8) == "Review and refine the Council’s performance management framework"
    )
    assert title("2018-cpc", 2).startswith("Strengthen corporate performance management")
    assert title("2018-cpc", 4).startswith(
        "Be clear on the council’s parameters around commercialisation"
    )
    assert title("2022-revisit", 3).startswith("Given how much change the world has seen")


def test_the_review_cycle_dates_are_those_the_reports_state(loaded):
    cpc_2018 = Review.objects.get(slug="2018-cpc")
    assert (cpc_2018.onsite_start.isoformat(), cpc_2018.onsite_end.isoformat()) == (
        "2018-09-04",
        "2018-09-07",
    )
    revisit = Review.objects.get(slug="2022-revisit")
    assert revisit.onsite_start.isoformat() == "2022-04-21"
    assert revisit.follows_up == cpc_2018
    progress = Review.objects.get(slug="2023-progress-review")
    assert progress.onsite_start.isoformat() == "2023-01-18"
    assert progress.follows_up == revisit
    cpc_2023 = Review.objects.get(slug="2023-cpc")
    assert cpc_2023.next_cpc_due.year == 2028 and cpc_2023.next_cpc_due.month == 11
    assert cpc_2023.action_plan_due and cpc_2023.progress_review_due


def test_peer_teams_are_listed_as_the_reports_list_them(loaded):
    assert Review.objects.get(slug="2018-cpc").peer_team.count() == 8
    names = set(
        Review.objects.get(slug="2023-progress-review").peer_team.values_list("name", flat=True)
    )
    assert any("Houghton" in name for name in names) and any("Griffin" in name for name in names)


def test_performance_management_is_traced_from_2018_through_the_revisit_to_2023(loaded):
    r8 = Recommendation.objects.get(review__slug="2023-cpc", number=8)
    revisit = r8.earlier.get(review__slug="2022-revisit")
    assert revisit.title.startswith(
        "Embed the service level improvements in performance management"
    )
    assert revisit.earlier.filter(review__slug="2018-cpc", number=2).exists()


def test_every_link_quotes_the_document_that_supports_it(loaded):
    assert RecommendationLink.objects.count() >= 5
    for link in RecommendationLink.objects.all():
        assert link.evidence and squashed(link.evidence) in source_text(link.evidence_source)


def test_loading_twice_changes_nothing(loaded, capsys):
    snapshot = list(Recommendation.objects.values_list("pk", "title", "text"))
    call_command("load_sefton")
    assert "nothing changed" in capsys.readouterr().out
    assert list(Recommendation.objects.values_list("pk", "title", "text")) == snapshot


def test_the_demo_loader_creates_labelled_sample_data_once(loaded, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (Action.objects.count(), Milestone.objects.count(), ProgressUpdate.objects.count())
    assert counts[0] > 20 and counts[2] > counts[0]
    assert not Action.objects.filter(is_sample=False).exists()
    assert all(action.grounded_in for action in Action.objects.all())
    call_command("load_demo")
    assert "0 rows added" in capsys.readouterr().out
    assert (
        Action.objects.count(),
        Milestone.objects.count(),
        ProgressUpdate.objects.count(),
    ) == counts


def test_sample_actions_are_grounded_in_words_the_documents_contain():
    plan = json.loads(
        (Path(settings.BASE_DIR) / "demo" / "fixtures" / "sample_action_plan.json").read_text()
    )
    assert "Sample" in plan["label"]
    for action in plan["actions"]:
        assert squashed(action["grounded_in"]) in source_text(action["grounded_in_source"])


def test_the_demo_loader_refuses_to_run_in_production(loaded, settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG"):
        call_command("load_demo")
