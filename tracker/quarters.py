"""The UK local-government financial year: 1 April to 31 March, in quarters Q1 (April-June) to Q4
(January-March). Every date-to-quarter rule in the app goes through this module."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

FIRST_MONTH = 4  # April
_SLUG_PATTERN = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2})\s*[- ]?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    """A quarter of the financial year that starts on 1 April of ``start_year``."""

    start_year: int
    number: int

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"A financial quarter is numbered 1 to 4, not {self.number}")
        if not 1900 <= self.start_year <= 9998:
            raise ValueError(f"{self.start_year} is not a plausible financial year")

    def __str__(self) -> str:
        return self.label

    @classmethod
    def containing(cls, day: dt.date) -> FinancialQuarter:
        months_into_year = (day.month - FIRST_MONTH) % 12
        start_year = day.year if day.month >= FIRST_MONTH else day.year - 1
        return cls(start_year, months_into_year // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> FinancialQuarter:
        """Read '2024-25-Q1', '2024/25 Q1' or '2024-25 Q1'; the two years must be consecutive."""
        match = _SLUG_PATTERN.match(text or "")
        if not match:
            raise ValueError(f"{text!r} is not a financial quarter such as 2024-25-Q1")
        start_year, end_suffix, number = int(match[1]), int(match[2]), int(match[3])
        if (start_year + 1) % 100 != end_suffix:
            raise ValueError(f"{text!r}: {start_year}/{end_suffix:02d} is not one financial year")
        return cls(start_year, number)

    @property
    def financial_year_label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.financial_year_label} Q{self.number}"

    @property
    def slug(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}-Q{self.number}"

    @property
    def start(self) -> dt.date:
        month = FIRST_MONTH + 3 * (self.number - 1)
        year = self.start_year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        last_month_start = self.start.replace(day=1)
        month = last_month_start.month + 2
        year = last_month_start.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    @property
    def months_label(self) -> str:
        """'April to June 2024', as the front sheet of a Cabinet report would say it."""
        first, last = self.start, self.end
        if first.year == last.year:
            return f"{first:%B} to {last:%B %Y}"
        return f"{first:%B %Y} to {last:%B %Y}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> FinancialQuarter:
        if self.number == 1:
            return FinancialQuarter(self.start_year - 1, 4)
        return FinancialQuarter(self.start_year, self.number - 1)

    def next(self) -> FinancialQuarter:
        if self.number == 4:
            return FinancialQuarter(self.start_year + 1, 1)
        return FinancialQuarter(self.start_year, self.number + 1)

    def last(self, count: int) -> list[FinancialQuarter]:
        """This quarter and the ``count - 1`` before it, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.insert(0, quarters[0].previous())
        return quarters

    @classmethod
    def spanning(cls, first: dt.date, last: dt.date) -> list[FinancialQuarter]:
        """Every quarter from the one containing ``first`` to the one containing ``last``."""
        quarter, end = cls.containing(first), cls.containing(last)
        quarters = []
        while quarter <= end:
            quarters.append(quarter)
            quarter = quarter.next()
        return quarters


def quarter_choices(quarters: list[FinancialQuarter], *, today: dt.date) -> list[tuple[str, str]]:
    """Quarters to pick from a list, newest first, the one still running marked as such."""
    current = FinancialQuarter.containing(today)

    def label(quarter):
        if quarter == current:
            return f"{quarter.label} ({quarter.months_label}), in progress: as at today"
        if quarter > current:
            return f"{quarter.label} ({quarter.months_label}), not started yet"
        return f"{quarter.label} ({quarter.months_label})"

    return [(q.slug, label(q)) for q in sorted(quarters, reverse=True)]


def previous_quarter_end(day: dt.date) -> dt.date:
    """The end of the quarter before the one containing ``day``: what direction of travel
    compares ``day`` with."""
    return FinancialQuarter.containing(day).previous().end
