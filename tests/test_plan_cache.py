"""The read of the plan is cached per council and day, and every write that changes the plan
shows at once: a saved update, an approval, a correction, a bulk import. Another council's
cached plan is left alone.

Every test runs twice: on the local-memory cache (the default) and on the cache a deployment
of several gunicorn workers uses, one Redis shared by them all (``CACHE_REDIS_URL``). The Redis
runs need one at ``TEST_CACHE_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``; outside CI
they are skipped without one); their keys carry a prefix of their own, removed afterwards."""

import datetime as dt
import os
import uuid

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import override_settings

from actions.choices import ActionStatus
from actions.models import Action, PlanVersion
from actions.plan_cache import plan_changed
from actions.progress import plan_as_at
from actions.services import (
    council_approval_set,
    progress_update_accept,
    progress_update_correct,
    progress_update_create,
)
from imports.services import import_batch_apply
from tests.dashboard_plan import plan_build
from tests.factories import ActionFactory, CouncilFactory, RecommendationFactory
from tests.import_files import xlsx_bytes
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture
from tests.redis_service import redis_or_skip
from tests.test_import_action_plan import clean_plan_rows, upload
from tracker.quarters import previous_quarter_end

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True, params=["local memory", "shared Redis"])
def plan_cache_backend(request):
    if request.param == "local memory":
        yield
        return
    redis_or_skip(REDIS_URL)
    prefix = f"pct-test-{uuid.uuid4().hex}"
    backend = "django.core.cache.backends.redis.RedisCache"
    with override_settings(
        CACHES={"default": {"BACKEND": backend, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    ):
        assert type(caches["default"]).__name__ == "RedisCache"
        yield
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0), tick=False):
        yield


def read(review, day=TODAY, previous_day=None):
    return plan_as_at(reviews=[review], day=day, previous_day=previous_day)


def status_of(plan, action):
    return next(a.status for a in plan.actions if a.pk == action.pk)


def test_the_second_read_of_the_same_day_asks_the_database_only_for_the_plan_version(
    council, django_assert_num_queries
):
    review, _ = plan_build(council=council, size=2, today=TODAY)
    first = read(review)
    with django_assert_num_queries(1):  # the council's plan version
        again = read(review)
    assert again == first


def test_a_saved_update_shows_at_once(council):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    assert status_of(read(review), actions[0]) == ActionStatus.ON_TRACK
    progress_update_create(
        action=actions[0], author=actions[0].lead_officer, status="off_track",
        percent_complete=10, commentary="Slipped.",
    )  # fmt: skip
    assert status_of(read(review), actions[0]) == ActionStatus.OFF_TRACK


def test_a_saved_update_shows_at_once_on_the_dashboard_page(client, council, cabinet_member):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    client.force_login(cabinet_member)
    off_track = (
        'href="/actions/?review={}&amp;status=off_track">1'
        '<span class="govuk-visually-hidden"> Off track</span>'
    )
    page = client.get("/")
    assert {s: n for s, n, _ in page.context["dashboard"].status_counts}[
        ActionStatus.OFF_TRACK
    ] == 0
    assert off_track.format(review.pk) not in page.content.decode()
    progress_update_create(
        action=actions[0], author=actions[0].lead_officer, status="off_track",
        percent_complete=10, commentary="Slipped.",
    )  # fmt: skip
    page = client.get("/")
    assert {s: n for s, n, _ in page.context["dashboard"].status_counts}[
        ActionStatus.OFF_TRACK
    ] == 1
    # The rendered page is cached too: it must be the new one.
    assert off_track.format(review.pk) in page.content.decode()


def test_an_approval_shows_at_once(council, personas):
    from accounts.choices import Role

    review, actions = plan_build(council=council, size=1, today=TODAY)
    council_approval_set(council=council, updates_need_approval=True)
    action = actions[0]
    action.lead_officer = personas[Role.OFFICER]
    action.directorate = personas[Role.OFFICER].profile.directorate
    action.save()
    submitted = progress_update_create(
        action=action, author=personas[Role.OFFICER], status="off_track",
        percent_complete=10, commentary="Slipped.",
    )  # fmt: skip
    assert status_of(read(review), action) == ActionStatus.ON_TRACK  # not counted yet
    progress_update_accept(update=submitted, by=personas[Role.PERFORMANCE])
    assert status_of(read(review), action) == ActionStatus.OFF_TRACK


def test_a_correction_shows_at_once(council):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    action = Action.objects.get(pk=actions[0].pk)
    latest = action.updates.order_by("-recorded_at").first()
    assert status_of(read(review), action) == ActionStatus.ON_TRACK
    progress_update_correct(
        original=latest, author=action.lead_officer, status="at_risk", percent_complete=10,
        commentary="Should have said at risk.", seen_version=action.version,
    )  # fmt: skip
    assert status_of(read(review), action) == ActionStatus.AT_RISK


def test_a_bulk_import_shows_at_once(plan_setup):
    with time_machine.travel(dt.datetime(2024, 11, 1, 12, 0), tick=False):
        day = dt.date(2024, 11, 1)
        assert read(plan_setup.review, day=day).actions == ()
        batch = upload(plan_setup, xlsx_bytes(clean_plan_rows()))
        import_batch_apply(batch=batch, user=plan_setup.performance)
        plan = read(plan_setup.review, day=day)
    assert {a.reference for a in plan.actions} >= {"R1.1", "R2.1"}


def test_an_action_added_in_the_admin_or_a_shell_shows_at_once(council):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    assert len(read(review).actions) == 2
    ActionFactory(recommendation=actions[0].recommendation, reference="R9.9",
                  start_date=dt.date(2025, 4, 1))  # fmt: skip
    assert len(read(review).actions) == 3


def test_another_councils_cached_plan_is_untouched(council, django_assert_num_queries):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    other = CouncilFactory(short_name="Knowsley", name="Knowsley Council")
    other_review, _ = plan_build(council=other, size=1, today=TODAY, slug="knowsley-cpc")
    read(review), read(other_review)
    progress_update_create(
        action=actions[0], author=actions[0].lead_officer, status="off_track",
        percent_complete=10, commentary="Slipped.",
    )  # fmt: skip
    with django_assert_num_queries(1):  # still cached: only its plan version is read
        read(other_review)
    assert status_of(read(review), actions[0]) == ActionStatus.OFF_TRACK


def test_the_key_holds_the_day_the_previous_day_and_the_set_of_reviews(council):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    second = RecommendationFactory(review__council=council, review__slug="2018-cpc").review
    ActionFactory(recommendation=second.recommendations.get(), reference="X.1",
                  start_date=dt.date(2025, 4, 1))  # fmt: skip
    today = read(review)
    assert read(review, day=dt.date(2026, 9, 1)).day == dt.date(2026, 9, 1)
    # Before its first update (10 September) an action had not started; today it is on track.
    assert status_of(read(review, day=dt.date(2026, 9, 1)), actions[1]) == ActionStatus.NOT_STARTED
    assert status_of(today, actions[1]) == ActionStatus.ON_TRACK
    assert read(review, previous_day=dt.date(2026, 6, 30)).previous_day == dt.date(2026, 6, 30)
    assert len(plan_as_at(reviews=[review, second], day=TODAY).actions) == 3
    assert len(read(review).actions) == len(today.actions) == 2


def test_another_worker_process_sees_a_committed_change_through_the_database_version(
    council, django_capture_on_commit_callbacks
):
    """Local-memory caches are per process: the committed version in the database is what
    tells another gunicorn worker its cached plan is stale."""
    review, actions = plan_build(council=council, size=1, today=TODAY)
    local = f"plan-version:{council.pk}"
    cache.set(local, 7, timeout=None)  # the other process's own counter
    read(review)
    with django_capture_on_commit_callbacks(execute=True):
        Action.objects.filter(pk=actions[0].pk).update(description="Renamed")
        plan_changed(council_ids={council.pk})
    assert PlanVersion.objects.get(council=council).version == 1
    cache.set(local, 7, timeout=None)  # the other process never saw its counter move
    assert next(a for a in read(review).actions if a.pk == actions[0].pk).description == "Renamed"


def test_a_second_reader_of_a_cold_plan_waits_for_the_first_instead_of_reading_it_too(council):
    """Under load a cold read is slow and more readers arrive meanwhile: they are given what
    the first one stores, for that same plan version, and do not read the database."""
    import threading

    from actions import plan_cache

    review, _ = plan_build(council=council, size=1, today=TODAY)
    key = plan_cache.plan_key("test", reviews=[review], day=TODAY, previous_day=None)
    assert cache.add(f"{key}:reading", 1)  # another worker is reading it
    threading.Timer(0.2, lambda: cache.set(key, "what the first reader read")).start()

    def read_again():
        raise AssertionError("read the plan a second time")

    assert plan_cache.cached_value(key, read_again) == "what the first reader read"


def test_a_reader_does_not_wait_for_ever_for_a_first_reader_that_died(council, monkeypatch):
    from actions import plan_cache

    monkeypatch.setattr(plan_cache, "READ_WAIT_SECONDS", 0.1)
    review, _ = plan_build(council=council, size=1, today=TODAY)
    key = plan_cache.plan_key("test", reviews=[review], day=TODAY, previous_day=None)
    assert cache.add(f"{key}:reading", 1)  # taken by a worker killed mid-read
    assert plan_cache.cached_value(key, lambda: "read here") == "read here"
    assert cache.get(key) == "read here"


def test_a_reader_after_a_save_reads_the_new_plan_without_waiting_on_a_reader_of_the_old(
    council, monkeypatch
):
    """The key names the plan version: a reader arriving after a save neither waits for nor is
    given what a reader of the plan before it is still reading."""
    from actions import plan_cache

    review, actions = plan_build(council=council, size=1, today=TODAY)
    assert status_of(read(review), actions[0]) == ActionStatus.ON_TRACK
    previous_day = previous_quarter_end(TODAY)
    before = plan_cache.plan_key(
        "plan_as_at", reviews=[review], day=TODAY, previous_day=previous_day
    )
    assert cache.get(before) is not None
    assert cache.add(f"{before}:reading", 1)  # a slow reader of the old plan
    progress_update_create(
        action=actions[0], author=actions[0].lead_officer, status="off_track",
        percent_complete=10, commentary="Slipped.",
    )  # fmt: skip

    def no_waiting(seconds):
        raise AssertionError("waited for a reader of another plan version")

    monkeypatch.setattr(plan_cache.time, "sleep", no_waiting)
    assert status_of(read(review), actions[0]) == ActionStatus.OFF_TRACK
