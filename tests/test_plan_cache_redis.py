"""The same promises as ``test_plan_cache`` with the cache a deployment of several gunicorn
workers uses: one Redis shared by them all (``CACHE_REDIS_URL``). A saved update, an approval, a
correction or a bulk import shows at once; another council's plan stays cached.

Needs a Redis at ``TEST_CACHE_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``); skipped with a
message otherwise. Keys carry a prefix of their own, removed afterwards."""

import os
import socket
import uuid
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from django.test import override_settings

from actions.choices import ActionStatus
from actions.services import progress_update_create
from tests import test_plan_cache as on_local_memory
from tests.dashboard_plan import plan_build
from tests.import_fixtures import plan_setup_fixture  # noqa: F401 - the plan_setup fixture
from tests.test_plan_cache import TODAY, clock, read, status_of  # noqa: F401 - clock: autouse

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str) -> bool:
    address = urlparse(url)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def shared_redis_cache():
    if not _reachable(REDIS_URL):
        pytest.skip(f"no Redis at {REDIS_URL} (TEST_CACHE_REDIS_URL)")
    prefix = f"pct-test-{uuid.uuid4().hex}"
    backend = "django.core.cache.backends.redis.RedisCache"
    caches = {"default": {"BACKEND": backend, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    with override_settings(CACHES=caches):
        yield
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_the_cache_is_the_shared_redis():
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"


def test_a_second_read_is_served_from_redis(council, django_assert_num_queries):
    review, _ = plan_build(council=council, size=2, today=TODAY)
    first = read(review)
    with django_assert_num_queries(1):  # the council's plan version
        assert read(review) == first


def test_a_saved_update_shows_at_once_from_redis(council):
    review, actions = plan_build(council=council, size=1, today=TODAY)
    assert status_of(read(review), actions[0]) == ActionStatus.ON_TRACK
    progress_update_create(
        action=actions[0], author=actions[0].lead_officer, status="off_track",
        percent_complete=10, commentary="Slipped.",
    )  # fmt: skip
    assert status_of(read(review), actions[0]) == ActionStatus.OFF_TRACK


# The whole story, once more on Redis: the page and its figures, approvals, corrections, imports,
# an admin-style save, another council, another worker process.
test_a_saved_update_shows_at_once_on_the_dashboard_page = (
    on_local_memory.test_a_saved_update_shows_at_once_on_the_dashboard_page
)
test_an_approval_shows_at_once = on_local_memory.test_an_approval_shows_at_once
test_a_correction_shows_at_once = on_local_memory.test_a_correction_shows_at_once
test_a_bulk_import_shows_at_once = on_local_memory.test_a_bulk_import_shows_at_once
test_an_action_added_in_the_admin_or_a_shell_shows_at_once = (
    on_local_memory.test_an_action_added_in_the_admin_or_a_shell_shows_at_once
)
test_another_councils_cached_plan_is_untouched = (
    on_local_memory.test_another_councils_cached_plan_is_untouched
)
