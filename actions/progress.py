"""What the action plan said on a day: the one read behind every figure Cabinet sees.

The dashboard, the recommendation and action tables, the charts, the CSV and XLSX downloads and
the Cabinet report's snapshot are adapters over ``plan_as_at`` (or, for a table that filters in
the database, over ``Action.objects.as_at``, which this reads), so one figure has one answer.

What each state of an action means at the end of a day ``day``:

================================  ===============  =======  =======  ========  ===========
the action on ``day``             status           counted  overdue  stale     direction
================================  ===============  =======  =======  ========  ===========
before its start date             None            no (a    never    never     —
                                                   later
                                                   start)
undated or begun, no update yet   Not started      yes      past     yes       New if it
                                                            target             was not
                                                                               begun at
                                                                               the
                                                                               previous
                                                                               day
latest counted update by ``day``  that update's    yes      open     open and  compared
                                                            and      no update with the
                                                            past     since the previous
                                                            (revised) quarter   day's
                                                            target   began     status
corrected                         the correcting   yes      as above as above  as above
                                  entry's (it is
                                  the later one)
closed / superseded               Closed           yes      never    never     as above
completed late                    Complete         yes      never    never     as above;
                                                                               milestones
                                                                               "met late"
================================  ===============  =======  =======  ========  ===========

An update counts when ``ProgressUpdate.objects.counted`` includes it; an update recorded after
``day`` never does. A milestone's state on the day is one ``MilestoneState``: nothing due after
``day`` is ever overdue."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Count, Prefetch

from actions.choices import ActionStatus, Direction, Rag
from actions.models import Action, Milestone
from actions.plan_cache import cached_read
from reviews.choices import RecommendationKind
from reviews.models import Recommendation, Review
from tracker.people import display_name
from tracker.quarters import FinancialQuarter, previous_quarter_end


class MilestoneState(models.TextChoices):
    MET = "met", "Met"
    MET_LATE = "met_late", "Met late"
    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Still to come"

    @classmethod
    def on(cls, day: dt.date, *, due_date: dt.date, completed_on: dt.date | None):
        """A milestone's state at the end of ``day``: a completion after ``day`` had not
        happened yet, and a milestone due on or after ``day`` is not overdue."""
        if completed_on is not None and completed_on <= day:
            return cls.MET if completed_on <= due_date else cls.MET_LATE
        return cls.OVERDUE if due_date < day else cls.DUE

    @property
    def is_met(self) -> bool:
        return self in (MilestoneState.MET, MilestoneState.MET_LATE)


def rolled_up_direction(statuses: Iterable[tuple[str | None, str | None]]) -> Direction | None:
    """A recommendation's direction of travel from its actions' (status on the day, status on
    the previous day) pairs: its rolled-up status then against before. None with no action
    under way."""
    pairs = list(statuses)
    now = ActionStatus.rollup(s for s, _ in pairs if s)
    if now is None:
        return None
    return Direction.between(ActionStatus.rollup(b for _, b in pairs if b), now)


@dataclass(frozen=True)
class MilestoneRow:
    pk: int
    title: str
    due_date: dt.date
    completed_on: dt.date | None  # None if not completed by the day
    state: MilestoneState


@dataclass(frozen=True)
class ActionRow:
    """One action as the plan stood at the end of the day."""

    pk: int
    reference: str
    description: str
    recommendation_id: int
    lead_officer: str
    directorate: str
    start_date: dt.date | None
    target_date: dt.date | None  # as originally agreed
    revised_target_date: dt.date | None  # the latest revision recorded by the day
    status: ActionStatus | None  # None: not begun by the day
    previous_status: ActionStatus | None
    direction: Direction
    percent: int
    commentary: str
    updated_at: dt.datetime | None  # when the latest counted update was recorded
    is_overdue: bool
    is_stale: bool
    is_sample: bool
    milestones: tuple[MilestoneRow, ...]

    @property
    def rag(self) -> Rag | None:
        return self.status.rag if self.status else None

    @property
    def has_begun(self) -> bool:
        return self.status is not None

    @property
    def is_open(self) -> bool:
        return self.status is not None and not self.status.is_done

    @property
    def done_since_previous(self) -> bool:
        return bool(self.status and self.status.is_done) and not (
            self.previous_status and self.previous_status.is_done
        )


@dataclass(frozen=True)
class RecommendationRow:
    pk: int
    review_id: int
    number: int
    reference: str
    title: str
    text: str
    theme: str
    kind: RecommendationKind  # a formal recommendation, or a peer suggestion made beside them
    actions: tuple[ActionRow, ...]  # begun by the day
    later_starts: tuple[ActionRow, ...]
    lead_member: str = ""  # the lead Cabinet member's name (today's, not as at the day)
    lead_officer: str = ""
    closed_on: dt.date | None = None  # closed by the day: its work continues elsewhere
    continues_in: str = ""

    @property
    def status(self) -> ActionStatus | None:
        """The worst open action wins (``ActionStatus.rollup``); None without actions."""
        return ActionStatus.rollup(a.status for a in self.actions)

    @property
    def rag(self) -> Rag | None:
        return self.status.rag if self.status else None

    @property
    def direction(self) -> Direction | None:
        return rolled_up_direction((a.status, a.previous_status) for a in self.actions)


@dataclass(frozen=True)
class PlanProgress:
    """The plan of some reviews at the end of ``day``, compared with ``previous_day``."""

    day: dt.date
    previous_day: dt.date
    recommendations: tuple[RecommendationRow, ...]
    themes: dict[int, str]  # recommendation pk -> theme title ("No theme")

    @property
    def quarter(self) -> FinancialQuarter:
        return FinancialQuarter.containing(self.day)

    @cached_property
    def actions(self) -> tuple[ActionRow, ...]:
        """Every action begun by the day, in plan order."""
        return tuple(a for r in self.recommendations for a in r.actions)

    @cached_property
    def later_starts(self) -> tuple[ActionRow, ...]:
        return tuple(a for r in self.recommendations for a in r.later_starts)

    def recommendation(self, pk: int) -> RecommendationRow | None:
        return self._by_pk.get(pk)

    @cached_property
    def _by_pk(self) -> dict[int, RecommendationRow]:
        return {r.pk: r for r in self.recommendations}

    @cached_property
    def status_counts(self) -> dict[ActionStatus, int]:
        counts = Counter(a.status for a in self.actions)
        return {status: counts[status] for status in ActionStatus}

    @cached_property
    def rag_counts(self) -> dict[Rag, int]:
        counts = Counter(a.rag for a in self.actions)
        return {rag: counts[rag] for rag in Rag}

    @cached_property
    def direction_counts(self) -> dict[Direction, int]:
        counts = Counter(a.direction for a in self.actions)
        return {direction: counts[direction] for direction in Direction}

    @cached_property
    def recommendation_direction_counts(self) -> dict[Direction, int]:
        counts = Counter(r.direction for r in self.recommendations if r.direction)
        return {direction: counts[direction] for direction in Direction}

    @cached_property
    def rag_by_theme(self) -> list[tuple[str, dict[Rag, int]]]:
        """RAG counts of the actions under each theme, in the order themes first appear."""
        themes: dict[str, Counter] = {}
        for recommendation in self.recommendations:
            counts = themes.setdefault(self.themes[recommendation.pk], Counter())
            counts.update(a.rag for a in recommendation.actions)
        return [
            (theme, {rag: counts[rag] for rag in Rag})
            for theme, counts in themes.items()
            if sum(counts.values())
        ]

    @property
    def overdue(self) -> list[ActionRow]:
        return [a for a in self.actions if a.is_overdue]

    @property
    def stale(self) -> list[ActionRow]:
        return [a for a in self.actions if a.is_stale]

    @property
    def done_since_previous(self) -> list[ActionRow]:
        return [a for a in self.actions if a.done_since_previous]

    def milestones(self, *, due_from: dt.date | None = None, due_to: dt.date | None = None):
        """(action, milestone) pairs of begun actions, due between the two days if given."""
        return [
            (action, milestone)
            for action in self.actions
            for milestone in action.milestones
            if (due_from is None or milestone.due_date >= due_from)
            and (due_to is None or milestone.due_date <= due_to)
        ]

    @cached_property
    def milestones_due(self) -> dict[str, int]:
        """Milestones due by the day: how many, met on time, and overdue."""
        due = [m for _, m in self.milestones(due_to=self.day)]
        return {
            "due": len(due),
            "met_on_time": sum(m.state == MilestoneState.MET for m in due),
            "overdue": sum(m.state == MilestoneState.OVERDUE for m in due),
        }

    @property
    def is_sample(self) -> bool:
        return any(a.is_sample for a in (*self.actions, *self.later_starts))


def _action_row(action: Action, day: dt.date) -> ActionRow:
    revised = action.target_then if action.target_then != action.target_date else None
    return ActionRow(
        pk=action.pk,
        reference=action.reference,
        description=action.description,
        recommendation_id=action.recommendation_id,
        lead_officer=display_name(action.lead_officer),
        directorate=action.directorate.name if action.directorate else "",
        start_date=action.start_date,
        target_date=action.target_date,
        revised_target_date=revised,
        status=ActionStatus(action.status_then) if action.status_then else None,
        previous_status=ActionStatus(action.status_before) if action.status_before else None,
        direction=Direction(action.direction_then),
        percent=action.percent_then,
        commentary=action.commentary_then,
        updated_at=action.updated_then,
        is_overdue=bool(action.overdue_then),
        is_stale=bool(action.stale_then),
        is_sample=action.is_sample,
        milestones=tuple(
            MilestoneRow(
                pk=m.pk,
                title=m.title,
                due_date=m.due_date,
                completed_on=m.completed_on if m.completed_on and m.completed_on <= day else None,
                state=MilestoneState.on(day, due_date=m.due_date, completed_on=m.completed_on),
            )
            for m in action.milestones.all()
        ),
    )


def plan_as_at(
    *, reviews: list[Review], day: dt.date, previous_day: dt.date | None = None
) -> PlanProgress:
    """The plan of ``reviews`` at the end of ``day``, compared with ``previous_day`` (default:
    the end of the previous quarter). Cached per council, reviews and days until a write
    changes the plan (``actions.plan_cache``): one small query when cached, otherwise three
    more whatever the size of the plan (recommendations, actions as at the day, milestones)."""
    previous_day = previous_day or previous_quarter_end(day)
    return cached_read(
        "plan_as_at",
        reviews=reviews,
        day=day,
        previous_day=previous_day,
        read=lambda: _plan_read(reviews=reviews, day=day, previous_day=previous_day),
    )


def _plan_read(*, reviews: list[Review], day: dt.date, previous_day: dt.date) -> PlanProgress:
    review_ids = [review.pk for review in reviews]
    actions = (
        Action.objects.filter(recommendation__review__in=review_ids)
        .as_at(day, previous_day)
        .select_related("lead_officer", "directorate")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_date")))
        .order_by("recommendation", "reference")
    )
    by_recommendation: dict[int, list[ActionRow]] = {}
    for action in actions:
        by_recommendation.setdefault(action.recommendation_id, []).append(_action_row(action, day))
    rows, themes = [], {}
    recommendations = (
        Recommendation.objects.filter(review__in=review_ids)
        .select_related("theme", "lead_member", "lead_officer")
        .order_by("review__onsite_start", "review", "number")
    )
    for recommendation in recommendations:
        actions_of = by_recommendation.get(recommendation.pk, [])
        themes[recommendation.pk] = (
            recommendation.theme.title if recommendation.theme else "No theme"
        )
        rows.append(
            RecommendationRow(
                pk=recommendation.pk,
                review_id=recommendation.review_id,
                number=recommendation.number,
                reference=recommendation.reference,
                title=recommendation.title,
                text=recommendation.text,
                theme=recommendation.theme.title if recommendation.theme else "",
                kind=RecommendationKind(recommendation.kind),
                actions=tuple(a for a in actions_of if a.has_begun),
                later_starts=tuple(a for a in actions_of if not a.has_begun),
                lead_member=display_name(recommendation.lead_member),
                lead_officer=display_name(recommendation.lead_officer),
                **(
                    {
                        "closed_on": recommendation.closed_on,
                        "continues_in": recommendation.continues_in,
                    }
                    if recommendation.closed_on and recommendation.closed_on <= day
                    else {}
                ),
            )
        )
    return PlanProgress(
        day=day, previous_day=previous_day, recommendations=tuple(rows), themes=themes
    )


def status_counts_by_quarter(
    *, reviews: list[Review], quarters: list[FinancialQuarter], today: dt.date
) -> list[tuple[FinancialQuarter, dict[ActionStatus, int]]]:
    """How many actions stood at each status at the end of each quarter (or ``today``, for a
    quarter not ended yet), one grouped query per quarter, by the rule ``plan_as_at`` reads;
    cached as ``plan_as_at`` is."""
    return cached_read(
        "status_counts_by_quarter",
        reviews=reviews,
        day=today,
        previous_day=None,
        extra=",".join(q.label for q in quarters),
        read=lambda: _status_counts_read(reviews=reviews, quarters=quarters, today=today),
    )


def _status_counts_read(*, reviews, quarters, today):
    actions = Action.objects.filter(recommendation__review__in=[r.pk for r in reviews])
    rows = []
    for quarter in quarters:
        counted = (
            actions.with_status_at(min(quarter.end, today), name="status_on_day")
            .filter(status_on_day__isnull=False)
            .values("status_on_day")
            .annotate(count=Count("pk"))
            .order_by()
        )
        found = {ActionStatus(row["status_on_day"]): row["count"] for row in counted}
        rows.append((quarter, {status: found.get(status, 0) for status in ActionStatus}))
    return rows
