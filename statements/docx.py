"""The position statement as a Word document, from the same context as the PDF, with the
Cabinet report's Word helpers (``reports.docx``): heading styles in order, the document's
title and language set, every text added as runs so nothing typed is read as markup."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from reports.docx import LANGUAGE, _blocks, _language
from statements.rendering import statement_context


def statement_docx(statement, *, sections=None) -> bytes:
    context = statement_context(statement, sections=sections)
    document = Document()
    _language(document, LANGUAGE)
    properties = document.core_properties
    properties.title = context["title"]
    properties.author = context["council"]
    properties.subject = f"Progress review position statement: {context['review'].title}"
    properties.language = LANGUAGE
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    as_at = f"{context['as_at']:%-d %B %Y}" if context["as_at"] else ""

    document.add_paragraph(context["council"]).runs[0].bold = True
    document.add_heading(context["title"], level=1)
    document.add_paragraph(
        f"The action plan as at {as_at}. Prepared for the Local Government Association's "
        "progress review."
    )
    if context["is_draft"]:
        document.add_paragraph("Draft: not yet sent to the Local Government Association.")
    if context["is_sample"]:
        document.add_paragraph(
            "The action plan, milestones and progress updates in this statement are "
            "illustrative sample data. They are not the council's published action plan."
        )
    if context["introduction"]:
        document.add_heading("Introduction", level=2)
        _blocks(document, context["introduction"])
    for theme in context["themes"]:
        document.add_heading(theme["title"], level=2)
        document.add_heading(context["journey_heading"], level=3)
        if theme["journey"]:
            _blocks(document, theme["journey"])
        else:
            document.add_paragraph("Not written yet.")
        for rec in theme["recommendations"]:
            document.add_heading(f"{rec['reference']} {rec['title']}", level=3)
            status = rec["status_label"] + (f" ({rec['rag_label']})" if rec["rag_label"] else "")
            line = f"Status as at {as_at}: {status}"
            if rec["direction_choice"]:
                line += f". Direction of travel: {rec['arrow']} {rec['direction_label']}"
            document.add_paragraph(line + ".")
            document.add_heading(context["have_heading"], level=4)
            _blocks(document, rec["have"])
            document.add_heading(context["next_heading"], level=4)
            _blocks(document, rec["next"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
