"""The Cabinet report as a Word document for democratic services, who build agendas from Word.

Drawn from the same context as the PDF (``rendering.document_context``: the same frozen
snapshot, front sheet and exceptions), with python-docx rather than docxtpl: the report is
mostly generated tables whose rows come from data, which python-docx builds directly, whereas
docxtpl would need a Word template kept in step with the HTML one by hand. Accessible as Word
understands it: heading styles in order, real tables whose header row repeats on each page,
every chart as an image with alt text (the SVG the PDF draws, as PNG through CairoSVG: Word
cannot be relied on to show SVG) beside its data table, title and language set.

Everything is added as text runs, so nothing a user typed is ever read as markup."""

from __future__ import annotations

import io

import cairosvg
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.rendering import document_context, front_sheet_of
from reports.snapshot import SnapshotAction, SnapshotMilestone, SnapshotRecommendation

LANGUAGE = "en-GB"


def _language(document, language: str) -> None:
    """The default language of every run, as Word's proofing and screen readers read it."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault"))
    properties = run_defaults.find(qn("w:rPr"))
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


# Pixels across a chart's PNG: sharp in print at the text width (about 300 dpi at 16 cm).
CHART_PIXELS = 1800


def _chart_picture(document, svg: str, *, alt: str, title: str) -> None:
    """One chart as a PNG at the text width, with its alt text (``descr``) and title on the
    drawing, where Word and screen readers look for them."""
    png = cairosvg.svg2png(bytestring=str(svg).encode("utf-8"), output_width=CHART_PIXELS)
    document.add_picture(io.BytesIO(png), width=_text_width(document))
    drawing = document.paragraphs[-1]._p.xpath(".//wp:docPr")[0]
    drawing.set("descr", alt)
    drawing.set("title", title)


def _text_width(document) -> int:
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _table(
    document,
    columns: list[str],
    rows: list[list],
    *,
    caption: str = "",
    widths: list[float],
):
    """A table across the text width with a header row that repeats on every page and row
    headers in bold; ``widths`` are the columns' shares of the text width (Word wants them on
    every cell). Give them: LibreOffice and Word otherwise split the width evenly, leaving a
    reference column as wide as the commentary beside it."""
    if caption:
        document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, title in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(title)).bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.paragraphs[0].add_run("" if value is None else str(value)).bold = index == 0
    assert abs(sum(widths) - 1) < 0.01, "the shares fill the text width"
    table.autofit = False
    total = _text_width(document)
    for column, share in zip(table.columns, widths, strict=True):
        column.width = int(total * share)  # the grid LibreOffice and Word lay out from
    for row in table.rows:
        for cell, share in zip(row.cells, widths, strict=True):
            cell.width = int(total * share)
    return table


def _labelled(document, pairs: list[tuple[str, str]], *, caption: str = ""):
    """Label and value rows (the front sheet's layout); the label column is the header."""
    return _table(document, ["Item", "Detail"], [[label, value] for label, value in pairs],
                  caption=caption, widths=[0.4, 0.6])  # fmt: skip


def _text(document, text: str) -> None:
    for paragraph in (text or "").replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(" ".join(paragraph.split()))


def _blocks(document, blocks: list[dict]) -> None:
    for block in blocks:
        if block["kind"] == "p":
            document.add_paragraph(block["text"])
        else:
            style = "List Bullet" if block["kind"] == "ul" else "List Number"
            for item in block["items"]:
                document.add_paragraph(item, style=style)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _status(status) -> str:
    return f"{status.label} ({status.rag.label})" if status else "No actions yet"


def _direction(direction) -> str:
    return f"{direction.arrow} {direction.label}" if direction else ""


def _date(value, pattern: str = "%-d %B %Y") -> str:
    return f"{value:{pattern}}" if value else "None set"


def report_docx(report) -> bytes:
    """The report as a .docx file, from its frozen snapshot."""
    context = document_context(
        front_sheet=front_sheet_of(report), snapshot=report.frozen_snapshot, report=report
    )
    front, quarter, headline = context["front"], context["quarter"], context["headline"]
    document = Document()
    # python-docx's template is US Letter; council papers are A4, with the PDF's margins.
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(1.7)
        section.top_margin = section.bottom_margin = Cm(2)
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    _language(document, LANGUAGE)
    properties = document.core_properties
    properties.title = front["subject"]
    properties.author = front["report_of"]
    properties.language = LANGUAGE
    properties.subject = f"Report to {front['report_to']}, {front['meeting_date']:%-d %B %Y}"

    document.add_paragraph(report.council.name)
    document.add_heading(front["subject"], level=1)
    if context["provisional"]:
        document.add_paragraph(
            f"Provisional: {quarter.label} has not ended. This shows the action "
            f"plan as at {_date(context['as_at'])}; nothing due after that day is overdue."
        )
        for section in document.sections:  # on every page, as in the PDF
            section.header.paragraphs[0].text = f"Provisional: as at {_date(context['as_at'])}"
    if not report.is_issued:
        document.add_paragraph(f"Draft: not yet issued to {front['report_to']}.")
    if context["is_sample"]:
        document.add_paragraph(
            "The action plan, milestones and progress updates in this report are illustrative "
            "sample data. They are not the council's published action plan."
        )
    _labelled(
        document,
        [
            ("Report to:", front["report_to"]),
            ("Date of Meeting:", f"{front['meeting_date']:%-d %B %Y}"),
            ("Subject:", front["subject"]),
            ("Report of:", front["report_of"]),
            ("Wards Affected:", front["wards_affected"]),
            ("Portfolio:", front["portfolio"]),
            ("Is this a Key Decision:", _yes_no(front["is_key_decision"])),
            ("Included in Forward Plan:", _yes_no(front["in_forward_plan"])),
            ("Exempt / Confidential Report:", _yes_no(front["is_exempt"])),
        ],
        caption="Report details",
    )
    document.add_heading("Summary:", level=2)
    _text(document, front["summary"])
    document.add_paragraph(context["summary_figures"])
    document.add_heading("Recommendation(s):", level=2)
    _text(document, front["recommendations"])
    document.add_heading("Reasons for the Recommendation(s):", level=2)
    _text(document, front["reasons"])
    document.add_heading(
        "Alternative Options Considered and Rejected: (including any Risk Implications)", level=2
    )
    _text(document, front["alternative_options"])
    document.add_heading("What will it cost and how will it be financed?", level=2)
    document.add_heading("(A) Revenue Costs", level=3)
    _text(document, front["revenue_costs"])
    document.add_heading("(B) Capital Costs", level=3)
    _text(document, front["capital_costs"])
    document.add_heading("Implications of the Proposals:", level=2)
    _labelled(
        document,
        [
            (
                "Resource Implications (Financial, IT, Staffing and Assets):",
                front["resource_implications"],
            ),
            ("Legal Implications:", front["legal_implications"]),
            ("Equality Implications:", front["equality_implications"]),
        ],
    )
    document.add_heading("Climate Emergency Implications:", level=3)
    _labelled(
        document,
        [
            ("Have a positive impact", _yes_no(front["climate_positive"])),
            ("Have a neutral impact", _yes_no(front["climate_neutral"])),
            ("Have a negative impact", _yes_no(front["climate_negative"])),
            (
                "The Author has undertaken the Climate Emergency training for report authors",
                _yes_no(front["climate_training"]),
            ),
        ],
        caption=front["climate_implications"],
    )
    document.add_heading("Contribution to the Council's Core Purpose:", level=2)
    _labelled(document, [(f"{heading}:", text) for heading, text in context["core_purpose"]])
    document.add_heading("What consultations have taken place on the proposals and when?", level=2)
    document.add_heading("(A) Internal Consultations", level=3)
    _text(document, front["internal_consultations"])
    references = [
        f"{who} ({ref})"
        for who, ref in (
            (front["finance_officer"], front["finance_reference"]),
            (front["legal_officer"], front["legal_reference"]),
        )
        if ref
    ]
    if references:
        document.add_paragraph("Consultation references: " + "; ".join(references) + ".")
    document.add_heading("(B) External Consultations", level=3)
    _text(document, front["external_consultations"])
    document.add_heading("Implementation Date for the Decision", level=2)
    document.add_paragraph(front["implementation_date"])
    document.add_heading("Contact Officer:", level=2)
    _labelled(
        document,
        [
            ("Contact Officer:", front["contact_officer"]),
            ("Telephone Number:", front["contact_telephone"]),
            ("Email Address:", front["contact_email"]),
            ("Website:", front["website"]),
        ],
    )
    document.add_heading("Appendices:", level=2)
    _text(document, front["appendices"])
    document.add_heading("Background Papers:", level=2)
    _text(document, front["background_papers"])

    narrative, exceptions = context["narrative"], context["exceptions"]
    if narrative["progress_narrative"]:
        document.add_heading("Progress this quarter", level=2)
        _blocks(document, narrative["progress_narrative"])
    if headline.plan_complete:
        document.add_heading("The plan is complete", level=2)
        places = list(dict.fromkeys(r.continues_in for r in context["snapshot"].recommendations))
        document.add_paragraph(
            f"Every one of the {headline.recommendations} recommendations in this plan has "
            f"been closed: the work continues as business as usual ({'; '.join(places)}). "
            "This is the plan's final progress report."
        )
    if narrative.get("difference_narrative"):
        document.add_heading("What difference has it made", level=2)
        _blocks(document, narrative["difference_narrative"])
    document.add_heading(f"Matters for {front['audience_body']}'s attention", level=2)
    _blocks(document, narrative["attention_narrative"])
    document.add_paragraph(context["summary_figures"])
    document.add_heading("Recommendations off track or at risk", level=3)
    _table(
        document,
        ["Ref", "Recommendation", "Status and RAG", "Direction"],
        [
            [r.reference, r.title, _status(r.status), _direction(r.direction)]
            for r in exceptions["recommendations"]
        ],
        widths=[0.08, 0.54, 0.2, 0.18],
    )
    document.add_heading("Actions off track or at risk", level=3)
    _table(
        document,
        ["Ref", "Action", "Lead officer", "Status and RAG", "Latest commentary"],
        [
            [
                a.reference,
                a.description,
                a.lead_officer or "Not assigned",
                _status(a.status),
                (a.commentary_short or "No update reported yet.")
                + (f" Full commentary in Appendix A under {a.recommendation}."
                   if a.trimmed else ""),
            ]
            for a in exceptions["actions"]
        ],
        widths=[0.08, 0.3, 0.15, 0.13, 0.34],
    )  # fmt: skip
    document.add_heading(f"Worse than at the end of {quarter.previous_label}", level=3)
    for rec in exceptions["worsened_recommendations"]:
        document.add_paragraph(
            f"Recommendation {rec.reference} {rec.title}: now {_status(rec.status)}.",
            style="List Bullet",
        )
    for action in exceptions["worsened"]:
        document.add_paragraph(
            f"Action {action.reference} ({action.lead_officer or 'no lead officer'}): "
            f"now {_status(action.status)}.",
            style="List Bullet",
        )
    document.add_heading("Milestones due this quarter and not met", level=3)
    for milestone in exceptions["overdue_milestones"]:
        document.add_paragraph(
            f"{milestone.action} {milestone.title}: due {_date(milestone.due_date)}.",
            style="List Bullet",
        )
    document.add_heading("Open actions not updated this quarter", level=3)
    for action in exceptions["stale"]:
        when = f"last updated {_date(action.updated_on)}" if action.updated_on else "never updated"
        document.add_paragraph(
            f"{action.reference} ({action.lead_officer or 'no lead officer'}): {when}.",
            style="List Bullet",
        )

    document.add_heading("1. Background", level=2)
    for review in context["reviews"]:
        document.add_paragraph(
            f"{review.carried_out_by or 'The Local Government Association (LGA)'} "
            f"carried out the {review.title} on site "
            f"from {_date(review.onsite_start)} to {_date(review.onsite_end)}."
        )
    document.add_paragraph(
        f"This report sets out progress against the action plan as at {_date(quarter.end)}, "
        f"the end of {quarter.label} ({quarter.months})."
    )
    document.add_heading("2. Progress summary", level=2)
    document.add_heading(f"2.1 Headline figures as at {_date(quarter.end)}", level=3)
    _table(
        document,
        ["Measure", "Number"],
        [
            ["Recommendations", headline.recommendations],
            ["Actions in the plan", headline.actions],
            ["Actions complete or closed", headline.complete],
            ["Actions completed this quarter", headline.completed_this_quarter],
            ["Actions on track", headline.on_track],
            ["Actions at risk", headline.at_risk],
            ["Actions off track", headline.off_track],
            ["Actions not started", headline.not_started],
            ["Actions overdue (past their target date)", headline.overdue],
            ["Average percentage complete", f"{headline.average_percent}%"],
            ["Milestones due this quarter", headline.milestones_due],
            ["Milestones due this quarter and met", headline.milestones_met],
        ],
        widths=[0.75, 0.25],
    )
    document.add_heading("2.2 Actions by RAG status", level=3)
    _table(
        document,
        ["RAG", "Meaning", "Actions"],
        [[row["rag"].label, row["meaning"], row["count"]] for row in context["rag_rows"]],
        widths=[0.2, 0.6, 0.2],
    )
    number = 2
    for group in context["charts"]:
        number += 1
        chart = group["chart"]
        document.add_heading(f"2.{number} {chart.title}", level=3)
        # The description stays with the chart, so a heading is never left above a gap.
        document.add_paragraph(chart.description).paragraph_format.keep_with_next = True
        parts = group["parts"]
        for part, svg in enumerate(parts, start=1):
            whole = f" (part {part} of {len(parts)})" if len(parts) > 1 else ""
            _chart_picture(
                document,
                svg,
                alt=f"{chart.description}{whole} The figures follow in a table.",
                title=f"{chart.title}{whole}",
            )
        label_share = 0.3  # the row labels (themes, quarters) need room; the counts do not
        _table(
            document,
            chart.columns,
            chart.rows,
            caption=f"Data for “{chart.title}”",
            widths=[label_share]
            + [(1 - label_share) / (len(chart.columns) - 1)] * (len(chart.columns) - 1),
        )
    number += 1
    document.add_heading(
        f"2.{number} Direction of travel since the end of {quarter.previous_label}", level=3
    )
    _table(
        document,
        ["Direction", "Actions", "Recommendations"],
        [
            [_direction(row["direction"]), row["actions"], row["recommendations"]]
            for row in context["direction_rows"]
        ],
        widths=[0.4, 0.3, 0.3],
    )
    number += 1
    document.add_heading(f"2.{number} Recommendations: status and direction of travel", level=3)
    _recommendation_table(document, "Recommendation", context["recommendations"])
    if context["suggestions"]:
        document.add_heading("Peer suggestions", level=4)
        _recommendation_table(document, "Suggestion", context["suggestions"])
    for title, rows in (
        ("Overdue at the end of the quarter", context["overdue"]),
        ("Completed this quarter", context["completed"]),
    ):
        number += 1
        document.add_heading(f"2.{number} {title}", level=3)
        _table(
            document,
            ["Ref", "Action", "Lead officer", "Target date", "Status and RAG"],
            [
                [a.reference, a.description, a.lead_officer or "Not assigned",
                 _target(a), _status(a.status)]
                for a in rows
            ],
            widths=[0.08, 0.42, 0.18, 0.14, 0.18],
        )  # fmt: skip
    document.add_heading("3. Recommendation(s)", level=2)
    _text(document, front["recommendations"])

    # The appendix's wide tables go on landscape pages, as in the PDF.
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(f"Appendix A — action plan progress as at {_date(context['as_at'])}", 2)
    for rec in context["recommendations"]:
        _appendix_item(document, rec, level=3)
    if context["suggestions"]:
        document.add_heading("Peer suggestions", level=3)
        document.add_paragraph(
            "The peer team also made these suggestions beside its formal recommendations. The "
            "council answers them in the same plan, and they are reported apart."
        )
        for rec in context["suggestions"]:
            _appendix_item(document, rec, level=4)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _recommendation_table(document, noun: str, recommendations) -> None:
    _table(
        document,
        ["Ref", noun, "Lead member and lead officer", "Status and RAG", "Direction", "Actions"],
        [
            [
                r.reference,
                r.title,
                r.leads,
                _status(r.status),
                _direction(r.direction),
                len(r.actions),
            ]
            for r in recommendations
        ],
        widths=[0.07, 0.37, 0.2, 0.14, 0.13, 0.09],
    )


def _appendix_item(document, rec: SnapshotRecommendation, *, level: int) -> None:
    """One recommendation or peer suggestion in Appendix A, as in the PDF."""
    document.add_heading(f"{rec.reference} {rec.title}", level=level)
    document.add_paragraph(
        (f"Theme: {rec.theme}. " if rec.theme else "")
        + (f"Lead member: {rec.lead_member}. " if rec.lead_member else "")
        + (f"Lead officer: {rec.lead_officer}. " if rec.lead_officer else "")
        + (
            f"Closed on {_date(rec.closed_on)}: continues in {rec.continues_in}. "
            if rec.closed_on
            else ""
        )
        + f"Overall: {_status(rec.status)}"
        + (f", {_direction(rec.direction)}" if rec.direction else "")
        + "."
    )
    if not rec.actions:
        document.add_paragraph("The action plan has no actions under way for this one yet.")
        return
    _table(
        document,
        ["Ref", "Action", "Lead officer", "Target date", "Status and RAG", "Direction",
         "% complete", "Latest commentary"],
        [
            [a.reference, a.description, a.lead_officer or "Not assigned",
             _target(a) + (" (overdue)" if a.overdue else ""),
             _status(a.status), _direction(a.direction), f"{a.percent}%",
             (a.commentary or "No update reported yet.")
             + (" Not updated this quarter." if a.is_stale else "")]
            for a in rec.actions
        ],
        widths=[0.06, 0.2, 0.1, 0.08, 0.1, 0.11, 0.07, 0.28],
    )  # fmt: skip
    if rec.milestones_due:
        _table(
            document,
            ["Action", "Milestone", "Due", "At quarter end"],
            [
                [m.action, m.title, _date(m.due_date, "%-d %b %Y"),
                 _milestone_state_words(m)]
                for m in rec.milestones_due
            ],
            caption=f"{rec.reference}: milestones due this quarter",
            widths=[0.1, 0.5, 0.15, 0.25],
        )  # fmt: skip


def _milestone_state_words(milestone: SnapshotMilestone) -> str:
    """ "Met on 3 Sep 2026", "Overdue", "Still to come": the read model's words."""
    state = milestone.state
    if state.is_met:
        return f"{state.label} on {_date(milestone.completed_on, '%-d %b %Y')}"
    return state.label


def _target(action: SnapshotAction) -> str:
    """The original target date and, beside it, the revision, as the PDF shows them."""
    original = _date(action.target_date, "%-d %b %Y")
    revised = action.revised_target_date
    return f"{original}, revised to {_date(revised, '%-d %b %Y')}" if revised else original
