"""Statuses of actions, the RAG colour and direction-of-travel words that go with them.

Colour is never the only signal: every RAG value and direction has a word, and directions an
arrow, so that pages, exports and the PDF say the same thing the same way."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    BLUE = "blue", "Blue"
    GREY = "grey", "Grey"

    @property
    def css_class(self) -> str:
        return f"app-tag--{self.value}"

    @property
    def hex(self) -> str:
        """Fill colours for charts and the PDF (GOV.UK palette; text on them is black or white)."""
        return {
            "green": "#00703c",
            "amber": "#f47738",
            "red": "#d4351c",
            "blue": "#1d70b8",
            "grey": "#505a5f",
        }[self.value]


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed / superseded"

    @property
    def rag(self) -> Rag:
        return _RAG[self]

    @property
    def rag_meaning(self) -> str:
        """The RAG colour in the words councillors read."""
        return _RAG_MEANING[self]

    @property
    def is_done(self) -> bool:
        return self in (ActionStatus.COMPLETE, ActionStatus.CLOSED)

    @property
    def needs_commentary(self) -> bool:
        return self in (ActionStatus.AT_RISK, ActionStatus.OFF_TRACK, ActionStatus.COMPLETE)

    @property
    def rank(self) -> int:
        """Higher is healthier; direction of travel compares ranks."""
        return _RANK[self]

    @classmethod
    def rollup(cls, statuses: Iterable[str]) -> ActionStatus | None:
        """A recommendation's status from its actions': the worst open one wins.

        None when there are no actions yet."""
        found = {cls(status) for status in statuses}
        if not found:
            return None
        return next(status for status in cls.ROLLUP_ORDER if status in found)


# Which of its actions' statuses a recommendation takes: the first found in this order, so the
# worst open one wins and it is Complete only when nothing is open. ``rollup`` and the database
# version of it (``actions.selectors.recommendations_with_rollup``) both read this.
ActionStatus.ROLLUP_ORDER = (
    ActionStatus.OFF_TRACK,
    ActionStatus.AT_RISK,
    ActionStatus.ON_TRACK,
    ActionStatus.NOT_STARTED,
    ActionStatus.COMPLETE,
    ActionStatus.CLOSED,
)

_RAG = {
    ActionStatus.NOT_STARTED: Rag.GREY,
    ActionStatus.ON_TRACK: Rag.GREEN,
    ActionStatus.AT_RISK: Rag.AMBER,
    ActionStatus.OFF_TRACK: Rag.RED,
    ActionStatus.COMPLETE: Rag.BLUE,
    ActionStatus.CLOSED: Rag.GREY,
}
_RAG_MEANING = {
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.ON_TRACK: "On track",
    ActionStatus.AT_RISK: "Some slippage, being managed",
    ActionStatus.OFF_TRACK: "Off track, needs intervention",
    ActionStatus.COMPLETE: "Achieved",
    ActionStatus.CLOSED: "Closed or superseded",
}
_RANK = {
    ActionStatus.OFF_TRACK: 0,
    ActionStatus.AT_RISK: 1,
    ActionStatus.NOT_STARTED: 2,
    ActionStatus.ON_TRACK: 3,
    ActionStatus.COMPLETE: 4,
    ActionStatus.CLOSED: 4,
}


class Direction(models.TextChoices):
    """Direction of travel between two quarter-ends."""

    IMPROVED = "improved", "Improved"
    UNCHANGED = "unchanged", "No change"
    WORSENED = "worsened", "Worsened"
    NEW = "new", "New since last quarter"

    @property
    def arrow(self) -> str:
        return {"improved": "↑", "unchanged": "→", "worsened": "↓", "new": "★"}[self.value]

    @classmethod
    def between(cls, previous: str | None, current: str | None) -> Direction:
        """Compare the status at the previous quarter-end with the status now.

        ``previous`` is None when the action did not exist at the previous quarter-end."""
        if previous is None:
            return cls.NEW
        if current is None:
            return cls.UNCHANGED
        before, after = ActionStatus(previous).rank, ActionStatus(current).rank
        if after > before:
            return cls.IMPROVED
        if after < before:
            return cls.WORSENED
        return cls.UNCHANGED


class UpdateSource(models.TextChoices):
    WEB = "web", "Entered in the tracker"
    IMPORT = "import", "Imported from a spreadsheet"
    CORRECTION = "correction", "Correction by the performance team"
    SAMPLE = "sample", "Sample data"


class Approval(models.TextChoices):
    """Where a progress update stands when its council asks for approval before updates count
    (``Council.updates_need_approval``). Only not-needed and accepted updates count."""

    NOT_NEEDED = "not_needed", "Approval not needed"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned"

    @classmethod
    def counting(cls) -> list[str]:
        return [cls.NOT_NEEDED, cls.ACCEPTED]


class TaskState(models.TextChoices):
    """An action on the owner's to-do list for a quarter, from its latest update since the
    quarter began (GOV.UK task list statuses)."""

    RETURNED = "returned", "Returned"
    TO_DO = "to_do", "To do"
    SUBMITTED = "submitted", "Submitted"
    UPDATED = "updated", "Updated"

    @classmethod
    def from_approval(cls, approval: str | None) -> TaskState:
        """``approval`` of the latest update this quarter; None when there is none yet."""
        if approval is None:
            return cls.TO_DO
        return {
            Approval.RETURNED: cls.RETURNED,
            Approval.SUBMITTED: cls.SUBMITTED,
        }.get(approval, cls.UPDATED)

    @property
    def needs_doing(self) -> bool:
        return self in (TaskState.RETURNED, TaskState.TO_DO)

    @property
    def tag_class(self) -> str:
        """GOV.UK task list colours: to do is blue, returned red, submitted yellow, done plain."""
        return {
            "returned": "govuk-tag govuk-tag--red",
            "to_do": "govuk-tag govuk-tag--blue",
            "submitted": "govuk-tag govuk-tag--yellow",
            "updated": "govuk-tag govuk-tag--green",
        }[self.value]
