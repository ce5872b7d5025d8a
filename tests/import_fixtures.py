"""A review with three recommendations and the people an imported plan names."""

import datetime as dt
from types import SimpleNamespace

import pytest

from accounts.choices import Role
from accounts.services import person_ensure
from tests.factories import PortfolioFactory, RecommendationFactory, ReviewFactory


@pytest.fixture(name="plan_setup")
def plan_setup_fixture(personas, council, directorate):
    review = ReviewFactory(
        council=council,
        slug="2023-cpc",
        title="Corporate Peer Challenge 2023",
        onsite_start=dt.date(2023, 11, 21),
        onsite_end=dt.date(2023, 11, 24),
    )
    recommendations = {n: RecommendationFactory(review=review, number=n) for n in (1, 2, 3)}
    lead = person_ensure(
        username="casey",
        council=council,
        role=Role.OFFICER,
        first_name="Casey",
        last_name="Bennett",
        email="casey.bennett@example.org",
        directorate=directorate,
        password="correct horse battery staple",
    )
    return SimpleNamespace(
        council=council,
        review=review,
        recommendations=recommendations,
        directorate=directorate,
        portfolio=PortfolioFactory(council=council, name="Regeneration and Skills"),
        lead=lead,
        performance=personas[Role.PERFORMANCE],
        officer=personas[Role.OFFICER],
        director=personas[Role.DIRECTOR],
        cabinet=personas[Role.CABINET],
    )
