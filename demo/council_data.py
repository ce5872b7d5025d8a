"""Writes that create or change several peer-review records at once."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from reports.choices import Audience
from reports.models import SCRUTINY_DEFAULTS, ReportSettings
from reviews.models import (
    Council,
    Directorate,
    PeerFeedback,
    PeerTeamMember,
    Portfolio,
    Recommendation,
    RecommendationLink,
    Review,
    Theme,
)


@dataclass
class LoadCounts:
    """How many rows a load created and changed, per model name."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def record(self, label: str, created: bool, changed: bool) -> None:
        bucket = self.created if created else self.updated if changed else None
        if bucket is not None:
            bucket[label] = bucket.get(label, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _upsert(model, counts: LoadCounts, lookup: dict, values: dict):
    """update_or_create that only writes, and only counts, when a value really differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        counts.record(model._meta.verbose_name, created=True, changed=True)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
        counts.record(model._meta.verbose_name, created=False, changed=True)
    return obj


@transaction.atomic
def council_data_load(*, data: dict) -> LoadCounts:
    """Load a council's reviews, themes, recommendations, feedback and links from the shipped
    data file. Safe to run again: rows are matched on their natural keys and only real
    differences are written."""
    counts = LoadCounts()
    council = _upsert(
        Council,
        counts,
        {"short_name": data["council"]["short_name"]},
        {"name": data["council"]["name"]},
    )
    for item in data.get("directorates", []):
        _upsert(Directorate, counts, {"council": council, "name": item["name"]}, {})
    for item in data.get("portfolios", []):
        _upsert(Portfolio, counts, {"council": council, "name": item["name"]}, {})

    report_settings_load(council=council, data=data.get("report_settings", {}), counts=counts)

    reviews, themes_by_review = {}, {}
    for item in sorted(data["reviews"], key=lambda r: r["onsite_start"]):
        review = _upsert(
            Review,
            counts,
            {"slug": item["slug"]},
            {
                "council": council,
                "kind": item["kind"],
                "title": item["title"],
                "summary": item.get("summary") or "",
                "onsite_start": _date(item["onsite_start"]),
                "onsite_end": _date(item["onsite_end"]),
                "report_published": _date(item.get("report_published")),
                "follows_up": reviews.get(item.get("follows_up")),
                "action_plan_due": _date(item.get("action_plan_due")),
                "progress_review_due": _date(item.get("progress_review_due")),
                "next_cpc_due": _date(item.get("next_cpc_due")),
                "deadlines_note": item.get("deadlines_note") or "",
                "source_document": item.get("source_document") or "",
            },
        )
        reviews[review.slug] = review
        for position, peer in enumerate(item.get("peer_team", []), start=1):
            _upsert(
                PeerTeamMember,
                counts,
                {"review": review, "position": position},
                {
                    "name": peer["name"],
                    "role": peer.get("role") or "",
                    "organisation": peer.get("organisation") or "",
                },
            )
        themes = {
            theme["number"]: _upsert(
                Theme,
                counts,
                {"review": review, "number": theme["number"]},
                {"title": theme["title"], "description": theme.get("description") or ""},
            )
            for theme in item.get("themes", [])
        }
        for rec in item.get("recommendations", []):
            _upsert(
                Recommendation,
                counts,
                {"review": review, "number": rec["number"]},
                {
                    "title": rec["title"],
                    "text": rec.get("text") or "",
                    "theme": themes.get(rec.get("theme")),
                },
            )
        themes_by_review[review.slug] = themes

    def recommendation(ref):
        return Recommendation.objects.get(review=reviews[ref["review"]], number=ref["number"])

    for item in data["reviews"]:
        review = reviews[item["slug"]]
        for feedback in item.get("feedback", []):
            _upsert(
                PeerFeedback,
                counts,
                {"review": review, "recommendation": recommendation(feedback["recommendation"])},
                {
                    "theme": themes_by_review[review.slug].get(feedback.get("theme")),
                    "text": feedback["text"],
                },
            )
    for link in data.get("links", []):
        _upsert(
            RecommendationLink,
            counts,
            {"later": recommendation(link["from"]), "earlier": recommendation(link["to"])},
            {
                "kind": link["kind"],
                "evidence": link.get("evidence") or "",
                "evidence_source": link.get("evidence_source") or "",
            },
        )
    return counts


def report_settings_load(*, council: Council, data: dict, counts: LoadCounts | None = None):
    """The council's own front sheet wording (its contact officer, website, who reports), per
    audience, from its data file; fields it does not give keep the neutral model defaults."""
    counts = counts if counts is not None else LoadCounts()
    for audience, values in data.items():
        start = SCRUTINY_DEFAULTS if audience == Audience.SCRUTINY else {}
        _upsert(ReportSettings, counts, {"council": council, "audience": audience}, start | values)
    return counts
