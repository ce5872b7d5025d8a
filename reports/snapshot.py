"""The snapshot a Cabinet report freezes, as types: what the plan said as at the report's day.

``reports.selectors.report_snapshot`` builds a ``ReportSnapshot`` from the one read of the plan;
the report stores ``snapshot.to_json()`` and everything that draws it (the HTML preview, the PDF,
the DOCX, the public page) reads ``ReportSnapshot.from_json(report.snapshot)``. Those two are the
only places the stored shape is known, so templates receive choice objects (``ActionStatus``,
``Direction``, ``MilestoneState``) and dates, never strings to reshape.

Stored formats, all still read:

======  ==========================================================================
format  what it added
======  ==========================================================================
1       statuses, RAG, milestones "met" / "met late" / "not met", as at quarter end
2       as at a day (``as_at``, ``provisional``), staleness, revised target dates,
        milestone states of ``MilestoneState``
3       typed round trip; each recommendation's ``kind`` (recommendation or peer
        suggestion), lead member and officer, and closing; who carried out each
        review; whether the plan is complete; the lists of overdue, completed and
        stale actions and of milestones due are derived from the rows, not stored
======  ==========================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from pydantic import TypeAdapter

from actions.choices import ActionStatus, Direction, Rag
from actions.progress import MilestoneState
from reviews.choices import RecommendationKind

SNAPSHOT_FORMAT = 3
COMMENTARY_WORDS = 40  # the exceptions section trims commentary; Appendix A has it in full


def trimmed(text: str, words: int = COMMENTARY_WORDS) -> tuple[str, bool]:
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts), False
    return " ".join(parts[:words]) + "…", True


@dataclass(frozen=True)
class SnapshotMilestone:
    title: str
    due_date: dt.date | None
    completed_on: dt.date | None
    state: MilestoneState
    action: str = ""  # the action's reference
    recommendation: str = ""


@dataclass(frozen=True)
class SnapshotAction:
    reference: str
    description: str
    lead_officer: str
    directorate: str
    target_date: dt.date | None
    revised_target_date: dt.date | None
    status: ActionStatus
    percent: int
    commentary: str
    updated_on: dt.date | None
    is_stale: bool
    direction: Direction
    overdue: bool
    completed_this_quarter: bool
    milestones_due: tuple[SnapshotMilestone, ...]
    is_sample: bool = False
    recommendation: str = ""  # the recommendation's reference

    @property
    def rag(self) -> Rag:
        return self.status.rag

    @property
    def commentary_short(self) -> str:
        return trimmed(self.commentary)[0]

    @property
    def trimmed(self) -> bool:
        return trimmed(self.commentary)[1]


@dataclass(frozen=True)
class SnapshotRecommendation:
    review: str  # the review's slug
    number: int
    reference: str
    title: str
    text: str
    theme: str
    status: ActionStatus | None  # None: no action begun by the day
    direction: Direction | None
    actions: tuple[SnapshotAction, ...]
    kind: RecommendationKind = RecommendationKind.RECOMMENDATION
    lead_member: str = ""  # names as they were when the report was made
    lead_officer: str = ""
    closed_on: dt.date | None = None  # closed by the day: its work continues elsewhere
    continues_in: str = ""

    @property
    def leads(self) -> str:
        """The lead member and lead officer, as the report's tables name them."""
        if not (self.lead_member or self.lead_officer):
            return "Not named"
        return f"{self.lead_member or 'No lead member'}\n{self.lead_officer or 'No lead officer'}"

    @property
    def rag(self) -> Rag | None:
        return self.status.rag if self.status else None

    @property
    def is_suggestion(self) -> bool:
        return self.kind == RecommendationKind.SUGGESTION

    @property
    def milestones_due(self) -> list[SnapshotMilestone]:
        return [m for action in self.actions for m in action.milestones_due]


@dataclass(frozen=True)
class SnapshotQuarter:
    slug: str
    label: str
    months: str
    start: dt.date
    end: dt.date
    previous_label: str
    previous_end: dt.date


@dataclass(frozen=True)
class SnapshotPeer:
    name: str
    role: str
    organisation: str


@dataclass(frozen=True)
class SnapshotReview:
    slug: str
    title: str
    kind: str  # in words, as the review's kind was called when the report was made
    onsite_start: dt.date | None
    onsite_end: dt.date | None
    report_published: dt.date | None
    action_plan_due: dt.date | None
    progress_review_due: dt.date | None
    next_cpc_due: dt.date | None
    follows_up: str
    summary: str
    themes: tuple[str, ...]
    peer_team: tuple[SnapshotPeer, ...]
    carried_out_by: str = ""  # who carried it out ("" before format 3: the LGA)


@dataclass(frozen=True)
class Headline:
    recommendations: int
    actions: int
    complete: int
    on_track: int
    at_risk: int
    off_track: int
    not_started: int
    overdue: int
    completed_this_quarter: int
    stale: int
    average_percent: int
    milestones_due: int
    milestones_met: int
    milestones_overdue: int
    later_starts: int
    suggestions: int = 0  # of ``recommendations``, how many are peer suggestions
    recommendations_closed: int = 0
    plan_complete: bool = False  # every recommendation closed by the day: the final report


@dataclass(frozen=True)
class Directions:
    actions: dict[Direction, int]
    recommendations: dict[Direction, int]


@dataclass(frozen=True)
class ReportSnapshot:
    as_at: dt.date
    provisional: bool
    quarter: SnapshotQuarter
    reviews: tuple[SnapshotReview, ...]
    headline: Headline
    status_counts: dict[ActionStatus, int]
    rag_counts: dict[Rag, int]
    directions: Directions
    rag_by_theme: tuple[tuple[str, dict[Rag, int]], ...]
    status_over_quarters: tuple[tuple[str, dict[ActionStatus, int]], ...]
    recommendations: tuple[SnapshotRecommendation, ...]
    is_sample: bool = False
    format: int = field(default=SNAPSHOT_FORMAT)

    # What is derived from the rows, once, so the lists can never disagree with the tables.
    @cached_property
    def actions(self) -> list[SnapshotAction]:
        return [action for rec in self.recommendations for action in rec.actions]

    @cached_property
    def overdue(self) -> list[SnapshotAction]:
        return [action for action in self.actions if action.overdue]

    @cached_property
    def completed(self) -> list[SnapshotAction]:
        return [action for action in self.actions if action.completed_this_quarter]

    @cached_property
    def stale(self) -> list[SnapshotAction]:
        return [action for action in self.actions if action.is_stale]

    @cached_property
    def milestones_due(self) -> list[SnapshotMilestone]:
        return [m for rec in self.recommendations for m in rec.milestones_due]

    @property
    def formal_recommendations(self) -> list[SnapshotRecommendation]:
        return [rec for rec in self.recommendations if not rec.is_suggestion]

    @property
    def suggestions(self) -> list[SnapshotRecommendation]:
        return [rec for rec in self.recommendations if rec.is_suggestion]

    def to_json(self) -> dict:
        data = _ADAPTER.dump_python(self, mode="json")
        data["format"] = SNAPSHOT_FORMAT
        return data

    @classmethod
    def from_json(cls, data: dict) -> ReportSnapshot:
        """A stored snapshot of any format (see the module's table)."""
        return _ADAPTER.validate_python(_upgraded(data))


_ADAPTER = TypeAdapter(ReportSnapshot)

_FORMAT_1_MILESTONE_STATES = {"met": "met", "met late": "met_late", "not met": "overdue"}


def _upgraded(data: dict) -> dict:
    """The stored dict in format 3's shape.

    Format 1 reports were always as at their quarter's end and said "met", "met late" or
    "not met" of a milestone; formats 1 and 2 stored the overdue, completed and stale lists
    and milestones due beside the rows (they were tagged copies of the rows, so they are
    dropped and derived again); format 3 tags each action and milestone with its
    recommendation's reference and each recommendation with its kind."""
    stored = data.get("format", 1)
    if stored >= SNAPSHOT_FORMAT:
        return data

    def milestone(row: dict, action: str, recommendation: str) -> dict:
        state = row["state"]
        if stored == 1:
            state = _FORMAT_1_MILESTONE_STATES[state]
        return row | {"state": state, "action": action, "recommendation": recommendation}

    def action(row: dict, recommendation: str) -> dict:
        return row | {
            "recommendation": recommendation,
            "is_stale": row.get("is_stale", False),
            "revised_target_date": row.get("revised_target_date"),
            "milestones_due": [
                milestone(m, row["reference"], recommendation) for m in row["milestones_due"]
            ],
        }

    recommendations = [
        rec
        | {
            "kind": rec.get("kind", RecommendationKind.RECOMMENDATION),
            "actions": [action(a, rec["reference"]) for a in rec["actions"]],
        }
        for rec in data["recommendations"]
    ]
    milestones = [m for rec in recommendations for a in rec["actions"] for m in a["milestones_due"]]
    headline = {
        # Format 1 knew nothing of staleness and counted milestones not met only in its list.
        "stale": 0,
        "milestones_overdue": sum(m["state"] == MilestoneState.OVERDUE for m in milestones),
    } | data["headline"]
    derived = ("overdue", "completed", "stale", "milestones_due")
    return {key: value for key, value in data.items() if key not in derived} | {
        "format": SNAPSHOT_FORMAT,
        "as_at": data.get("as_at", data["quarter"]["end"]),
        "provisional": data.get("provisional", False),
        "headline": headline,
        "recommendations": recommendations,
    }
