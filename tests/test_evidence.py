"""Evidence files on an update: PDF, Word, Excel and images, told apart by their content,
size-limited, stored through Django's storage API and sent only as downloads to people who may
see the action."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from accounts.services import person_ensure
from actions.models import Evidence
from tests.factories import ActionFactory, CouncilFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def action(council, officer, directorate):
    return ActionFactory(
        recommendation=RecommendationFactory(review=ReviewFactory(council=council)),
        lead_officer=officer,
        directorate=directorate,
    )


def post_update(client, action, upload):
    url = reverse("actions:update_create", args=[action.pk])
    form = client.get(url).context["form"]
    return client.post(
        url,
        {
            "version": form.initial["version"],
            "seen_at": form.initial["seen_at"],
            "status": "on_track",
            "percent_complete": "30",
            "commentary": "",
            "evidence_url": "",
            "evidence_files": upload,  # one file, or a list of several
        },
    )


def test_an_officer_attaches_a_pdf_and_colleagues_download_it_as_an_attachment(
    client, action, officer, personas
):
    client.force_login(officer)
    response = post_update(client, action, SimpleUploadedFile("board paper.pdf", PDF))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.extension, evidence.content_type) == ("pdf", "application/pdf")
    assert "board paper" not in evidence.file.name, "stored under a random name"
    assert evidence.update.action == action

    client.force_login(personas[Role.CABINET])
    page = client.get(action.get_absolute_url()).content.decode()
    assert evidence.get_absolute_url() in page and "board_paper.pdf" in page
    download = client.get(evidence.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_another_councils_people_cannot_download_it(client, action, officer):
    client.force_login(officer)
    post_update(client, action, SimpleUploadedFile("paper.pdf", PDF))
    evidence = Evidence.objects.get()
    outsider = person_ensure(
        username="outsider", council=CouncilFactory(short_name="Elsewhere"), role=Role.PERFORMANCE
    )
    client.force_login(outsider)
    assert client.get(evidence.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(evidence.get_absolute_url()).status_code == 302  # to sign in


def test_the_type_is_read_from_the_content_not_the_name(client, action, officer):
    client.force_login(officer)
    disguised = post_update(client, action, SimpleUploadedFile("report.pdf", b"MZ\x90\x00exe"))
    assert "The file must be a PDF, Word" in disguised.content.decode()
    assert not Evidence.objects.exists() and not action.updates.exists(), "nothing half-saved"
    renamed = post_update(client, action, SimpleUploadedFile("minutes.txt", docx_bytes()))
    assert renamed.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.extension == "docx" and evidence.download_name == "minutes.docx"


def test_a_file_over_the_size_limit_is_refused_with_a_message(client, action, officer, settings):
    settings.EVIDENCE_MAX_MEGABYTES = 1
    client.force_login(officer)
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024))
    response = post_update(client, action, big)
    assert "The file must be smaller than 1 MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_officer_attaches_two_files_to_one_update_and_a_refused_user_gets_404_for_each(
    client, action, officer, personas
):
    client.force_login(officer)
    response = post_update(
        client,
        action,
        [
            SimpleUploadedFile("board paper.pdf", PDF),
            SimpleUploadedFile("plan.docx", docx_bytes()),
        ],
    )
    assert response.status_code == 302
    files = list(Evidence.objects.order_by("pk"))
    assert [f.extension for f in files] == ["pdf", "docx"]
    assert {f.update_id for f in files} == {action.updates.get().pk}

    client.force_login(personas[Role.CABINET])
    page = client.get(action.get_absolute_url()).content.decode()
    for evidence in files:
        assert evidence.get_absolute_url() in page
        assert client.get(evidence.get_absolute_url()).status_code == 200

    other = CouncilFactory(name="Other Council")
    stranger = person_ensure(council=other, username="stranger", role=Role.PERFORMANCE)
    client.force_login(stranger)
    for evidence in files:
        assert client.get(evidence.get_absolute_url()).status_code == 404


def test_too_many_files_or_one_bad_file_refuses_the_update_and_says_which(
    client, action, officer, settings
):
    settings.EVIDENCE_MAX_FILES = 2
    client.force_login(officer)
    three = [SimpleUploadedFile(f"p{i}.pdf", PDF) for i in range(3)]
    response = post_update(client, action, three)
    assert response.status_code == 200
    assert "Choose 2 files or fewer (you chose 3)" in response.content.decode()
    bad = [SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("notes.pdf", b"MZ\x90 not a pdf")]
    response = post_update(client, action, bad)
    assert "notes.pdf: The file must be a PDF" in response.content.decode()
    assert not action.updates.exists() and not Evidence.objects.exists()
