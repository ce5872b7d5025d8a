"""The progress review submission: about ten months after the peer challenge the performance
team drafts the council's position statement from the action plan as at a day, writes and
edits each section, exports it as a tagged PDF and a Word file, issues it, and builds the
evidence pack of the files attached to the plan's updates."""

import datetime as dt
import io
import itertools
import zipfile

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from accounts.choices import Role
from accounts.services import person_ensure
from actions.models import Evidence, ProgressUpdate
from actions.progress import plan_as_at
from actions.services import evidence_attach
from jobs.choices import JobKind
from jobs.models import Job
from statements import services
from statements.models import PositionStatement
from statements.pack import INDEX_NAME
from statements.rendering import statement_html
from tests.factories import CouncilFactory, ReviewFactory
from tests.reports_plan import TITLES, make_plan, pdf_text, update

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2024, 9, 30)
HOSTILE = '<script>alert("x")</script> & <b>bold</b> {{ secret }}'
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def performance(personas):
    return personas[Role.PERFORMANCE]


@pytest.fixture
def plan(council, officer):
    return make_plan(council, officer)


@pytest.fixture
def statement(plan, council, performance):
    review, _ = plan
    return services.statement_create(
        council=council, review=review, as_at=AS_AT, created_by=performance
    )


def section(statement, key):
    return statement.sections.get(key=key)


def test_the_draft_reads_the_plan_as_at_the_day_per_theme_and_recommendation(statement, plan):
    review, _actions = plan
    themes = statement.snapshot["themes"]
    assert [t["title"] for t in themes] == [
        "Capacity for improvement",
        "Financial planning and management",
    ]
    assert [r["title"] for t in themes for r in t["recommendations"]] == TITLES  # verbatim
    # Status and direction are the plan's own (actions.progress), not worked out again.
    rows = {r.pk: r for r in plan_as_at(reviews=[review], day=AS_AT).recommendations}
    for theme in themes:
        for rec in theme["recommendations"]:
            assert rec["status_label"] == rows[rec["pk"]].status.label
            assert rec["direction"] == rows[rec["pk"]].direction.value
    r1, r2 = (r["pk"] for t in themes for r in t["recommendations"])
    # R1.1 went off track on 2 October: as at 30 September it is still on track.
    assert "action R1.1: on track" in section(statement, f"rec-{r1}-next").text
    # We have: the milestone met and when; R1.2's milestone met only after the day is not met.
    have = section(statement, f"rec-{r1}-have").text
    assert "Business case approved (action R1.1): met on 18 September 2024." in have
    assert "Directorate costings in" not in have
    assert "Directorate costings in (action R1.2): due 15 August 2024, now overdue." in (
        section(statement, f"rec-{r1}-next").text
    )
    # A completed action, with the day its completion was reported.
    have2 = section(statement, f"rec-{r2}-have").text
    assert (
        "Rebuild the General Fund reserve (action R2.1: complete, reported 12 September 2024)."
        in have2
    )
    assert "Outturn reported (action R2.1): due 31 December 2024." in (
        section(statement, f"rec-{r2}-next").text
    )
    # On our transformation journey is the team's to write.
    assert section(statement, "theme-1").text == ""


def test_the_team_edits_each_section_and_hostile_text_is_printed_literally(
    client, statement, performance
):
    client.force_login(performance)
    url = reverse("statements:statement_update", kwargs={"pk": statement.pk})
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    journey = section(statement, "theme-1")
    data[f"section_{journey.pk}"] = f"We began in 2023.\n\n- {HOSTILE}\n- Second point"
    response = client.post(url, data)
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.text.startswith("We began in 2023.")

    preview = client.get(reverse("statements:statement_preview", kwargs={"pk": statement.pk}))
    page = preview.content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)" in page
    assert "<li>Second point</li>" in page  # a list, from the plain text

    statement = services.statement_export(statement=statement)
    assert HOSTILE in pdf_text(bytes(statement.pdf))
    word = Document(io.BytesIO(bytes(statement.docx)))
    assert any(HOSTILE in p.text for p in word.paragraphs)


def _kids(element):
    kids = element.get("/K")
    if kids is None:
        return []
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _tags(pdf):
    found, stack = [], list(reversed(_kids(pdf.Root.StructTreeRoot)))
    while stack:
        node = stack.pop()
        found.append(str(node.S))
        stack.extend(reversed(_kids(node)))
    return found


def test_the_exported_pdf_is_tagged_with_its_language_title_and_headings_in_order(statement):
    statement = services.statement_export(statement=statement)
    assert statement.pdf_pages >= 2 and statement.has_pdf and not statement.is_issued
    with pikepdf.open(io.BytesIO(bytes(statement.pdf))) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo.Title) == statement.title
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        headings = [int(t[2]) for t in _tags(pdf) if t in {f"/H{n}" for n in range(1, 7)}]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings
    text = pdf_text(bytes(statement.pdf))
    for words in ("On our transformation journey", "We have", "Next we will", TITLES[1]):
        assert words in text
    assert "Draft: not yet sent" in text


def test_the_word_version_has_its_title_language_and_headings_in_order(statement):
    statement = services.statement_export(statement=statement)
    word = Document(io.BytesIO(bytes(statement.docx)))
    assert word.core_properties.title == statement.title
    assert word.core_properties.language == "en-GB"
    levels = [
        int(p.style.name.split()[-1]) for p in word.paragraphs if p.style.name.startswith("Heading")
    ]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 2"][1:] == [
        "Capacity for improvement",
        "Financial planning and management",
    ]


def test_an_issued_statement_never_changes_and_a_new_version_replaces_it(
    client, statement, performance
):
    client.force_login(performance)
    issue = reverse("statements:statement_issue", kwargs={"pk": statement.pk})
    assert client.post(issue).status_code == 302  # not exported: refused with a reason
    assert not PositionStatement.objects.get(pk=statement.pk).is_issued

    client.post(reverse("statements:statement_export", kwargs={"pk": statement.pk}))
    client.post(issue)  # the task runs in the request under the test settings
    issued = PositionStatement.objects.get(pk=statement.pk)
    assert issued.is_issued and "Draft: not yet sent" not in pdf_text(bytes(issued.pdf))
    edit = reverse("statements:statement_update", kwargs={"pk": statement.pk})
    assert client.get(edit).status_code == 403
    with pytest.raises(services.StatementIssued):
        services.statement_sections_update(statement=issued, title="Changed", texts={})

    client.post(reverse("statements:statement_new_version", kwargs={"pk": statement.pk}))
    newer = PositionStatement.objects.get(supersedes=issued)
    assert (newer.version, newer.is_issued, newer.as_at) == (2, False, AS_AT)
    assert list(newer.sections.values_list("key", "text")) == list(
        issued.sections.values_list("key", "text")
    )


def test_a_double_submit_finds_the_first_draft(client, statement, plan, performance):
    client.force_login(performance)
    response = client.post(
        reverse("statements:statement_create"),
        {"review": plan[0].pk, "as_at": "30/09/2024"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert PositionStatement.objects.count() == 1


def test_the_day_must_be_a_real_past_day_after_the_peer_challenge(client, plan, performance):
    client.force_login(performance)
    url = reverse("statements:statement_create")
    for typed, message in [
        ("31/02/2024", "Enter a real date, like 30/09/2024"),
        ("01/01/2020", "on or after the peer challenge began"),
        ("01/01/2099", "today or in the past"),
    ]:
        page = client.post(url, {"review": plan[0].pk, "as_at": typed}).content.decode()
        assert message in page
    assert not PositionStatement.objects.exists()


def test_only_the_performance_team_of_the_council_sees_a_statement(client, statement, personas):
    url = statement.get_absolute_url()
    client.force_login(personas[Role.CABINET])
    assert client.get(url).status_code == 403
    other = CouncilFactory(short_name="Other")
    person_ensure(username="elsewhere", council=other, role=Role.PERFORMANCE)
    client.force_login(personas[Role.PERFORMANCE].__class__.objects.get(username="elsewhere"))
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("statements:statement_list")).content.decode().count(statement.title)
        == 0
    )


def _evidence(action, day, name, *, counted=True, hour=10):
    progress = update(action, day, "at_risk", 40, "With evidence.", hour=hour)
    if not counted:
        ProgressUpdate.objects.filter(pk=progress.pk).update(approval="submitted")
    return evidence_attach(
        update=progress,
        upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        by=action.lead_officer,
    )


def test_the_evidence_pack_holds_counted_evidence_by_recommendation_and_action(
    client, statement, plan, performance
):
    _, actions = plan
    hostile = _evidence(actions["R1.1"], "2024-09-21", "first.pdf")
    Evidence.objects.filter(pk=hostile.pk).update(original_name=f"../../{HOSTILE}.pdf")
    _evidence(actions["R1.1"], "2024-09-21", "second.pdf", hour=11)
    _evidence(actions["R2.1"], "2024-09-13", "reserve.pdf")
    _evidence(actions["R2.1"], "2024-09-14", "awaiting approval.pdf", counted=False)
    _evidence(actions["R1.2"], "2024-10-01", "after the day.pdf")

    client.force_login(performance)
    build = reverse("statements:evidence_pack_build", kwargs={"pk": statement.pk})
    assert client.post(build).status_code == 302  # a worker builds it (here, at once)
    job = Job.objects.get(kind=JobKind.EVIDENCE_PACK)
    assert (job.status, job.message) == ("succeeded", "Evidence pack built: 3 files and an index.")
    statement.refresh_from_db()
    assert statement.evidence_pack_files == 3

    download = client.get(reverse("statements:evidence_pack_download", kwargs={"pk": statement.pk}))
    assert download.status_code == 200
    assert 'filename="evidence-pack-2023-cpc-2024-09-30-v1.zip"' in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == [
        INDEX_NAME,
        "R1/R1-1/R1-1-2024-09-21-1.pdf",
        "R1/R1-1/R1-1-2024-09-21-2.pdf",
        "R2/R2-1/R2-1-2024-09-13-1.pdf",
    ]
    assert archive.read("R2/R2-1/R2-1-2024-09-13-1.pdf") == PDF
    index = archive.read(INDEX_NAME)
    with pikepdf.open(io.BytesIO(index)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "en-GB"
    text = pdf_text(index)
    assert "R2-1-2024-09-13-1.pdf" in text and "Rebuild the General Fund reserve" in text
    # Listed as uploaded, literally (wrapped in its narrow column); never a name in the zip.
    assert "".join(f"../../{HOSTILE}.pdf".split()) in "".join(text.split())
    assert "awaiting approval" not in text and "after the day" not in text
    assert actions["R1.1"].lead_officer.first_name in text  # the author


def test_the_review_page_shows_what_is_due_and_whether_the_statement_is_drafted(
    client, plan, performance, personas
):
    review, _ = plan
    review.progress_review_due = dt.date(2024, 10, 31)
    review.save()
    client.force_login(performance)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Progress review submission" in page and "31 October 2024" in page
    assert "Not drafted yet" in page
    assert reverse("statements:statement_create") + "?review=2023-cpc" in page
    statement = services.statement_create(
        council=review.council, review=review, as_at=AS_AT, created_by=performance
    )
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Drafted: version 1, the plan as at 30 September 2024, not exported yet" in page
    assert statement.get_absolute_url() in page
    client.force_login(personas[Role.CABINET])
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Drafted: version 1" in page and statement.get_absolute_url() not in page


def test_the_command_writes_the_statement_and_the_pack(plan, tmp_path):
    _, actions = plan
    _evidence(actions["R2.1"], "2024-09-13", "reserve.pdf")
    out = io.StringIO()
    pdf, docx, pack = tmp_path / "statement.pdf", tmp_path / "statement.docx", tmp_path / "p.zip"
    call_command("position_statement", review="2023-cpc", as_at="2024-09-30", output=str(pdf),
                 evidence_pack=str(pack), stdout=out)  # fmt: skip
    call_command("position_statement", review="2023-cpc", as_at="2024-09-30", output=str(docx),
                 stdout=out)  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF") and "pages" in out.getvalue()
    assert Document(str(docx)).core_properties.title.endswith("position statement")
    assert len(zipfile.ZipFile(pack).namelist()) == 2
    assert not PositionStatement.objects.exists()  # a draft from the plan, not saved


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"review": "nope", "as_at": "2024-09-30", "output": "s.pdf"}, "No review 'nope'"),
        ({"review": "2023-cpc", "as_at": "30/09/2024", "output": "s.pdf"}, "not a date like"),
        ({"review": "2023-cpc", "as_at": "2099-01-01", "output": "s.pdf"}, "today or in the past"),
        ({"review": "2023-cpc", "as_at": "2024-09-30", "output": "s.txt"}, "name a .pdf or .docx"),
        ({"review": "2023-cpc", "as_at": "2024-09-30", "output": "/no/such/s.pdf"}, "not exist"),
        ({"review": "2023-cpc", "as_at": "2024-09-30", "evidence_pack": "p.pdf"}, "name a .zip"),
        ({"review": "2023-cpc", "as_at": "2024-09-30"}, "Give --output"),
    ],
)
def test_the_command_explains_what_is_wrong(plan, tmp_path, monkeypatch, options, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        call_command("position_statement", **options)


def test_a_statement_of_a_review_with_no_plan_says_so(council, performance):
    review = ReviewFactory(council=council, slug="bare")
    statement = services.statement_create(
        council=council, review=review, as_at=AS_AT, created_by=performance
    )
    assert "Sefton" in statement_html(statement)
