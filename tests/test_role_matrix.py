"""Who may do what, for every named URL of the project and every role.

OTHER HELPERS: when you add a URL, add a row to EXPECTATIONS for it (keyed by its URL name).
``test_every_url_has_an_expectation_row`` fails until you do. A row gives the URL's kwargs (a
function of the ``world`` fixture below), the expected status of a GET for each role and, for
URLs that change state, of a POST with an empty body (a form re-shown with errors is 200).
Anonymous visitors are always sent to the login page; a refusal is a 403; nothing is ever a 500.
The admin (``admin:*``) is covered by the tests at the end instead.
"""

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.choices import Role
from accounts.services import person_ensure
from actions.models import ProgressUpdate
from actions.services import progress_update_create, update_round_open
from tests.factories import (
    ActionFactory,
    CouncilFactory,
    DirectorateFactory,
    MilestoneFactory,
    RecommendationFactory,
    ReviewFactory,
)
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files a page saves (an evidence pack) go to a throwaway folder."""
    settings.MEDIA_ROOT = str(tmp_path)


ANON, OWNER, OFFICER, DIR_SAME, DIR_OTHER, PERF, CABINET, SCRUTINY = (
    "anonymous",
    "officer-owner",
    "officer-not-owner",
    "director-same-directorate",
    "director-other",
    "performance",
    "cabinet",
    "scrutiny",
)
ROLES = [ANON, OWNER, OFFICER, DIR_SAME, DIR_OTHER, PERF, CABINET, SCRUTINY]
SIGNED_IN = ROLES[1:]
LOGIN = "login"  # a redirect to /accounts/login/


def everyone(status, anonymous=LOGIN):
    """The same answer for every signed-in role."""
    return {ANON: anonymous, **dict.fromkeys(SIGNED_IN, status)}


def only(allowed: dict, otherwise=403):
    """``allowed`` roles get their status; every other signed-in role gets ``otherwise``."""
    return {ANON: LOGIN, **dict.fromkeys(SIGNED_IN, otherwise), **allowed}


UPDATERS = {OWNER: 200, DIR_SAME: 200, PERF: 200}
IMPORTERS = {OWNER: 200, OFFICER: 200, DIR_SAME: 200, DIR_OTHER: 200, PERF: 200}
MISSING = {403, 404}  # another app's page asked about a record that does not exist
NO_SUCH = 999_999


def _action(w):
    return {"pk": w.action.pk}


def _report(w, *, issued: bool) -> dict:
    """A Cabinet report on the world's review: issued (with a stand-in PDF) or a draft."""
    import datetime as dt

    from django.utils import timezone

    from reports.models import CabinetReport
    from reports.services import cabinet_report_create

    quarter = FinancialQuarter(2024, 2) if issued else FinancialQuarter(2024, 3)
    report = cabinet_report_create(
        council=w.review.council,
        quarter=quarter,
        reviews=[w.review],
        created_by=w.people[PERF],
        meeting_date=quarter.end + dt.timedelta(days=40),
    )
    if issued:
        CabinetReport.objects.filter(pk=report.pk).update(
            pdf=b"%PDF-1.7 stand-in", pdf_sha256="0" * 64, pdf_pages=1, pdf_bytes=17,
            docx=b"PK stand-in", status="issued", issued_by=w.people[PERF],
            issued_at=timezone.now(),
        )  # fmt: skip
    return {"pk": report.pk}


def _job(w) -> dict:
    """A running report job the performance team asked for: only they see it or ask to retry
    it (refused while it runs, back to its page)."""
    from django.utils import timezone

    from jobs.models import Job

    report = _report(w, issued=False)
    job = Job.objects.create(
        kind="report_render", object_id=report["pk"], key=f"matrix-{report['pk']}",
        requested_by=w.people[PERF], task_name="reports.tasks.cabinet_report_render",
        url=f"/reports/{report['pk']}/", status="running", heartbeat_at=timezone.now(),
    )  # fmt: skip
    return {"pk": job.pk}


def _statement(w, *, issued: bool) -> dict:
    """A progress review position statement on the world's review: a draft, or issued with
    stand-in files."""
    import datetime as dt

    from django.utils import timezone

    from statements.models import PositionStatement
    from statements.services import statement_create

    statement = statement_create(
        council=w.review.council,
        review=w.review,
        as_at=max(w.review.onsite_start, dt.date(2024, 9, 30)),
        created_by=w.people[PERF],
    )
    if issued:
        PositionStatement.objects.filter(pk=statement.pk).update(
            pdf=b"%PDF-1.7 stand-in", pdf_sha256="0" * 64, pdf_pages=1, pdf_bytes=17,
            docx=b"PK stand-in", status="issued", issued_by=w.people[PERF],
            issued_at=timezone.now(),
        )  # fmt: skip
    return {"pk": statement.pk}


def _published(w) -> dict:
    """The world's council publishes its progress (the public page is 404 otherwise)."""
    council = w.review.council
    council.publishes_progress = True
    council.save(update_fields=["publishes_progress"])
    return {"council_slug": council.slug}


def _published_report(w) -> dict:
    return _published(w) | _report(w, issued=True)


# URL name -> {"kwargs": world -> dict, "get": role -> status, "post": role -> status}
EXPECTATIONS = {
    # Django's sign-in pages are public; signing out is POST only.
    "login": {"get": everyone(200, anonymous=200)},
    "logout": {"get": everyone(405), "post": everyone(302, anonymous=302)},
    "password_change": {"get": everyone(200)},
    "password_change_done": {"get": everyone(200)},
    "password_reset": {"get": everyone(200, anonymous=200)},
    "password_reset_done": {"get": everyone(200, anonymous=200)},
    "password_reset_confirm": {
        "kwargs": lambda w: {"uidb64": "AA", "token": "not-a-token"},
        "get": everyone(200, anonymous=200),
    },
    "password_reset_complete": {"get": everyone(200, anonymous=200)},
    # The load balancer's health check needs no sign-in and shows no data.
    "healthz": {"get": everyone(200, anonymous=200)},
    # Sign-in with the council's identity provider is off unless configured (test_oidc.py).
    "oidc_authentication_init": {"get": everyone(404, anonymous=404)},
    "oidc_authentication_callback": {"get": everyone(404, anonymous=404)},
    # The service's own pages are for everyone, signed in or not.
    "service:accessibility": {"get": everyone(200, anonymous=200)},
    "service:privacy": {"get": everyone(200, anonymous=200)},
    "service:cookies": {"get": everyone(200, anonymous=200)},
    "service:help": {"get": everyone(200, anonymous=200)},
    "service:help_page": {
        "kwargs": lambda w: {"slug": "officers"},
        "get": everyone(200, anonymous=200),
    },
    # A council's public page, its open data and issued reports: anyone, signed in or not.
    "public:published_plan": {"kwargs": _published, "get": everyone(200, anonymous=200)},
    "public:published_plan_csv": {"kwargs": _published, "get": everyone(200, anonymous=200)},
    "public:published_plan_json": {"kwargs": _published, "get": everyone(200, anonymous=200)},
    "public:report_pdf": {"kwargs": _published_report, "get": everyone(200, anonymous=200)},
    "public:report_docx": {"kwargs": _published_report, "get": everyone(200, anonymous=200)},
    # Reading is open to every signed-in role.
    "reviews:overview": {"get": everyone(200)},
    "reviews:review_detail": {"kwargs": lambda w: {"slug": w.review.slug}, "get": everyone(200)},
    "reviews:recommendation_detail": {
        "kwargs": lambda w: {"slug": w.review.slug, "number": w.action.recommendation.number},
        "get": everyone(200),
    },
    "reviews:recommendation_list": {"get": everyone(200)},
    # Closing a recommendation or a whole plan is the performance team's (an empty form is
    # re-shown with its errors).
    "reviews:recommendation_close": {
        "kwargs": lambda w: {"slug": w.review.slug, "number": w.action.recommendation.number},
        "get": only({PERF: 200}),
        "post": only({PERF: 200}),
    },
    "reviews:plan_close": {
        "kwargs": lambda w: {"slug": w.review.slug},
        "get": only({PERF: 200}),
        "post": only({PERF: 200}),
    },
    "reviews:recurring": {"get": everyone(200)},
    "dashboard:dashboard": {"get": everyone(200)},
    "actions:action_list": {"get": everyone(200)},
    "actions:action_detail": {"kwargs": _action, "get": everyone(200)},
    "actions:my_actions": {"get": everyone(200)},
    # Progress: the owner, the director of the action's directorate and the performance team.
    "actions:update_create": {"kwargs": _action, "get": only(UPDATERS), "post": only(UPDATERS)},
    "actions:milestone_complete": {
        "kwargs": lambda w: {"pk": w.action.pk, "milestone_pk": w.milestone.pk},
        "get": only(UPDATERS),
        "post": only(UPDATERS),
    },
    "actions:action_reassign": {
        "kwargs": _action,
        "get": only({DIR_SAME: 200, PERF: 200}),
        "post": only({DIR_SAME: 200, PERF: 200}),
    },
    "actions:update_correct": {
        "kwargs": _action,
        "get": only({PERF: 200}),
        "post": only({PERF: 200}),
    },
    # Evidence files go to whoever may see the action (tests/test_evidence.py has real files).
    "actions:evidence_download": {"kwargs": lambda w: {"pk": NO_SUCH}, "get": everyone(404)},
    # Approval: directors and the performance team; deciding one update is for the director of
    # its directorate and the performance team. The world's update needs no approval, so
    # accepting it is refused with a message (302), and an empty reason re-shows the form.
    "actions:approval_queue": {"get": only({DIR_SAME: 200, DIR_OTHER: 200, PERF: 200})},
    "actions:approval_setting": {"get": only({PERF: 200}), "post": only({PERF: 200})},
    "actions:update_accept": {
        "kwargs": lambda w: {"update_pk": w.action.updates.get().pk},
        "get": only({DIR_SAME: 405, PERF: 405}),
        "post": only({DIR_SAME: 302, PERF: 302}),
    },
    "actions:update_return": {
        "kwargs": lambda w: {"update_pk": w.action.updates.get().pk},
        "get": only({DIR_SAME: 200, PERF: 200}),
        "post": only({DIR_SAME: 200, PERF: 200}),
    },
    # Update rounds are the performance team's.
    "actions:round_list": {"get": only({PERF: 200})},
    "actions:round_create": {"get": only({PERF: 200}), "post": only({PERF: 200})},
    "actions:round_detail": {
        "kwargs": lambda w: {"pk": w.update_round.pk},
        "get": only({PERF: 200}),
    },
    "actions:round_remind": {
        "kwargs": lambda w: {"pk": w.update_round.pk},
        "get": only({PERF: 405}),
        "post": only({PERF: 200}),  # an empty form is re-shown with its errors
    },
    # A background job's page is its requester's own; everyone else gets 404.
    "jobs:job_detail": {"kwargs": _job, "get": only({PERF: 200}, otherwise=404)},
    "jobs:job_status": {"kwargs": _job, "get": only({PERF: 200}, otherwise=404)},
    "jobs:job_retry": {"kwargs": _job, "post": only({PERF: 302}, otherwise=404)},
    "actions:round_close": {
        "kwargs": lambda w: {"pk": w.update_round.pk},
        "get": only({PERF: 200}),  # the confirmation page
        "post": only({PERF: 302}),
    },
    "actions:round_reminders": {
        "kwargs": lambda w: {"pk": w.update_round.pk},
        "get": only({PERF: 200}),  # the preview
        "post": only({PERF: 302}),
    },
    # Imports (the imports helper: refine these rows with real records when you can).
    "imports:importbatch_create": {"get": only(IMPORTERS), "post": only(IMPORTERS)},
    "imports:export": {"get": everyone(200)},
    "imports:importbatch_detail": {
        "kwargs": lambda w: {"pk": NO_SUCH},
        "get": everyone(MISSING),
    },
    "imports:importbatch_confirm": {
        "kwargs": lambda w: {"pk": NO_SUCH},
        "get": everyone(MISSING),
    },
    "imports:importbatch_apply": {
        "kwargs": lambda w: {"pk": NO_SUCH},
        "post": everyone(MISSING),
    },
    "imports:importbatch_discard": {
        "kwargs": lambda w: {"pk": NO_SUCH},
        "post": everyone(MISSING),
    },
    # Cabinet reports: everyone reads issued ones; only the performance team prepares and issues.
    "reports:cabinet_report_list": {"get": everyone(200)},
    "reports:cabinet_report_create": {"get": only({PERF: 200}), "post": only({PERF: 200})},
    "reports:cabinet_report_css": {"get": everyone(200)},
    "reports:reportsettings_update": {"get": only({PERF: 200}), "post": only({PERF: 200})},
    "reports:cabinet_report_detail": {
        "kwargs": lambda w: _report(w, issued=True),
        "get": everyone(200),
    },
    "reports:cabinet_report_preview": {
        "kwargs": lambda w: _report(w, issued=True),
        "get": everyone(200),
    },
    "reports:cabinet_report_download": {
        "kwargs": lambda w: _report(w, issued=True),
        "get": everyone(200),
    },
    "reports:cabinet_report_download_docx": {
        "kwargs": lambda w: _report(w, issued=True),
        "get": everyone(200),
    },
    "reports:cabinet_report_update": {
        "kwargs": lambda w: _report(w, issued=False),
        "get": only({PERF: 200}),
        "post": only({PERF: 200}),  # an empty form is re-shown with its errors
    },
    "reports:cabinet_report_render": {
        "kwargs": lambda w: _report(w, issued=False),
        "post": only({PERF: 302}),
    },
    "reports:cabinet_report_issue": {
        "kwargs": lambda w: _report(w, issued=False),
        "get": only({PERF: 200}, otherwise=MISSING),  # the confirmation page
        "post": only({PERF: 302}),  # no PDF yet: back to the report with the reason
    },
    "reports:cabinet_report_correct": {
        "kwargs": lambda w: _report(w, issued=True),
        "post": only({PERF: 302}),  # no correction note: back to the report with the reason
    },
    # Progress review position statements and evidence packs: the performance team only.
    "statements:statement_list": {"get": only({PERF: 200})},
    "statements:statement_create": {"get": only({PERF: 200}), "post": only({PERF: 200})},
    "statements:statement_css": {"get": only({PERF: 200})},
    "statements:statement_detail": {
        "kwargs": lambda w: _statement(w, issued=False),
        "get": only({PERF: 200}),
    },
    "statements:statement_update": {
        "kwargs": lambda w: _statement(w, issued=False),
        "get": only({PERF: 200}),
        "post": only({PERF: 200}),  # an empty form is re-shown with its errors
    },
    "statements:statement_preview": {
        "kwargs": lambda w: _statement(w, issued=False),
        "get": only({PERF: 200}),
    },
    "statements:statement_export": {
        "kwargs": lambda w: _statement(w, issued=False),
        "post": only({PERF: 302}),  # to the job's page
    },
    "statements:statement_issue": {
        "kwargs": lambda w: _statement(w, issued=False),
        "post": only({PERF: 302}),  # not exported yet: back to the statement with the reason
    },
    "statements:statement_new_version": {
        "kwargs": lambda w: _statement(w, issued=True),
        "post": only({PERF: 302}),  # to the new draft
    },
    "statements:statement_download": {
        "kwargs": lambda w: _statement(w, issued=True),
        "get": only({PERF: 200}),
    },
    "statements:statement_download_docx": {
        "kwargs": lambda w: _statement(w, issued=True),
        "get": only({PERF: 200}),
    },
    "statements:evidence_pack_build": {
        "kwargs": lambda w: _statement(w, issued=True),
        "post": only({PERF: 302}),  # to the job's page
    },
    "statements:evidence_pack_download": {
        "kwargs": lambda w: _statement(w, issued=True),
        "get": only({PERF: 404}),  # not built yet (tests/test_statements.py downloads one)
    },
}


def url_names(patterns=None, namespace=None):
    """Every named URL pattern of the project, walking included URLconfs."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


PROJECT_URLS = sorted({name for name in url_names() if not name.startswith("admin:")})


def test_every_url_has_an_expectation_row():
    missing = [name for name in PROJECT_URLS if name not in EXPECTATIONS]
    assert not missing, f"Add rows to EXPECTATIONS in {__file__} for: {', '.join(missing)}"


def test_every_row_names_a_real_url_and_every_role():
    assert set(EXPECTATIONS) <= set(PROJECT_URLS)
    for name, row in EXPECTATIONS.items():
        assert row.keys() & {"get", "post"}, name
        for method in ("get", "post"):
            if method in row:
                assert set(row[method]) == set(ROLES), f"{name} {method}"


@pytest.fixture
def world(personas, council, directorate):
    """One action led by the officer persona in the personas' directorate, with a milestone and
    an update, an open update round, and a person for each role of the matrix."""
    review = ReviewFactory(council=council)
    action = ActionFactory(
        recommendation=RecommendationFactory(review=review),
        lead_officer=personas[Role.OFFICER],
        directorate=directorate,
    )
    progress_update_create(
        action=action, author=action.lead_officer, status="on_track", percent_complete=10
    )
    other_directorate = DirectorateFactory(council=council, name="Children's Services")
    people = {
        OWNER: personas[Role.OFFICER],
        OFFICER: person_ensure(
            username="other.officer", council=council, role=Role.OFFICER, directorate=directorate
        ),
        DIR_SAME: personas[Role.DIRECTOR],
        DIR_OTHER: person_ensure(
            username="other.director",
            council=council,
            role=Role.DIRECTOR,
            directorate=other_directorate,
        ),
        PERF: personas[Role.PERFORMANCE],
        CABINET: personas[Role.CABINET],
        SCRUTINY: personas[Role.SCRUTINY],
    }
    return SimpleNamespace(
        review=review,
        action=action,
        milestone=MilestoneFactory(action=action),
        update_round=update_round_open(
            council=council,
            quarter=FinancialQuarter(2026, 3),
            deadline=FinancialQuarter(2026, 3).end,
            opened_by=personas[Role.PERFORMANCE],
        ),
        people=people,
    )


CASES = [
    (name, method, role)
    for name, row in sorted(EXPECTATIONS.items())
    for method in ("get", "post")
    if method in row
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_role_matrix(client, world, name, method, role):
    row = EXPECTATIONS[name]
    url = reverse(name, kwargs=row["kwargs"](world) if "kwargs" in row else None)
    if role != ANON:
        client.force_login(world.people[role])
    response = getattr(client, method)(url)
    expected = row[method][role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{method.upper()} {url} as {role}"
        assert response["Location"].startswith(reverse("login")), response["Location"]
    elif isinstance(expected, set):
        assert response.status_code in expected, f"{method.upper()} {url} as {role}"
    else:
        assert response.status_code == expected, f"{method.upper()} {url} as {role}"


def test_a_refusal_is_a_logged_govuk_403_page(client, world, caplog):
    client.force_login(world.people[CABINET])
    with caplog.at_level("WARNING", logger="tracker.security"):
        response = client.get(reverse("actions:update_create", kwargs=_action(world)))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "govuk-template" in response.content.decode()
    assert any(r.name == "tracker.security" for r in caplog.records)


@pytest.mark.parametrize("role", [CABINET, SCRUTINY, OFFICER, DIR_OTHER])
def test_read_only_people_never_see_an_edit_control(client, world, role):
    client.force_login(world.people[role])
    page = client.get(world.action.get_absolute_url()).content.decode()
    for control in ("Add an update", "Mark complete", "Change lead officer", "Correct an entry"):
        assert control not in page, control
    assert page.count('method="post"') == 1  # signing out, in the header


def test_the_owner_sees_the_edit_controls_and_the_performance_team_also_corrects(client, world):
    client.force_login(world.people[OWNER])
    page = client.get(world.action.get_absolute_url()).content.decode()
    assert "Add an update" in page and "Mark complete" in page
    assert "Change lead officer" not in page and "Correct an entry" not in page
    client.force_login(world.people[PERF])
    page = client.get(world.action.get_absolute_url()).content.decode()
    assert "Change lead officer" in page and "Correct an entry" in page


def test_another_councils_action_is_not_found_even_for_the_performance_team(client, world):
    elsewhere = ActionFactory()
    client.force_login(world.people[PERF])
    for name in ("actions:update_create", "actions:action_reassign", "actions:update_correct"):
        assert client.get(reverse(name, kwargs={"pk": elsewhere.pk})).status_code == 404


# The admin: staff only, and no one can change the history of progress updates there.


def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, world):
    client.force_login(world.people[OWNER])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_performance_team_uses_the_admin_and_sees_the_history(client, world):
    client.force_login(world.people[PERF])
    assert client.get(reverse("admin:index")).status_code == 200
    change = reverse("admin:actions_action_change", args=[world.action.pk])
    assert client.get(change).status_code == 200
    history = reverse("admin:actions_action_history", args=[world.action.pk])
    assert client.get(history).status_code == 200


@pytest.mark.parametrize("role", [PERF, OWNER])
def test_nobody_can_change_a_progress_update_in_the_admin(client, world, role, django_user_model):
    update = ProgressUpdate.objects.get(action=world.action)
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 20)
    for person in (world.people[role], superuser):
        client.force_login(person)
        url = reverse("admin:actions_progressupdate_change", args=[update.pk])
        response = client.post(url, {"status": "complete", "percent_complete": 100})
        assert response.status_code in {302, 403}
        update.refresh_from_db()
        assert (update.status, update.percent_complete) == ("on_track", 10)


# A second council: each of Knowsley's people asks for every URL of Sefton's world. Pages about
# one of Sefton's records are 404 to anyone Sefton's matrix would let in (the same refusal or
# 404 to the rest);
# pages without a record answer as they do for the same role in Sefton.
KNOWSLEY_AS = {
    Role.OFFICER: OFFICER,
    Role.DIRECTOR: DIR_OTHER,
    Role.PERFORMANCE: PERF,
    Role.CABINET: CABINET,
    Role.SCRUTINY: SCRUTINY,
}
# A help page's slug names a role, not a council's record: it is the same for every council.
# A council's public pages are public: anyone, of any council, reads them.
RECORD_URLS = {name for name, row in EXPECTATIONS.items() if "kwargs" in row} - {
    "password_reset_confirm",
    "service:help_page",
    *(name for name in EXPECTATIONS if name.startswith("public:")),
}
OTHER_COUNCIL_CASES = [
    (name, method, role)
    for name, row in sorted(EXPECTATIONS.items())
    for method in ("get", "post")
    if method in row
    for role in KNOWSLEY_AS
]


@pytest.mark.parametrize(("name", "method", "role"), OTHER_COUNCIL_CASES)
def test_role_matrix_for_another_councils_people(client, world, name, method, role):
    row = EXPECTATIONS[name]
    url = reverse(name, kwargs=row["kwargs"](world) if "kwargs" in row else None)
    knowsley = CouncilFactory(short_name="Knowsley")
    person = person_ensure(
        username=f"knowsley.{role.name.lower()}",
        council=knowsley,
        role=role,
        directorate=DirectorateFactory(council=knowsley, name="Knowsley Resources"),
    )
    client.force_login(person)
    response = getattr(client, method)(url)
    same_role = row[method][KNOWSLEY_AS[role]]
    same_role = same_role if isinstance(same_role, set) else {same_role}
    if name in RECORD_URLS and all(200 <= status < 400 for status in same_role):
        expected = {404}
    elif name in RECORD_URLS:
        expected = same_role | {404}
    else:
        expected = same_role
    assert response.status_code in expected, f"{method.upper()} {url} as Knowsley {role}"
