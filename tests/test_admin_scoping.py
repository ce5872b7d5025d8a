"""The admin keeps each council's staff inside their own council.

Two councils, Sefton and Knowsley, each with a full set of records and a person in every role.
Every admin URL (list, add, change, history, delete, autocomplete) of every registered model is
asked for by every persona of both councils: another council's records are 404, lists and
choices hold only the person's own council, and anyone who is not staff is sent to sign in.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from accounts.choices import Role
from accounts.services import person_ensure, roles_ensure
from actions.models import Action, ProgressUpdate
from actions.services import progress_update_create, update_round_open
from imports.models import ImportBatch
from reports.models import ReportSettings
from reports.services import cabinet_report_create
from reviews.admin import CouncilScopedAdminMixin, council_path, scope_to_council
from reviews.models import PeerFeedback, PeerTeamMember, RecommendationLink
from tests.factories import (
    ActionFactory,
    CouncilFactory,
    DirectorateFactory,
    MilestoneFactory,
    PortfolioFactory,
    RecommendationFactory,
    ReviewFactory,
    ThemeFactory,
)
from tracker.quarters import FinancialQuarter

pytestmark = pytest.mark.django_db

COUNCILS = ["Sefton", "Knowsley"]


def _council_records(short_name: str) -> SimpleNamespace:
    """One of everything the admin shows, for one council, and a person in every role."""
    council = CouncilFactory(short_name=short_name)
    directorate = DirectorateFactory(council=council, name=f"{short_name} Corporate Resources")
    people = {
        role: person_ensure(
            username=f"{short_name.lower()}.{role.name.lower()}",
            council=council,
            role=role,
            directorate=directorate,
            email=f"{role.name.lower()}@{short_name.lower()}.gov.uk",
        )
        for role in Role
    }
    PortfolioFactory(council=council, name=f"{short_name} Regulatory")
    earlier_review = ReviewFactory(council=council, onsite_start=dt.date(2018, 1, 1))
    review = ReviewFactory(council=council)
    theme = ThemeFactory(review=review)
    earlier = RecommendationFactory(review=earlier_review)
    recommendation = RecommendationFactory(review=review, theme=theme)
    RecommendationLink.objects.create(later=recommendation, earlier=earlier, kind="repeats")
    PeerFeedback.objects.create(review=review, recommendation=earlier, text="Good progress.")
    PeerTeamMember.objects.create(review=review, name=f"Peer of {short_name}")
    action = ActionFactory(
        recommendation=recommendation, lead_officer=people[Role.OFFICER], directorate=directorate
    )
    MilestoneFactory(action=action)
    progress_update_create(
        action=action, author=people[Role.OFFICER], status="on_track", percent_complete=10
    )
    performance = people[Role.PERFORMANCE]
    update_round_open(
        council=council,
        quarter=FinancialQuarter(2026, 3),
        deadline=FinancialQuarter(2026, 3).end,
        opened_by=performance,
    )
    ImportBatch.objects.create(
        council=council, review=review, kind="action_plan", filename="plan.csv", content=b"x"
    )
    # Each council's own details, so that it may start a report (no council gets Sefton's).
    ReportSettings.objects.create(
        council=council,
        report_of=f"{short_name} Director of Resources",
        portfolio=f"{short_name} Cabinet Member",
        contact_officer=f"{short_name} Contact",
        contact_telephone="0151 000 0000",
        contact_email=f"reports@{short_name.lower()}.gov.uk",
        website=f"https://www.{short_name.lower()}.gov.uk",
    )
    cabinet_report_create(
        council=council,
        quarter=FinancialQuarter(2024, 3),
        reviews=[review],
        created_by=performance,
        meeting_date=dt.date(2025, 2, 10),
    )
    return SimpleNamespace(council=council, people=people, action=action)


@pytest.fixture
def councils(db, django_user_model):
    roles_ensure()
    worlds = {name: _council_records(name) for name in COUNCILS}
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 20)
    return SimpleNamespace(worlds=worlds, root=root)


def _personas(councils):
    """(label, user, council) for every persona of both councils, the superuser and anonymous."""
    for name, world in councils.worlds.items():
        for role, person in world.people.items():
            yield f"{name}-{role.name.lower()}", person, world.council
    yield "superuser", councils.root, None
    yield "anonymous", None, None


def _request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _admin_urls(model_admin, obj):
    opts = model_admin.model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    return {
        "change": reverse(f"{prefix}_change", args=[obj.pk]),
        "history": reverse(f"{prefix}_history", args=[obj.pk]),
        "delete": reverse(f"{prefix}_delete", args=[obj.pk]),
    }


def _expected_own(model_admin, user, page, obj):
    """What Django's own permission rules answer for a record of the person's own council."""
    request = _request_as(user)
    allowed = {
        "list": model_admin.has_view_or_change_permission(request),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_view_or_change_permission(request, obj),
        "history": model_admin.has_view_or_change_permission(request, obj),
        "delete": model_admin.has_delete_permission(request, obj),
    }[page]
    return 200 if allowed else 403


# Deployment-wide records no council's staff may open: the roles every council shares,
# django-axes's sign-in attempts (addresses, not council records), and the task queue's jobs
# and results (every council's work passes through one queue; the person who asked follows
# their job on its own page, /jobs/<id>/, which checks who asked).
DEPLOYMENT_ONLY = {
    "auth.Group",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "jobs.Job",
    "django_tasks_database.DBTaskResult",
}
REGISTERED = sorted(
    (ma for ma in admin.site._registry.values() if ma.model._meta.label not in DEPLOYMENT_ONLY),
    key=lambda ma: ma.model._meta.label,
)


def test_deployment_wide_admin_pages_are_for_superusers_only(client, councils):
    client.force_login(councils.worlds["Knowsley"].people[Role.PERFORMANCE])
    for model_admin in admin.site._registry.values():
        opts = model_admin.model._meta
        if opts.label in DEPLOYMENT_ONLY:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            assert client.get(url).status_code == 403, url


def test_every_model_admin_and_inline_is_council_scoped():
    for model_admin in REGISTERED:
        assert isinstance(model_admin, CouncilScopedAdminMixin), model_admin
        for inline in model_admin.inlines:
            assert issubclass(inline, CouncilScopedAdminMixin), inline
    from actions.admin import ActionInline

    assert issubclass(ActionInline, CouncilScopedAdminMixin)
    assert issubclass(ActionInline, InlineModelAdmin)


def test_it_finds_the_council_of_every_model_the_admin_shows():
    paths = {ma.model._meta.label: council_path(ma.model) for ma in REGISTERED}
    assert paths == {
        "accounts.Profile": "council",
        "actions.Action": "recommendation__review__council",
        "actions.Milestone": "action__recommendation__review__council",
        "actions.ProgressUpdate": "action__recommendation__review__council",
        "actions.UpdateRound": "council",
        "auth.User": "profile__council",
        "imports.ImportBatch": "council",
        "reports.CabinetReport": "council",
        "reports.ReportSettings": "council",
        "reports.ReportingPeriod": "council",
        "reviews.Council": "",
        "reviews.PeerFeedback": "review__council",
        "reviews.Recommendation": "review__council",
        "reviews.RecommendationLink": "later__review__council",
        "reviews.Review": "council",
        "reviews.Theme": "review__council",
    }


def test_every_admin_url_answers_each_persona_of_both_councils_only_for_their_council(
    client, councils
):
    failures = []
    for label, user, own_council in _personas(councils):
        client.logout()
        if user is not None:
            client.force_login(user)
        for model_admin in REGISTERED:
            model = model_admin.model
            opts = model._meta
            prefix = f"admin:{opts.app_label}_{opts.model_name}"
            urls = {
                "list": reverse(f"{prefix}_changelist"),
                "add": reverse(f"{prefix}_add"),
            }
            targets = []
            for name, world in councils.worlds.items():
                obj = scope_to_council(model._default_manager.all(), world.council).first()
                assert obj is not None, f"no {opts.label} for {name}"
                targets.append((world.council, obj))
            for page, url in urls.items():
                expected = _expected_status(label, user, model_admin, page, None)
                status = client.get(url).status_code
                if status != expected:
                    failures.append(f"{label} GET {url}: {status}, expected {expected}")
            for council, obj in targets:
                for page, url in _admin_urls(model_admin, obj).items():
                    if user is None or not user.is_staff:
                        expected = 302
                    elif user.is_superuser or council == own_council:
                        expected = _expected_own(model_admin, user, page, obj)
                    else:
                        expected = 404
                    status = client.get(url).status_code
                    if status != expected:
                        failures.append(f"{label} GET {url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def _expected_status(label, user, model_admin, page, obj):
    if user is None or not user.is_staff:
        return 302  # to the admin's sign-in page
    return _expected_own(model_admin, user, page, obj)


def test_the_performance_team_works_in_its_own_councils_admin(client, councils):
    knowsley = councils.worlds["Knowsley"]
    client.force_login(knowsley.people[Role.PERFORMANCE])
    for name in ("actions_action", "reviews_review", "reviews_recommendation", "reviews_council"):
        obj = knowsley.action if name == "actions_action" else None
        if obj is None:
            model = admin.site._registry
            obj = next(
                scope_to_council(ma.model.objects.all(), knowsley.council).first()
                for ma in model.values()
                if f"{ma.model._meta.app_label}_{ma.model._meta.model_name}" == name
            )
        assert client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200
        assert client.get(reverse(f"admin:{name}_history", args=[obj.pk])).status_code == 200


def test_knowsley_cannot_save_a_change_to_a_sefton_action(client, councils):
    sefton, knowsley = councils.worlds["Sefton"], councils.worlds["Knowsley"]
    client.force_login(knowsley.people[Role.PERFORMANCE])
    url = reverse("admin:actions_action_change", args=[sefton.action.pk])
    response = client.post(url, {"reference": "HACKED", "description": "Changed by Knowsley"})
    assert response.status_code == 404
    sefton.action.refresh_from_db()
    assert sefton.action.reference != "HACKED"
    revert = reverse(
        "admin:actions_action_simple_history",
        args=[sefton.action.pk, sefton.action.history.first().history_id],
    )
    assert client.get(revert).status_code == 404


def test_lists_and_choices_hold_only_the_persons_council(client, councils):
    sefton, knowsley = councils.worlds["Sefton"], councils.worlds["Knowsley"]
    client.force_login(knowsley.people[Role.PERFORMANCE])
    listed = client.get(reverse("admin:actions_action_changelist")).context["cl"].queryset
    assert list(listed) == [knowsley.action]
    page = client.get(reverse("admin:actions_action_change", args=[knowsley.action.pk]))
    form = page.context["adminform"].form
    officers = set(form.fields["lead_officer"].queryset)
    assert officers == set(knowsley.people.values())
    assert set(form.fields["contributors"].queryset) == officers
    for field in ("directorate", "portfolio", "recommendation"):
        councils_offered = {
            scope_to_council(type(choice).objects.filter(pk=choice.pk), knowsley.council).exists()
            for choice in form.fields[field].queryset
        }
        assert councils_offered == {True}, field
    # The list filters offer only Knowsley's reviews and directorates.
    filters = page = client.get(reverse("admin:actions_action_changelist")).content.decode()
    assert sefton.action.recommendation.review.title not in filters
    assert "Sefton Corporate Resources" not in page


def test_the_recommendation_autocomplete_lists_only_the_persons_council(client, councils):
    sefton, knowsley = councils.worlds["Sefton"], councils.worlds["Knowsley"]
    client.force_login(knowsley.people[Role.PERFORMANCE])
    for app_label, model_name, field_name in (
        ("actions", "action", "recommendation"),
        ("reviews", "recommendationlink", "earlier"),
        ("reviews", "recommendationlink", "later"),
        ("actions", "milestone", "action"),
    ):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": app_label, "model_name": model_name, "field_name": field_name},
        )
        assert response.status_code == 200, (model_name, field_name)
        ids = {int(row["id"]) for row in response.json()["results"]}
        assert ids, (model_name, field_name)
        target = Action if field_name == "action" else type(sefton.action.recommendation)
        assert (
            not target.objects.filter(pk__in=ids)
            .exclude(pk__in=scope_to_council(target.objects.all(), knowsley.council))
            .exists()
        ), (model_name, field_name)


def test_inline_rows_and_choices_stay_in_the_council(client, councils):
    knowsley = councils.worlds["Knowsley"]
    client.force_login(knowsley.people[Role.PERFORMANCE])
    recommendation = knowsley.action.recommendation
    page = client.get(reverse("admin:reviews_recommendation_change", args=[recommendation.pk]))
    for formset in page.context["inline_admin_formsets"]:
        for form in formset.formset.forms:
            for field in form.fields.values():
                queryset = getattr(field, "queryset", None)
                if queryset is None or queryset.model is type(form.instance):
                    continue
                outside = queryset.exclude(
                    pk__in=scope_to_council(queryset.model.objects.all(), knowsley.council)
                )
                assert not outside.exists(), (formset.formset.model, field.label)


def test_a_progress_update_of_another_council_is_404_in_the_admin(client, councils):
    sefton, knowsley = councils.worlds["Sefton"], councils.worlds["Knowsley"]
    update = ProgressUpdate.objects.get(action=sefton.action)
    client.force_login(knowsley.people[Role.PERFORMANCE])
    url = reverse("admin:actions_progressupdate_change", args=[update.pk])
    assert client.get(url).status_code == 404
