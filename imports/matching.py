"""Finding what a plan's cells name among what the tracker already holds: directorates,
portfolios and people as people type them, and recommendations by number or by their words.

Text similarity uses the standard library's ``difflib``: a review has a few dozen
recommendations at most and each distinct cell is scored once (cached), so a C extension such
as rapidfuzz would save milliseconds, not seconds, and would be one more dependency to keep.
Nothing here writes, and nothing here ever invents a record: no match is a message."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

STRONG_MATCH = 0.80  # at or above (and clearly ahead of the next best): taken as the match
WEAK_MATCH = 0.50  # from here up to STRONG_MATCH: the closest, offered for the user to confirm


def name_key(text) -> str:
    """A name as compared: lower case, '&' read as 'and', punctuation and extra spaces gone."""
    text = str(text or "").lower().replace("&", " and ").replace("+", " and ")
    return " ".join(re.sub(r"[^a-z0-9@.]+|(?<![a-z0-9])\.|\.(?![a-z0-9])", " ", text).split())


class NameIndex:
    """Records found by their names ignoring case, punctuation and '&'/'and', or by a prefix
    that only one of them starts with. ``what`` names the kind in messages."""

    def __init__(self, records, *, names, what: str, where: str):
        self.what, self.where = what, where
        self.by_key: dict[str, list] = {}
        self.shown: dict[str, str] = {}
        self.primary: dict[int, str] = {}  # the first name of each record, for offering it
        for record in records:
            for name in names(record):
                if name and id(record) not in self.primary:
                    self.primary[id(record)] = name
                if key := name_key(name):
                    entries = self.by_key.setdefault(key, [])
                    if record not in entries:
                        entries.append(record)
                    self.shown.setdefault(key, name)
        self._cache: dict[str, object] = {}

    def find(self, text: str):
        """The one record ``text`` names; ValueError with the closest names otherwise."""
        key = name_key(text)
        if key not in self._cache:
            try:
                self._cache[key] = self._find(key, text)
            except ValueError as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, ValueError):
            raise found
        return found

    def _find(self, key: str, text: str):
        exact = self.by_key.get(key, [])
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise ValueError(
                f"More than one {self.what} is called '{text}'. Use their email address."
            )
        if len(key) >= 3:
            starting = {
                id(record): record
                for name, records in self.by_key.items()
                if name.startswith(key)
                for record in records
            }
            if len(starting) == 1:
                return next(iter(starting.values()))
            if starting:
                names = sorted(self.shown[k] for k in self.by_key if k.startswith(key))
                raise ValueError(
                    f"'{text}' could be any of {_quoted(names[:4])}. Write the full name."
                )
        offered: dict[int, str] = {}
        for close in difflib.get_close_matches(key, list(self.by_key), n=6, cutoff=0.6):
            for record in self.by_key[close]:
                offered.setdefault(id(record), self.primary[id(record)])
        closest = list(offered.values())[:3]
        offer = f" Did you mean {_quoted(closest, 'or')}?" if closest else ""
        raise ValueError(
            f"There is no {self.what} called '{text}' in {self.where}.{offer} Use a name from "
            f"the admin, or add the {self.what} there first; the import never creates one."
        )


def _quoted(names: list[str], joiner: str = "and") -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {joiner} {quoted[-1]}"


@dataclass(frozen=True)
class Match:
    """A recommendation found for a cell: how (by number or by its words) and how sure."""

    recommendation: object
    how: str  # "number" or "text"
    score: float  # 0 to 1; 1 for a match by number whose words were not compared

    def describe(self) -> str:
        reference = self.recommendation.reference
        if self.how == "number":
            return f"{reference} (by number)"
        return f"{reference} ({round(self.score * 100)}% text match)"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower()).split())


class RecommendationMatcher:
    """Scores a cell's words against a review's recommendations (title, text, and both)."""

    def __init__(self, recommendations):
        self.recommendations = list(recommendations)
        self._candidates = [
            (
                recommendation,
                {
                    _words(recommendation.title),
                    _words(f"{recommendation.title} {recommendation.text}"),
                }
                | ({_words(recommendation.text)} if recommendation.text else set()),
            )
            for recommendation in self.recommendations
        ]
        self._cache: dict[tuple, list] = {}

    def ranked(self, words: str, *, kind: str | None = None) -> list[tuple[float, object]]:
        """Every candidate of ``kind`` with its score, best first."""
        key = (_words(words), kind)
        if key not in self._cache:
            scores = [
                (max(_similarity(key[0], candidate) for candidate in candidates), recommendation)
                for recommendation, candidates in self._candidates
                if kind is None or recommendation.kind == kind
            ]
            self._cache[key] = sorted(scores, key=lambda pair: -pair[0])
        return self._cache[key]

    def score(self, words: str, recommendation) -> float:
        return next(
            (score for score, found in self.ranked(words) if found.pk == recommendation.pk), 0.0
        )


def _similarity(cell: str, candidate: str) -> float:
    """How alike two texts are: difflib's ratio, also against the candidate's opening when the
    cell quotes only the start of it (plans often give the bold title and its first words)."""
    if not cell or not candidate:
        return 0.0
    matcher = difflib.SequenceMatcher(None, cell, candidate, autojunk=False)
    best = matcher.ratio() if matcher.real_quick_ratio() > WEAK_MATCH / 2 else 0.0
    if len(cell) >= 25 and len(candidate) > len(cell) * 1.3:
        opening = candidate[: len(cell)]
        best = max(best, difflib.SequenceMatcher(None, cell, opening, autojunk=False).ratio())
    if len(candidate) >= 25 and len(cell) > len(candidate) * 1.3:
        opening = cell[: len(candidate)]
        best = max(best, difflib.SequenceMatcher(None, opening, candidate, autojunk=False).ratio())
    return best
