"""A review with three recommendations and the people an imported plan names."""

import datetime as dt
from types import SimpleNamespace

import pytest

from accounts.choices import Role
from accounts.services import person_ensure
from tests.factories import (
    DirectorateFactory,
    PortfolioFactory,
    RecommendationFactory,
    ReviewFactory,
)


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


# --- Action plans as councils publish them -------------------------------------------------------
# Written from the descriptions of real published plans (Word tables saved to Excel), with
# wording taken from Sefton's 2022 revisit and 2023 Corporate Peer Challenge reports.

CPC_2023 = {
    1: ("Review and align corporate capacity to support council priorities",
        "The Council should consider the skills, capacity and capability it needs at the "
        "corporate centre to deliver its priorities."),
    2: ("Use the process of developing the Council's Medium Term Financial Plan to develop a "
        "widespread understanding and ownership of the Council's financial position",
        "This will need to include accurate forecasts on costs and demand."),
    3: ("Increase Financial Reserves",
        "The Council is aware that their reserve levels are amongst the lowest of metropolitan "
        "councils."),
    4: ("Maintain the recent progress which has been made regarding improvements to "
        "Children's Services",
        "The Council is clear in their priority to improve Children's Services."),
    5: ("Ensure that regeneration opportunities are supporting inclusive growth",
        "There are several exciting regeneration programmes taking place across the borough."),
}  # fmt: skip
REVISIT_2022 = {
    1: ("Ensure the planned refresh of the vision for Sefton is used as an opportunity to then "
        "ensure the underpinning strategies and plans reflect the key priorities of the Council "
        "over the next period such as improving children's services.",
        "This should lead to clear and specific, corporate milestones and metrics that can be "
        "performance managed."),
    2: ("Inform the above work by taking stock, internally and with partners of the new "
        "opportunities, strengths and challenges that the Council will wish to build on, "
        "capitalise from and address in the next three year period.", ""),
    3: ("Given how much change the world has seen in the last two years and how the localities "
        "model has been required to react, work with partners to review the localities model.",
        "This may include how it should and could be adapted looking ahead."),
}  # fmt: skip


@pytest.fixture(name="published")
def published_fixture(personas, council, directorate):
    """Sefton's 2023 CPC and 2022 revisit (a few recommendations each), its directorates and
    portfolios, and the officers the published plans name as leads."""
    cpc = ReviewFactory(
        council=council,
        slug="2023-cpc",
        title="Corporate Peer Challenge 2023",
        onsite_start=dt.date(2023, 11, 21),
        onsite_end=dt.date(2023, 11, 24),
    )
    revisit = ReviewFactory(
        council=council,
        slug="2022-revisit",
        title="CPC revisit 2022",
        onsite_start=dt.date(2022, 4, 5),
        onsite_end=dt.date(2022, 4, 6),
    )
    for review, texts in ((cpc, CPC_2023), (revisit, REVISIT_2022)):
        for number, (title, text) in texts.items():
            RecommendationFactory(review=review, number=number, title=title, text=text)
    childrens = DirectorateFactory(council=council, name="Children's Services")
    DirectorateFactory(council=council, name="Strategic Support")
    DirectorateFactory(council=council, name="Invest Sefton")
    leads = {}
    for username, first, last, where in (
        ("jwhitfield", "Jan", "Whitfield", directorate),
        ("dokafor", "Dev", "Okafor", childrens),
        ("mgreenhalgh", "Morgan", "Greenhalgh", directorate),
    ):
        leads[username] = person_ensure(
            username=username, council=council, role=Role.OFFICER, first_name=first,
            last_name=last, email=f"{first}.{last}@sefton.example".lower(), directorate=where,
            password="correct horse battery staple",
        )  # fmt: skip
    return SimpleNamespace(
        council=council, cpc=cpc, revisit=revisit, directorate=directorate,
        childrens=childrens, leads=leads, performance=personas[Role.PERFORMANCE],
        portfolio=PortfolioFactory(council=council, name="Regulatory, Compliance and "
                                   "Corporate Services"),
    )  # fmt: skip


def word_table_plan_rows():
    """The 2023 CPC plan as a Word table saved to Excel: a title above the header, headings
    only partly ours, recommendation cells holding 'R1: …', '2.' with the words below, the
    words alone or a bare number, bulleted actions with bulleted timescales, a merged
    recommendation cell, status words in the timescale column, a column we do not read."""
    return [
        ["Sefton Council: Corporate Peer Challenge 2023 - Action Plan"],
        ["Agreed by Cabinet, 7 March 2024"],
        [],
        ["Original recommendation", "Action(s)", "Lead", "Directorate", "Timescale", "Update",
         "Comments from Overview and Scrutiny"],
        ["R1: Review and align corporate capacity to support council priorities",
         "• Carry out a review of capacity in the corporate centre\n"
         "• Report the findings and proposals to the Executive Leadership Team",
         "jan whitfield", "Corporate Resources & Customer Services", "• March 2024\n• June 2024",
         "", "Scrutiny asked to see the review."],
        [None, "Recruit a Corporate Programme Office manager", None, None, "Complete",
         "Manager in post since January 2024.", ""],
        ["2.\nUse the process of developing the Council's Medium Term Financial Plan to develop "
         "a widespread understanding and ownership of the Council's financial position",
         "Hold budget briefings for all Members and the wider leadership team", "MORGAN GREENHALGH",
         "Corporate", "July 2023 and ongoing", "Three briefings held so far.", ""],
        ["Increase financial reserves",
         "Agree a reserves strategy as part of the Medium Term Financial Plan", "Morgan Greenhalgh",
         "", "Ongoing", "", ""],
        ["4", "Keep the Children's Services Improvement Board meeting monthly", "Dev Okafor",
         "children's services", "To be addressed through 2, above", "", ""],
    ]  # fmt: skip


def progress_review_plan_rows():
    """The revisit's plan as updated for the January 2023 progress review: the original
    recommendations beside the peer team's suggestions, one column each, RAG words."""
    return [
        ["CPC revisit action plan - position at the progress review, January 2023"],
        ["Original recommendation", "Peer team suggestion", "Action", "Lead officer",
         "Timescale", "RAG", "Progress update"],
        ["1. Ensure the planned refresh of the vision for Sefton is used as an opportunity",
         "", "Publish a Corporate Plan for 2023 to 2026", "Jan Whitfield", "April 2023", "Green",
         "Corporate Plan approved by Council."],
        [None, "Use the November 2023 Corporate Peer Challenge to help develop the 2035 vision, "
         "with specific questions for the peer team", "Agree the scope of the 2023 CPC with the "
         "LGA", "Jan Whitfield", "Complete", "Blue", "Scope agreed with the LGA."],
        ["Given how much change the world has seen in the last two years and how the localities "
         "model has been required to react, work with partners to review the localities model.",
         "", "Review the localities model with partners", "Dev Okafor", "September 2023",
         "Amber", "Review moved to the summer to align with budget planning."],
        [None, "Align the sequencing of the localities review with the next budget planning "
         "period", "Set the review's timetable alongside the budget timetable", "Dev Okafor",
         "Ongoing", "", ""],
    ]  # fmt: skip


def formal_and_additional_plan_rows():
    """A plan answering 'formal' and 'additional' recommendations, each numbered from 1 under
    its own heading row; the additional ones are the peers' suggestions."""
    return [
        ["Recommendation", "Response", "Lead officer", "Timescale"],
        ["Formal recommendations", None, None, None],
        [1, "Commission a review of corporate capacity", "Jan Whitfield", "31/03/2024"],
        [3, "Set a target level of general reserves in the budget report", "Morgan Greenhalgh",
         "February 2024"],
        ["Additional recommendations", None, None, None],
        ["1. Strengthen member development so that all councillors understand the financial "
         "position", "Add finance sessions to the member development programme",
         "Morgan Greenhalgh", "Q1 2024/25"],
        ["2. Share the council's performance information with Scrutiny as routinely as with "
         "Cabinet", "Send the quarterly performance report to each Overview and Scrutiny "
         "Committee", "Jan Whitfield", "Quarterly"],
    ]  # fmt: skip
