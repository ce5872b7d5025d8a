"""A position statement as one context, drawn by the PDF template, the browser preview and the
Word file alike. Section texts go through ``reports.rendering.text_blocks`` (paragraphs and
lists, escaped by the template): nothing anyone typed is ever read as HTML."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from actions.choices import Direction, Rag
from reports.rendering import text_blocks
from statements.choices import SectionKind


def _rag(value: str | None) -> Rag | None:
    return Rag(value) if value else None


def statement_context(statement, *, sections=None, for_screen: bool = False) -> dict:
    """``sections``: the statement's sections (rows or dicts with key, kind, text); by default
    its saved ones. The command line passes unsaved ones for a draft it does not keep."""
    if sections is None:
        sections = list(statement.sections.all())
    by_key = {_get(s, "key"): _get(s, "text") for s in sections}
    snapshot = statement.snapshot
    themes = []
    for theme in snapshot.get("themes", []):
        recommendations = []
        for row in theme["recommendations"]:
            recommendations.append(
                {
                    **row,
                    "rag_class": f"rag-{_rag(row.get('rag')) or Rag.GREY}",
                    "direction_choice": Direction(row["direction"])
                    if row.get("direction")
                    else None,
                    "have": text_blocks(by_key.get(f"rec-{row['pk']}-have", "")),
                    "next": text_blocks(by_key.get(f"rec-{row['pk']}-next", "")),
                }
            )
        themes.append(
            {
                "title": theme["title"],
                "journey": text_blocks(by_key.get(theme["key"], "")),
                "recommendations": recommendations,
            }
        )
    return {
        "statement": statement,
        "title": statement.title,
        "council": statement.council.name,
        "review": statement.review,
        "as_at": dt.date.fromisoformat(snapshot["as_at"]) if snapshot.get("as_at") else None,
        "introduction": text_blocks(by_key.get("introduction", "")),
        "themes": themes,
        "is_sample": snapshot.get("is_sample", False),
        "is_draft": not statement.is_issued,
        "for_screen": for_screen,
        "journey_heading": SectionKind.JOURNEY.label,
        "have_heading": SectionKind.HAVE.label,
        "next_heading": SectionKind.NEXT.label,
    }


def _get(section, name):
    return section[name] if isinstance(section, dict) else getattr(section, name)


def statement_html(statement, *, sections=None, for_screen: bool = False) -> str:
    """The statement as one self-contained HTML document (its CSS inlined unless on screen)."""
    return render_to_string(
        "statements/pdf/statement.html",
        statement_context(statement, sections=sections, for_screen=for_screen),
    )
