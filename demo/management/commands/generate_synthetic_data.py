import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.synthetic import SYNTHETIC_SHORT_NAME, synthetic_council_create
from reviews.models import Council


class Command(BaseCommand):
    help = (
        f"Create the council '{SYNTHETIC_SHORT_NAME}' holding N copies of a council's reviews, "
        "recommendations, actions, milestones and updates, to measure speed at scale. "
        "Replaces an earlier synthetic council; never changes the source council's rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=100, help="How many copies (N).")
        parser.add_argument("--source", default="Sefton", help="Short name of the council copied.")

    def handle(self, *args, scale: int, source: str, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        try:
            source_council = Council.objects.get(short_name=source)
        except Council.DoesNotExist as exc:
            raise CommandError(f"No council {source!r}: run load_sefton first.") from exc
        started = time.perf_counter()
        council, _, counts = synthetic_council_create(scale=scale, source=source_council)
        # What autovacuum would do soon after a bulk load: without fresh statistics PostgreSQL
        # plans the 100x tables as if they were still Sefton's size (and runs them 30x slower).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"{council.name}: {counts.reviews} reviews, {counts.recommendations} recommendations, "
            f"{counts.actions} actions, {counts.milestones} milestones, {counts.updates} updates "
            f"in {time.perf_counter() - started:.1f}s."
        )
