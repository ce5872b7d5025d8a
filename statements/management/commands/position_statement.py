import datetime as dt
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.pdf import RenderError, render_pdf
from reviews.models import Review
from statements import services
from statements.docx import statement_docx
from statements.models import PositionStatement
from statements.pack import build_pack
from statements.rendering import statement_html


class Command(BaseCommand):
    help = (
        "Write the progress review's position statement and evidence pack: position_statement "
        "--review 2023-cpc --as-at 2024-09-30 --output statement.pdf|statement.docx "
        "[--evidence-pack pack.zip]. Uses the saved statement for that review and day if there "
        "is one (the latest version, with the team's words); otherwise the draft as the plan "
        "writes it, without saving anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--review", required=True, help="Review slug, e.g. 2023-cpc.")
        parser.add_argument("--as-at", required=True, help="The day, YYYY-MM-DD.")
        parser.add_argument("--output", help="Where to write the statement: .pdf or .docx.")
        parser.add_argument("--evidence-pack", help="Where to write the evidence pack: .zip.")

    def handle(self, *args, review, as_at, output, evidence_pack, **options):
        if not output and not evidence_pack:
            raise CommandError("Give --output statement.pdf|statement.docx, --evidence-pack "
                               "pack.zip, or both.")  # fmt: skip
        the_review = Review.objects.filter(slug=review).select_related("council").first()
        if the_review is None:
            known = ", ".join(Review.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No review {review!r}. Known reviews: {known or 'none'}.")
        try:
            day = dt.date.fromisoformat(as_at)
        except ValueError as exc:
            raise CommandError(f"--as-at: {as_at!r} is not a date like 2024-09-30.") from exc
        try:
            services.check_as_at(review=the_review, as_at=day)
        except ValidationError as exc:
            raise CommandError(f"--as-at: {' '.join(exc.messages)}") from exc
        targets = []
        if output:
            targets.append(self._target(output, (".pdf", ".docx"), "--output"))
        if evidence_pack:
            targets.append(self._target(evidence_pack, (".zip",), "--evidence-pack"))

        saved = PositionStatement.objects.filter(review=the_review, as_at=day).latest_first()
        statement = saved.select_related("council", "review", "supersedes").first()
        if statement is not None:
            sections = None
            where = f"saved {statement.get_status_display().lower()} version {statement.version}"
        else:
            statement, sections = services.statement_draft(review=the_review, as_at=day)
            where = "a draft from the plan, not saved"
        try:
            if output:
                self._statement(statement, sections, Path(output), where)
            if evidence_pack:
                self._pack(statement, Path(evidence_pack))
        except RenderError as exc:
            raise CommandError(str(exc)) from exc

    def _target(self, name: str, suffixes: tuple[str, ...], option: str) -> Path:
        target = Path(name)
        if target.suffix.lower() not in suffixes:
            raise CommandError(f"{option}: name a {' or '.join(suffixes)} file.")
        if not target.parent.exists():
            raise CommandError(f"{option}: the folder {target.parent} does not exist.")
        if target.is_dir():
            raise CommandError(f"{option}: {target} is a folder.")
        return target

    def _statement(self, statement, sections, target: Path, where: str) -> None:
        started = time.perf_counter()
        if target.suffix.lower() == ".docx":
            target.write_bytes(statement_docx(statement, sections=sections))
            self.stdout.write(
                f"Wrote {target} (Word, {where}) in {time.perf_counter() - started:.1f} s."
            )
            return
        rendered = render_pdf(statement_html(statement, sections=sections))
        target.write_bytes(rendered.content)
        self.stdout.write(
            f"Wrote {target} ({where}, {rendered.pages} pages, {len(rendered.content)} bytes) "
            f"in {time.perf_counter() - started:.1f} s."
        )

    def _pack(self, statement, target: Path) -> None:
        started = time.perf_counter()
        archive, count = build_pack(statement)
        with target.open("wb") as out:
            while chunk := archive.read(1024 * 1024):
                out.write(chunk)
        archive.close()
        self.stdout.write(
            f"Wrote {target} ({count} evidence file{'s' if count != 1 else ''} and an index) "
            f"in {time.perf_counter() - started:.1f} s."
        )
