"""One rule for "someone else saved this after you opened it", used by the update forms, the
admin and the spreadsheet imports alike.

A versioned record has a ``version`` that goes up with every change. A save made from a page
(or a spreadsheet preview) that read version N goes ahead only while the record is still at N."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import F


class VersionedQuerySet(models.QuerySet):
    def is_at_version(self, *, pk: int, seen_version: int) -> bool:
        return self.filter(pk=pk, version=seen_version).exists()

    def claim(self, *, pk: int, seen_version: int | None) -> bool:
        """Move the record's version on by one, only if it is still the one the person saw
        (``seen_version`` None: unconditionally, for imports and sample data). False when
        someone else saved it first; then nothing was changed."""
        rows = self.filter(pk=pk)
        if seen_version is not None:
            rows = rows.filter(version=seen_version)
        return rows.update(version=F("version") + 1) == 1

    def claim_all(self, records: Iterable[models.Model]) -> list[models.Model]:
        """For bulk writes: lock the records until the transaction ends and return those no
        longer at the version they were read at. When there are none, each record's
        ``version`` is moved on in memory, for the caller's ``bulk_update`` to write."""
        records = list(records)
        current = dict(
            self.select_for_update()
            .filter(pk__in=[record.pk for record in records])
            .values_list("pk", "version")
        )
        changed = [record for record in records if current.get(record.pk) != record.version]
        if not changed:
            for record in records:
                record.version += 1
        return changed
