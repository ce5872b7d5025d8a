import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.council_data import council_data_load

DEFAULT_FILE = Path(settings.BASE_DIR) / "demo" / "fixtures" / "sefton.json"


class Command(BaseCommand):
    help = "Load Sefton's peer reviews and recommendations (the real content of the reports)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, file: Path, **options):
        counts = council_data_load(data=json.loads(file.read_text(encoding="utf-8")))
        if not counts.changed_anything:
            self.stdout.write("Sefton data already up to date: nothing changed.")
            return
        for verb, bucket in (("created", counts.created), ("updated", counts.updated)):
            for label, number in sorted(bucket.items()):
                self.stdout.write(f"{verb} {number} {label}")
