"""The evidence pack for a progress review: one zip of the evidence files attached to the plan's
counted updates up to the statement's day, each named by its recommendation and action (safe
names built from the references, never from the uploaded name), with an index PDF listing each
file against its recommendation, action, date and author."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import Evidence, ProgressUpdate, end_of_day
from reports.pdf import render_pdf
from tracker.people import display_name

INDEX_NAME = "00-index.pdf"
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def safe_part(text: str, *, fallback: str) -> str:
    """A reference as a file or folder name: letters and digits joined by hyphens."""
    cleaned = _UNSAFE.sub("-", text or "").strip("-")[:40]
    return cleaned or fallback


@dataclass(frozen=True)
class PackEntry:
    name: str  # its path in the zip
    evidence: Evidence
    recommendation: str
    action: str
    day: object
    author: str
    missing: bool = False


def pack_evidence(statement):
    """The evidence files the pack holds: attached to counted updates of the statement's
    review recorded by the end of its day, in plan order."""
    counted = ProgressUpdate.objects.counted().filter(
        action__recommendation__review=statement.review,
        recorded_at__lte=end_of_day(statement.as_at),
    )
    return (
        Evidence.objects.filter(update__in=counted)
        .select_related("update__author", "update__action__recommendation")
        .order_by(
            "update__action__recommendation__number",
            "update__action__reference",
            "update__recorded_at",
            "pk",
        )
    )


def pack_entries(statement) -> list[PackEntry]:
    entries, seen = [], {}
    for evidence in pack_evidence(statement):
        update = evidence.update
        action, recommendation = update.action, update.action.recommendation
        folder = safe_part(recommendation.reference, fallback=f"R{recommendation.number}")
        action_part = safe_part(action.reference, fallback=f"action-{action.pk}")
        day = timezone.localtime(update.recorded_at).date()
        stem = f"{folder}/{action_part}/{action_part}-{day:%Y-%m-%d}"
        seen[stem] = seen.get(stem, 0) + 1
        extension = safe_part(evidence.extension, fallback="bin").lower()
        entries.append(
            PackEntry(
                name=f"{stem}-{seen[stem]}.{extension}",
                evidence=evidence,
                recommendation=f"{recommendation.reference} {recommendation.title}",
                action=f"{action.reference} {action.description}",
                day=day,
                author=display_name(update.author),
            )
        )
    return entries


def index_html(statement, entries: list[PackEntry]) -> str:
    return render_to_string(
        "statements/pdf/evidence_index.html",
        {"statement": statement, "entries": entries, "council": statement.council.name},
    )


def build_pack(
    statement, *, progress: Callable[[int, int], None] | None = None, timeout=None
) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The zip (a temporary file, at its start) and how many evidence files it holds. A file
    missing from storage is listed in the index as missing rather than stopping the pack."""
    entries = pack_entries(statement)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    written = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, entry in enumerate(entries, start=1):
            try:
                with (
                    entry.evidence.file.open("rb") as source,
                    archive.open(entry.name, "w") as target,
                ):
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
                written.append(entry)
            except (FileNotFoundError, OSError):
                written.append(PackEntry(**{**entry.__dict__, "missing": True}))
            if progress:
                progress(number, len(entries))
        index = render_pdf(index_html(statement, written), timeout=timeout)
        archive.writestr(INDEX_NAME, index.content)
    out.seek(0)
    return out, sum(not e.missing for e in written)
