from django.core.management.base import BaseCommand, CommandError

from actions.models import UpdateRound
from actions.services import update_reminders_send


class Command(BaseCommand):
    help = (
        "Email each lead officer once, listing their actions that still lack a progress update "
        "for an update round (default: every open round), and print a summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, dest="round_id", help="The round's ID.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would be emailed; send nothing."
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The tracker's address, such as https://tracker.example.gov.uk, to link each "
            "action in the email.",
        )

    def handle(self, *args, round_id, dry_run, base_url, **options):
        rounds = UpdateRound.objects.select_related("council")
        if round_id is not None:
            rounds = rounds.filter(pk=round_id)
            if not rounds.exists():
                raise CommandError(f"No update round with ID {round_id}.")
        else:
            rounds = rounds.open()
            if not rounds.exists():
                self.stdout.write("No open update round: nothing to send.")
                return
        for update_round in rounds:
            by_owner = update_reminders_send(
                update_round=update_round, dry_run=dry_run, base_url=base_url
            )
            verb = "Would email" if dry_run else "Emailed"
            self.stdout.write(f"{update_round.council}: {update_round}")
            emailed = 0
            for owner, actions in by_owner.items():
                references = ", ".join(a.reference for a in actions)
                if owner is None:
                    self.stdout.write(f"  No lead officer to remind: {references}")
                elif not owner.email:
                    name = owner.get_username()
                    self.stdout.write(f"  {name} has no email address: {references}")
                else:
                    emailed += 1
                    self.stdout.write(f"  {verb} {owner.email}: {len(actions)} ({references})")
            outstanding = sum(len(actions) for actions in by_owner.values())
            self.stdout.write(
                f"  {outstanding} outstanding action(s); {verb.lower()} {emailed} owner(s)."
            )
