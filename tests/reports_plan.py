"""A small action plan with a known history, shared by the Cabinet report tests."""

import datetime as dt

from django.utils import timezone

from actions.services import progress_update_create
from reports import services as report_services
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)
from tracker.quarters import FinancialQuarter

Q2 = FinancialQuarter(2024, 2)  # 1 July to 30 September 2024
TITLES = [
    "Review and align corporate capacity to support council priorities",
    "Increase Financial Reserves",
]


def q2_draft(council, reviews, created_by):
    """The draft report on Q2 2024/25 for the Cabinet meeting of 14 November 2024."""
    return report_services.cabinet_report_create(
        council=council,
        quarter=Q2,
        reviews=list(reviews),
        created_by=created_by,
        meeting_date=dt.date(2024, 11, 14),
    )


def moment(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def update(action, day, status, percent, commentary="Progress as planned.", hour=9):
    return progress_update_create(
        action=action,
        author=action.lead_officer,
        status=status,
        percent_complete=percent,
        commentary=commentary,
        recorded_at=moment(day, hour),
    )


def make_plan(council, lead_officer):
    """Two recommendations, three actions; R1.1 goes off track after the quarter ends."""
    review = ReviewFactory(council=council, slug="2023-cpc", title="Corporate Peer Challenge 2023")
    capacity = ThemeFactory(review=review, number=1, title="Capacity for improvement")
    money = ThemeFactory(review=review, number=2, title="Financial planning and management")
    r1 = RecommendationFactory(review=review, number=1, title=TITLES[0], theme=capacity)
    r2 = RecommendationFactory(review=review, number=2, title=TITLES[1], theme=money)
    a11 = ActionFactory(
        recommendation=r1,
        reference="R1.1",
        description="Appoint an Organisational Development lead",
        lead_officer=lead_officer,
        target_date=dt.date(2025, 3, 31),
    )
    a12 = ActionFactory(
        recommendation=r1,
        reference="R1.2",
        description="Agree a costed capacity plan",
        lead_officer=lead_officer,
        target_date=dt.date(2024, 8, 31),
    )
    a21 = ActionFactory(
        recommendation=r2,
        reference="R2.1",
        description="Rebuild the General Fund reserve",
        lead_officer=lead_officer,
        target_date=dt.date(2024, 9, 15),
    )
    update(a11, "2024-06-20", "on_track", 10, "Business case being drafted.")
    update(a11, "2024-09-20", "on_track", 30, "Business case approved in September.")
    update(a11, "2024-10-02", "off_track", 30, "Recruitment frozen in October.")
    update(a12, "2024-06-25", "on_track", 40, "Plan in preparation.")
    update(a12, "2024-09-10", "at_risk", 60, "Costings late from two directorates.")
    update(a21, "2024-06-28", "at_risk", 50, "Contribution smaller than planned.")
    update(a21, "2024-09-12", "complete", 100, "Reserve rebuilt to £18m.")
    MilestoneFactory(
        action=a11, title="Business case approved", due_date=dt.date(2024, 9, 30),
        completed_on=dt.date(2024, 9, 18),
    )  # fmt: skip
    MilestoneFactory(
        action=a12, title="Directorate costings in", due_date=dt.date(2024, 8, 15),
        completed_on=dt.date(2024, 10, 5),
    )  # fmt: skip
    MilestoneFactory(action=a21, title="Outturn reported", due_date=dt.date(2024, 12, 31))
    return review, {"R1.1": a11, "R1.2": a12, "R2.1": a21}


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace runs folded to one space, so wrapped lines still match."""
    import io

    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def make_long_plan(council, lead_officer, *, recommendations=6, actions_each=6, milestones=30):
    """A plan big enough that its tables and the milestone chart run over several pages."""
    review = ReviewFactory(council=council, slug="2023-cpc", title="Corporate Peer Challenge 2023")
    theme = ThemeFactory(review=review, number=1, title="Capacity for improvement")
    statuses = ["on_track", "at_risk", "off_track", "complete", "on_track", "not_started"]
    made = []
    for r in range(1, recommendations + 1):
        rec = RecommendationFactory(
            review=review, number=r, title=f"Recommendation number {r}", theme=theme
        )
        for a in range(1, actions_each + 1):
            action = ActionFactory(
                recommendation=rec,
                reference=f"R{r}.{a}",
                description=f"Action {r}.{a}: " + "deliver the agreed improvement " * 6,
                lead_officer=lead_officer,
                target_date=dt.date(2025, 3, 31),
            )
            status = statuses[(r + a) % len(statuses)]
            update(action, "2024-06-20", "on_track", 20, "Started on plan. " * 5)
            percent = {"complete": 100, "not_started": 0}.get(status, 50)  # as the rules allow
            update(action, "2024-09-10", status, percent, "Progress in the quarter. " * 12)
            made.append(action)
    for m in range(milestones):
        MilestoneFactory(
            action=made[m % len(made)],
            title=f"Milestone {m + 1} of the plan",
            due_date=dt.date(2024, 7, 1) + dt.timedelta(days=m * 3 % 90),
        )
    return review
