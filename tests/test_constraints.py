"""The hard rules hold in the database itself, whatever writes to it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions.models import Action, ProgressUpdate
from reviews.models import Recommendation, RecommendationLink, Review
from tests.factories import ActionFactory, RecommendationFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def _refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_it_refuses_two_recommendations_with_the_same_number_in_one_review():
    first = RecommendationFactory(number=3)
    _refused(lambda: RecommendationFactory(review=first.review, number=3))


def test_it_allows_the_same_number_in_different_reviews():
    RecommendationFactory(number=1)
    RecommendationFactory(number=1)
    assert Recommendation.objects.filter(number=1).count() == 2


def test_it_refuses_a_recommendation_numbered_zero():
    _refused(lambda: RecommendationFactory(number=0))


def test_it_refuses_a_visit_that_ends_before_it_starts():
    _refused(
        lambda: ReviewFactory(onsite_start=dt.date(2023, 11, 24), onsite_end=dt.date(2023, 11, 21))
    )


def test_it_refuses_a_report_published_before_the_visit():
    _refused(lambda: ReviewFactory(report_published=dt.date(2020, 1, 1)))


def test_it_refuses_a_target_date_before_the_start_date():
    _refused(
        lambda: ActionFactory(start_date=dt.date(2024, 4, 1), target_date=dt.date(2024, 3, 31))
    )


def test_it_refuses_percent_complete_over_100_on_an_action():
    action = ActionFactory()
    _refused(lambda: Action.objects.filter(pk=action.pk).update(percent_complete=101))


def test_it_refuses_an_unknown_status():
    action = ActionFactory()
    _refused(lambda: Action.objects.filter(pk=action.pk).update(status="pretty_good"))


@pytest.mark.parametrize("percent", [-1, 101])
def test_it_refuses_a_progress_update_outside_0_to_100(percent):
    action = ActionFactory()
    _refused(
        lambda: ProgressUpdate.objects.create(
            action=action, author=UserFactory(), status="on_track", percent_complete=percent
        )
    )


def test_it_refuses_two_actions_with_the_same_reference_on_one_recommendation():
    action = ActionFactory(reference="R8.1")
    _refused(lambda: ActionFactory(recommendation=action.recommendation, reference="R8.1"))


def test_it_refuses_a_recommendation_linked_to_itself():
    recommendation = RecommendationFactory()
    _refused(
        lambda: RecommendationLink.objects.create(
            later=recommendation, earlier=recommendation, kind="repeats"
        )
    )


def test_it_says_in_words_when_a_link_points_forwards_in_time():
    earlier_review = ReviewFactory(onsite_start=dt.date(2018, 9, 4), onsite_end=dt.date(2018, 9, 7))
    later_review = ReviewFactory(council=earlier_review.council)
    old, new = (
        RecommendationFactory(review=earlier_review),
        RecommendationFactory(review=later_review),
    )
    link = RecommendationLink(later=old, earlier=new, kind="repeats")
    with pytest.raises(ValidationError, match="earlier review"):
        link.full_clean()


def test_it_says_in_words_when_a_target_date_is_before_the_start():
    action = ActionFactory.build(
        recommendation=RecommendationFactory(),
        lead_officer=UserFactory(),
        start_date=dt.date(2024, 4, 1),
        target_date=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "target_date" in error.value.message_dict


def test_it_refuses_a_review_that_follows_up_itself():
    review = ReviewFactory()
    _refused(lambda: Review.objects.filter(pk=review.pk).update(follows_up=review))
