"""Page one tells the story: the Summary's figures, the exceptions Cabinet must read, and the
narrative the performance team writes; every part of the report is editable before issue."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from accounts.choices import Role
from reports import services
from reports.models import CabinetReport
from reports.rendering import text_blocks
from tests.factories import ActionFactory, typed_date
from tests.reports_plan import Q2, make_plan, pdf_text, update

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(council, officer):
    review, actions = make_plan(council, officer)
    # An open action last updated in Q1: not updated in the quarter reported on.
    quiet = ActionFactory(
        recommendation=actions["R1.1"].recommendation,
        reference="R1.3",
        description="Refresh the workforce strategy",
        lead_officer=officer,
        target_date=dt.date(2025, 6, 30),
    )
    update(quiet, "2024-06-02", "on_track", 15, "Scoping under way.")
    return review


@pytest.fixture
def draft(council, plan, personas):
    return services.cabinet_report_create(
        council=council,
        quarter=Q2,
        reviews=[plan],
        created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2024, 11, 14),
    )


def _html(report) -> str:
    from reports.rendering import report_html

    return " ".join(report_html(CabinetReport.objects.get(pk=report.pk)).split())


def _story(report) -> str:
    html = _html(report)
    return html[html.index('<section class="story">') : html.index("1. Background")]


def test_it_gives_the_figures_in_the_summary_on_page_one(draft):
    rendered = services.cabinet_report_render_pdf(report=draft)
    from pypdf import PdfReader

    first_page = " ".join(
        PdfReader(io.BytesIO(bytes(rendered.pdf))).pages[0].extract_text().split()
    )
    assert (
        "As at 30 September 2024, of the 4 actions in the plan 1 is complete or closed "
        "(1 this quarter), 2 on track, 1 at risk and 0 off track; 1 is past its target date."
    ) in first_page
    assert "Of the 2 recommendations, 0 are off track and 1 at risk." in first_page


def test_the_exceptions_name_what_is_at_risk_with_its_lead_officer_and_commentary(draft, officer):
    story = _story(draft)
    assert "Recommendations off track or at risk" in story
    assert "Review and align corporate capacity" in story  # R1 rolls up to At risk
    assert "Increase Financial Reserves" not in story.split("Actions off track")[0]
    actions = story.split("Actions off track or at risk")[1].split("Worse than")[0]
    assert "R1.2" in actions and "Agree a costed capacity plan" in actions
    assert officer.get_full_name() in actions
    assert "Costings late from two directorates." in actions
    assert "R2.1" not in actions  # complete


def test_the_exceptions_say_what_got_worse_what_is_overdue_and_what_is_stale(draft):
    story = _story(draft)
    worse = story.split("Worse than at the end of 2024/25 Q1")[1].split("Milestones due")[0]
    assert "Action R1.2" in worse and "R2.1" not in worse  # R2.1 improved to complete
    milestones = story.split("Milestones due this quarter and not met")[1].split("Open actions")[0]
    assert "Directorate costings in" in milestones  # completed only after the quarter ended
    assert "Business case approved" not in milestones
    stale = story.split("Open actions not updated this quarter")[1]
    assert "R1.3" in stale and "last updated 2 June 2024" in stale
    assert "R1.1" not in stale


def test_long_commentary_is_trimmed_with_a_pointer_to_the_appendix(council, plan, personas):
    from actions.models import Action

    update(Action.objects.get(reference="R1.2"), "2024-09-11", "at_risk", 60, "word " * 80)
    report = services.cabinet_report_create(
        council=council,
        quarter=Q2,
        reviews=[plan],
        created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2024, 11, 14),
    )
    story = _story(report)
    assert "word " * 39 + "word…" in story
    assert "Full commentary in Appendix A under R1." in story


def test_the_narrative_is_plain_text_in_paragraphs_and_lists_and_escaped(draft):
    services.cabinet_report_update(
        report=draft,
        progress_narrative="Good quarter overall.\nMost actions moved.\n\n- one\n- <b>two</b>",
        attention_narrative='Cabinet should note:\n1. the reserve\n2. <script>alert("x")</script>',
    )
    story = _story(draft)
    assert '<h2 class="new-page">Progress this quarter</h2>' in story
    assert "<p>Good quarter overall. Most actions moved.</p>" in story
    assert "<ul><li>one</li><li>&lt;b&gt;two&lt;/b&gt;</li></ul>" in story
    assert "<p>Cabinet should note:</p> <ol><li>the reserve</li>" in story
    assert "<script>" not in story and "&lt;script&gt;" in story


def test_text_blocks_keep_separate_lists_apart():
    assert text_blocks("- a\n- b\n\nAfter.\n\n1. x\n2. y") == [
        {"kind": "ul", "items": ["a", "b"]},
        {"kind": "p", "text": "After."},
        {"kind": "ol", "items": ["x", "y"]},
    ]
    assert text_blocks("") == []


def edit_draft(client, draft, personas, **changes):
    """The performance team saves the draft's edit form with ``changes``, the rest as shown."""
    from reports.forms import CabinetReportForm

    client.force_login(personas[Role.PERFORMANCE])
    form = CabinetReportForm(instance=draft)
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and value is not False
    }
    data.pop("meeting_date", None)
    if "meeting_date" in changes:  # typed in the GOV.UK date input's three boxes
        changes |= typed_date("meeting_date", changes.pop("meeting_date"))
    return client.post(f"/reports/{draft.pk}/edit/", data | changes)


def test_the_meeting_date_of_a_draft_can_be_changed_in_the_form(client, draft, personas):
    response = edit_draft(client, draft, personas, meeting_date="2024-12-05")
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.period.meeting_date == dt.date(2024, 12, 5)
    assert "Date of Meeting:</th><td>5 December 2024" in _html(draft)


def test_a_meeting_date_before_the_quarter_ends_is_refused_and_nothing_changes(draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="after the quarter ends"):
        services.cabinet_report_update(report=draft, meeting_date=dt.date(2024, 9, 1))
    draft.refresh_from_db()
    assert draft.period.meeting_date == dt.date(2024, 11, 14)


def test_the_command_changes_the_meeting_date_of_an_existing_draft(draft, tmp_path):
    out = io.StringIO()
    call_command(
        "cabinet_report",
        "--period",
        Q2.slug,
        "--review",
        "2023-cpc",
        "--output",
        str(tmp_path / "report.pdf"),
        "--meeting-date",
        "2024-12-12",
        stdout=out,
    )
    draft.refresh_from_db()
    assert draft.period.meeting_date == dt.date(2024, 12, 12)
    assert "Date of Meeting: 12 December 2024" in pdf_text((tmp_path / "report.pdf").read_bytes())
    assert "Meeting date of the draft changed to 12 December 2024." in out.getvalue()


def test_the_performance_team_edits_the_report_defaults_in_the_app(client, council, personas):
    from reports.forms import ReportSettingsForm
    from reports.services import report_settings_for

    client.force_login(personas[Role.PERFORMANCE])
    form = ReportSettingsForm(instance=report_settings_for(council))
    data = {k: v for k, v in form.initial.items() if v is not None and v is not False}
    data |= {"contact_officer": "Sam Patel", "contact_email": "sam.patel@sefton.gov.uk"}
    response = client.post("/reports/defaults/", data)
    assert response.status_code == 302
    settings = report_settings_for(council)
    assert settings.contact_officer == "Sam Patel"
    client.force_login(personas[Role.CABINET])
    assert client.get("/reports/defaults/").status_code == 403


def test_sefton_format_is_complete(draft):
    services.cabinet_report_update(
        report=draft, finance_reference="FD.6708/22", legal_reference="LD.4908/22"
    )
    text = pdf_text(bytes(services.cabinet_report_render_pdf(report=draft).pdf))
    for words in [
        "The recommendations within this report will",
        "Have a positive impact No",
        "Have a neutral impact Yes",
        "Have a negative impact No",
        "The Author has undertaken the Climate Emergency training for report authors Yes",
        "Protect the most vulnerable: NA",
        "Facilitate confident and resilient communities: NA",
        "Commission, broker and provide core services: NA",
        "Place – leadership and influencer: NA",
        "Drivers of change and reform: The Council is a self-aware learning organisation.",
        "Facilitate sustainable economic prosperity: NA",
        "Greater income for social investment: NA",
        "Cleaner greener: NA",
        "(FD.6708/22)",
        "(LD.4908/22)",
        "3. Recommendation(s) Cabinet is asked to",
        "Email Address: jan.mcmahon@sefton.gov.uk",
    ]:
        assert words in text, words


def test_the_command_writes_the_word_version_and_the_exact_html(draft, tmp_path):
    from reports.rendering import report_html

    for name in ("report.docx", "report.html"):
        call_command(
            "cabinet_report", "--period", Q2.slug, "--review", "2023-cpc",
            "--output", str(tmp_path / name), stdout=io.StringIO(),
        )  # fmt: skip
    import docx

    report = CabinetReport.objects.get(pk=draft.pk)
    word = docx.Document(str(tmp_path / "report.docx"))
    assert word.core_properties.title == report.subject
    assert (tmp_path / "report.html").read_text() == report_html(report)


def test_peer_suggestions_are_reported_apart_from_the_recommendations(council, plan, personas):
    from docx import Document

    from reviews.choices import RecommendationKind
    from tests.factories import RecommendationFactory

    suggestion = RecommendationFactory(
        review=plan, number=3, kind=RecommendationKind.SUGGESTION,
        title="Publish a plain-English guide to the budget",
    )  # fmt: skip
    ActionFactory(recommendation=suggestion, reference=f"{suggestion.reference}.1")
    report = services.cabinet_report_create(
        council=council, quarter=Q2, reviews=[plan], created_by=personas[Role.PERFORMANCE],
        meeting_date=dt.date(2024, 11, 14),
    )  # fmt: skip
    html = _html(report)
    body = html[html.index("Recommendations: status and direction of travel") :]
    table, rest = body.split("<h4>Peer suggestions</h4>", 1)
    assert suggestion.title not in table  # not among the recommendations
    assert suggestion.title in rest.split("</table>")[0]
    appendix = html[html.index('<section class="appendix">') :]
    formal, suggestions = appendix.split('id="appendix-suggestions"', 1)
    assert suggestion.title not in formal and suggestion.title in suggestions
    assert "Of the 2 recommendations and 1 peer suggestion, " in html

    rendered = services.cabinet_report_render_pdf(report=report)
    headings = [
        p.text for p in Document(io.BytesIO(bytes(rendered.docx))).paragraphs
        if p.style.name.startswith("Heading")
    ]  # fmt: skip
    assert headings.count("Peer suggestions") == 2  # the status table's and the appendix's
    assert f"{suggestion.reference} {suggestion.title}" in headings


def test_text_pasted_from_word_into_the_report_is_stored_with_line_breaks(client, draft, personas):
    response = edit_draft(
        client,
        draft,
        personas,
        meeting_date="2024-12-05",
        attention_narrative="Cabinet is asked to note:\x0bthe capacity plan\x00 is late.",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.attention_narrative == "Cabinet is asked to note:\nthe capacity plan is late."
