"""Factories that build the smallest valid records; tests say what matters to them."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from actions.models import Action, Milestone
from reviews.choices import ReviewKind
from reviews.models import Council, Directorate, Portfolio, Recommendation, Review, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ["short_name"]

    name = factory.LazyAttribute(lambda c: f"{c.short_name} Borough Council")
    short_name = factory.Sequence(lambda n: f"Council {n}")


class DirectorateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directorate
        django_get_or_create = ["council", "name"]

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Directorate {n}")


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio
        django_get_or_create = ["council", "name"]

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Portfolio {n}")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    council = factory.SubFactory(CouncilFactory)
    slug = factory.Sequence(lambda n: f"review-{n}")
    kind = ReviewKind.CPC
    title = factory.Sequence(lambda n: f"Corporate Peer Challenge {n}")
    onsite_start = dt.date(2023, 11, 21)
    onsite_end = dt.date(2023, 11, 24)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Theme {n}")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Recommendation title {n}")
    text = "Full text of the recommendation."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    reference = factory.Sequence(lambda n: f"R1.{n + 1}")
    description = factory.Sequence(lambda n: f"Do the thing number {n}")
    lead_officer = factory.SubFactory(UserFactory)
    start_date = dt.date(2024, 4, 1)
    target_date = dt.date(2028, 3, 31)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = dt.date(2024, 9, 30)


def typed_date(name: str, day: dt.date | str) -> dict[str, str]:
    """What a person types into a GOV.UK date input (tracker.forms.GovukDateField) for ``day``
    (a date or an ISO string): the day, month and year boxes of the field called ``name``."""
    if day == "":
        return {f"{name}_{part}": "" for part in ("day", "month", "year")}
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }
