"""The read of the plan, cached per council and day, and every write that makes it stale.

``actions.progress.plan_as_at`` (and the dashboard's status-by-quarter counts) keep what they
read in Django's cache (``settings.CACHES``: local memory unless ``CACHE_REDIS_URL`` is set) under
a key made of the councils' plan versions, the set of reviews, the day and the previous day. A
write that changes what the plan says moves its council's version on, so the next read misses
and reads the database again; another council's cached plan is untouched.

A version has two parts, so that it is right with local-memory caches in several worker
processes as well as with Redis:

- ``PlanVersion.version``, a row per council in the database, moved on just after the writing
  transaction commits (no lock is held while the transaction runs). Every process reads it,
  one small query per read of the plan, so a save in one gunicorn worker shows in the others.
- a counter in the cache, moved on at once (the writer's own process, and tests, whose
  transactions never commit, see the change immediately) and again after the commit, so a plan
  read by another request while the transaction was still open is never served again.

What calls ``plan_changed``: the ``post_save``/``post_delete`` receivers below (actions,
milestones, progress updates, corrections, recommendations, reviews, themes, directorates, the
council, people's names), and explicitly every write that bypasses those signals:
``QuerySet.update()`` on plan data (approvals, the action's status shortcut, the council's
approval setting) and the imports' ``bulk_create``/``bulk_update`` and history bulk helpers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_delete

from actions.models import Action, Milestone, PlanVersion, ProgressUpdate
from reviews.models import Council, Directorate, Portfolio, Recommendation, Review, Theme

ALL = "all"  # a write whose council cannot be told: every council's plan is read again


def _local_key(council_id) -> str:
    return f"plan-version:{council_id}"


def _bump_local(council_ids: Iterable) -> None:
    for council_id in council_ids:
        key = _local_key(council_id)
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (yet, or any more): any new value will do
            cache.set(key, _fresh_counter(), timeout=None)


def _fresh_counter() -> int:
    # Never reuse a counter an evicted key may have had: start from the clock.
    return int(dt.datetime.now().timestamp() * 1_000_000)


def _bump_database(council_ids: set) -> None:
    for council_id in council_ids:
        rows = PlanVersion.objects.filter(council_id=council_id)
        if rows.update(version=F("version") + 1):
            continue
        # No row yet reads as version 0, so the first one starts at 1.
        _, created = PlanVersion.objects.get_or_create(
            council_id=council_id, defaults={"version": 1}
        )
        if not created:  # another process made it meanwhile
            rows.update(version=F("version") + 1)


def plan_changed(*, council_ids: Iterable) -> None:
    """The plan of these councils has changed (or will, when the transaction commits)."""
    ids = set(council_ids)
    if ALL in ids:
        ids = set(Council.objects.values_list("pk", flat=True))
    ids.discard(None)
    if not ids:
        return
    _bump_local(ids)

    def after_commit():
        _bump_database(ids)
        _bump_local(ids)

    transaction.on_commit(after_commit)


def councils_of_actions(action_ids: Iterable[int]) -> set:
    ids = set(action_ids)
    found = set(
        Action.objects.filter(pk__in=ids).values_list(
            "recommendation__review__council_id", flat=True
        )
    )
    return found if found or not ids else {ALL}


def councils_of_recommendations(recommendation_ids: Iterable[int]) -> set:
    ids = set(recommendation_ids)
    found = set(
        Recommendation.objects.filter(pk__in=ids).values_list("review__council_id", flat=True)
    )
    return found if found or not ids else {ALL}


def councils_of_reviews(review_ids: Iterable[int]) -> set:
    ids = set(review_ids)
    found = set(Review.objects.filter(pk__in=ids).values_list("council_id", flat=True))
    return found if found or not ids else {ALL}


def actions_changed(action_ids: Iterable[int]) -> None:
    plan_changed(council_ids=councils_of_actions(action_ids))


# -- the receivers ---------------------------------------------------------------------------


def _council_of(instance) -> set:
    if isinstance(instance, Council):
        return {instance.pk}
    if isinstance(instance, Review | Directorate | Portfolio):
        return {instance.council_id}
    if isinstance(instance, Recommendation | Theme):
        return councils_of_reviews([instance.review_id])
    if isinstance(instance, Action):
        return councils_of_recommendations([instance.recommendation_id])
    if isinstance(instance, Milestone | ProgressUpdate):
        return councils_of_actions([instance.action_id])
    return {ALL}


def _on_write(sender, instance, **kwargs):
    plan_changed(council_ids=_council_of(instance))


# Saves that never change a name shown in the plan: signing in, a new password.
_NOT_SHOWN = {"last_login", "password"}


def _on_person_write(sender, instance, update_fields=None, **kwargs):
    """A lead officer's name is in the plan; signing in is not."""
    if update_fields is not None and set(update_fields) <= _NOT_SHOWN:
        return
    if kwargs.get("created"):
        return  # nobody leads an action before they exist
    council_ids = set(
        Action.objects.filter(lead_officer=instance).values_list(
            "recommendation__review__council_id", flat=True
        )
    )
    plan_changed(council_ids=council_ids)


PLAN_MODELS = (
    Council,
    Directorate,
    Review,
    Theme,
    Recommendation,
    Action,
    Milestone,
    ProgressUpdate,
)


def connect() -> None:
    for model in PLAN_MODELS:
        post_save.connect(_on_write, sender=model, dispatch_uid=f"plan-cache-save-{model}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"plan-cache-del-{model}")
    user = get_user_model()
    post_save.connect(_on_person_write, sender=user, dispatch_uid="plan-cache-person-save")
    # Before: deleting a person empties their actions' lead officer with an update() (no
    # signal), after which nothing says which councils' plans named them.
    pre_delete.connect(_on_person_write, sender=user, dispatch_uid="plan-cache-person-del")


# -- the read --------------------------------------------------------------------------------


def _versions(council_ids: list) -> str:
    stored = dict(
        PlanVersion.objects.filter(council_id__in=council_ids).values_list("council_id", "version")
    )
    local = cache.get_many([_local_key(c) for c in council_ids])
    return ",".join(f"{c}.{stored.get(c, 0)}.{local.get(_local_key(c), 0)}" for c in council_ids)


def council_cached(reads: dict[str, Callable[[], object]], *, council_id) -> dict:
    """``{name: read()}`` for things that depend on a council's plan but not on the day (the
    filters' long lists of themes, reviews and lead officers), cached like the plan: one query
    for the plan version and one cache round trip for them all."""
    if not settings.PLAN_CACHE_SECONDS or council_id is None:
        return {name: read() for name, read in reads.items()}
    versions = _versions([council_id])
    keys = {
        name: "plan:" + hashlib.sha256(f"{name}|{versions}".encode()).hexdigest() for name in reads
    }
    found = cache.get_many(list(keys.values()))
    result, missing = {}, {}
    for name, key in keys.items():
        if key in found:
            result[name] = found[key]
        else:
            result[name] = missing[key] = reads[name]()
    if missing:
        cache.set_many(missing, timeout=settings.PLAN_CACHE_SECONDS)
    return result


def plan_key(
    what: str,
    *,
    reviews: list[Review],
    day: dt.date,
    previous_day: dt.date | None,
    extra: str = "",
) -> str | None:
    """The cache key of a read of these reviews' plan on ``day`` as it stands now (its
    councils' plan versions, the set of reviews, both days); None when the cache is off."""
    if not settings.PLAN_CACHE_SECONDS or not reviews:
        return None
    council_ids = sorted({review.council_id for review in reviews})
    review_ids = ",".join(str(pk) for pk in sorted({review.pk for review in reviews}))
    key = "|".join(
        (what, _versions(council_ids), review_ids, day.isoformat(),
         previous_day.isoformat() if previous_day else "-", extra)
    )  # fmt: skip
    return "plan:" + hashlib.sha256(key.encode()).hexdigest()


# At quarter end every save makes the next read of the plan cold, and under load a cold read
# takes long enough for several more readers to arrive: without this they would all read the
# plan again at once, making each other slower still. The first reader of a key reads it; the
# others wait (at most READ_WAIT_SECONDS) for what it stores. A key names one plan version, so
# what they are given is exactly what they would have read.
READ_WAIT_SECONDS = 3.0
_POLL_SECONDS = 0.02


def cached_value(key: str | None, read: Callable[[], object]):
    """What ``read()`` returned for ``key`` (a ``plan_key``), reading it once if need be: once
    in all the processes sharing the cache, when another is reading it already."""
    if key is None:
        return read()
    found = cache.get(key)
    if found is not None:
        return found
    reading = f"{key}:reading"
    first = cache.add(reading, 1, timeout=int(READ_WAIT_SECONDS) + 10)
    if not first:
        waited_until = time.monotonic() + READ_WAIT_SECONDS
        while time.monotonic() < waited_until:
            time.sleep(_POLL_SECONDS)
            found = cache.get(key)
            if found is not None:
                return found
        # The reader is slow or died: read it here too, rather than keep the person waiting.
    try:
        found = read()
        cache.set(key, found, timeout=settings.PLAN_CACHE_SECONDS)
    finally:
        if first:
            cache.delete(reading)
    return found


def cached_read(
    what: str,
    *,
    reviews: list[Review],
    day: dt.date,
    previous_day: dt.date | None,
    read: Callable[[], object],
    extra: str = "",
):
    """``read()``, or what it returned last time for the same reviews, days and plan versions.

    ``what`` names the read (one key space per read); ``extra`` any other argument it takes."""
    key = plan_key(what, reviews=reviews, day=day, previous_day=previous_day, extra=extra)
    return cached_value(key, read)
