from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.choices import ImportKind
from imports.parsing import MAX_FILE_BYTES
from imports.services import (
    ImportRefused,
    import_batch_apply,
    import_batch_create,
    import_preview,
    preview_as_text,
)
from reviews.models import Review, council_of


class Command(BaseCommand):
    help = (
        "Import a council's action plan from an XLSX or CSV file into a review. Prints the same "
        "preview as the Import page; writes nothing with --dry-run or when the file has any "
        "problem, and exits non-zero then."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx or .csv file to import.")
        parser.add_argument("--review", required=True, help="Slug of the review, e.g. 2023-cpc.")
        parser.add_argument("--dry-run", action="store_true", help="Preview only; write nothing.")
        parser.add_argument(
            "--as",
            dest="username",
            help="Who the import is by; needed when the file has statuses or updates.",
        )

    def handle(self, *args, file: str, review: str, dry_run: bool, username: str | None, **opts):
        try:
            review_obj = Review.objects.select_related("council").get(slug=review)
        except Review.DoesNotExist as exc:
            raise CommandError(f"There is no review with the slug {review!r}.") from exc
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"There is no user {username!r}.")
            if council_of(user) != review_obj.council and not user.is_superuser:
                raise CommandError(f"{username} does not belong to {review_obj.council}.")
        path = Path(file)  # the operator's own argument; nothing in the file names a path
        if not path.is_file():
            raise CommandError(f"{file} is not a file.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{file} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        content = path.read_bytes()
        arguments = {
            "kind": ImportKind.ACTION_PLAN,
            "content": content,
            "filename": path.name,
            "council": review_obj.council,
            "review": review_obj,
        }
        preview = import_preview(**arguments, user=user)
        summary = preview.summary()
        self.stdout.write(preview_as_text(summary))
        if summary["errors"]:
            raise CommandError(f"{len(summary['errors'])} problems: nothing was imported.")
        if user is None and any(item.update for item in preview.operations):
            raise CommandError("The file has statuses or updates: say who they are by with --as.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        batch = import_batch_create(**arguments, uploaded_by=user, sheet=preview.sheet)
        try:
            import_batch_apply(batch=batch, user=user)
        except ImportRefused as refused:
            raise CommandError(f"{refused} Nothing was imported.") from refused
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name} into {review_obj.title}."))
