"""The local Redis some tests need (the RQ task queue, the shared plan cache): skipped with a
message where none runs, except in CI, which sets REQUIRE_REDIS=1 so a missing Redis fails."""

import os

import pytest


def redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not running at {url} (CI sets REQUIRE_REDIS=1)")
