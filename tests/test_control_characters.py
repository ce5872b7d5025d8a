"""Text pasted from Word carries control characters (a soft line break is a vertical tab). They
are normalised wherever text comes in (forms, the admin, imports), and every export cleans
whatever was stored before, so no download ever answers 500."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.choices import Role
from actions.models import Action, ProgressUpdate
from imports import parsing
from tests.crawl import plan_build
from tests.import_files import PLAN_HEADINGS, csv_bytes
from tests.test_security_requests import TRACKER_APPS, cells_of, free_text_fields
from tracker.exports import neutralise
from tracker.text import normalise_text

pytestmark = pytest.mark.django_db

PASTED = "Pasted from Word:\x0bsoft line break"
CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")


def test_a_vertical_tab_or_form_feed_becomes_a_line_break_and_other_controls_go():
    assert normalise_text(PASTED) == "Pasted from Word:\nsoft line break"
    assert normalise_text("page\x0cbreak") == "page\nbreak"
    assert normalise_text(f"a{CONTROLS}b\tc\r\nd") == "a\n\nb\tc\r\nd"


def test_exports_use_one_neutralise():
    from imports import exports

    assert parsing.neutralise is neutralise
    assert exports.neutralise is neutralise
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\x01=1+1") == "'=1+1"  # a control character cannot hide a formula


@pytest.fixture
def plans(personas, council, directorate):
    return plan_build(
        council=council, directorate=directorate, lead_officer=personas[Role.OFFICER], slug="ours"
    )


def test_the_update_form_stores_word_text_with_a_line_break(client, plans, personas):
    officer = personas[Role.OFFICER]
    action = Action.objects.get()
    client.force_login(officer)
    url = reverse("actions:update_create", kwargs={"pk": action.pk})
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "version": form["version"].value(),
            "seen_at": form["seen_at"].value(),
            "status": "at_risk",  # its target date has passed: not on track without a new one
            "percent_complete": "50",
            "commentary": PASTED,
        },
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.latest("pk").commentary == "Pasted from Word:\nsoft line break"


def test_the_admin_stores_word_text_with_a_line_break(client, plans, personas):
    action = Action.objects.get()
    client.force_login(personas[Role.PERFORMANCE])
    url = reverse("admin:actions_action_change", args=[action.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data |= {
        "description": f"First\x0csecond{CONTROLS[:5]}",
        "seen_version": action.version,
        "lead_officer": action.lead_officer_id,
        "recommendation": action.recommendation_id,
        "directorate": action.directorate_id,
        "portfolio": action.portfolio_id,
        "start_date": "01/04/2024",
        "target_date": "31/03/2025",
    }
    for prefix in ("milestones", "updates"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data["milestones-INITIAL_FORMS"] = "0"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.description == "First\nsecond"


def test_imported_cells_lose_their_control_characters():
    content = csv_bytes([PLAN_HEADINGS, ["1", "R1.1", PASTED, "", "", "", "", "", "", "", "", ""]])
    sheet = parsing.read_sheet(content, "plan.csv")
    assert sheet.rows[0].text("description") == "Pasted from Word:\nsoft line break"


def test_every_export_answers_with_stored_control_characters_cleaned(plans, personas):
    # Text saved before this rule existed, in every free-text field of every model.
    for app_label in TRACKER_APPS:
        from django.apps import apps

        for model in apps.get_app_config(app_label).get_models():
            fields = [f.attname for f in free_text_fields(model)]
            if fields:
                model.objects.update(**dict.fromkeys(fields, PASTED))
    client = Client()
    client.force_login(personas[Role.PERFORMANCE])
    review = plans
    downloads = [
        f"/imports/export/?what=plan_xlsx&review={review.pk}",
        f"/imports/export/?what=plan_csv&review={review.pk}",
        "/imports/export/?what=updates",
    ]
    for name in ("actions:action_list", "reviews:recommendation_list"):
        downloads += [f"{reverse(name)}?_export={kind}" for kind in ("csv", "xlsx")]
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        cells = cells_of(response)
        assert any("Pasted from Word:\nsoft line break" in cell for cell in cells), url
        assert not any(c in cell for cell in cells for c in CONTROLS), url
    workbook = load_workbook(io.BytesIO(client.get(downloads[0]).content))
    assert workbook.active.title == "Action plan"
