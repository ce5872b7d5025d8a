import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from accounts.services import person_ensure, roles_ensure
from actions.models import Action
from demo.people import DEMO_USERNAMES
from demo.sample_plan import sample_plan_load
from reviews.models import Council, Directorate

SAMPLE_PLAN = Path(settings.BASE_DIR) / "demo" / "fixtures" / "sample_action_plan.json"

# The demo officer's own sample actions are all finished; naming them as a contributor on open
# ones gives a quarter-end to try: (review slug, action reference).
DEMO_CONTRIBUTIONS = {
    "officer": [("2023-cpc", "R8.3"), ("2023-cpc", "R5.3"), ("2023-cpc", "R2.1")],
}


class Command(BaseCommand):
    help = (
        "Create the demo logins (one per role) and the illustrative sample action plan. "
        "Refuses to run unless DEBUG is on: demo accounts never belong in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", default="Sefton")

    def handle(self, *args, council: str, **options):
        if not settings.DEBUG:
            raise CommandError("Demo users are only created with DEBUG=1 (a local demo).")
        try:
            council_obj = Council.objects.get(short_name=council)
        except Council.DoesNotExist as exc:
            raise CommandError(f"No council {council!r}: run load_sefton first.") from exc
        password = os.environ.get("DEMO_PASSWORD", "sefton-demo")
        # The demo council publishes what it reports to Cabinet at /public/sefton/.
        Council.objects.filter(pk=council_obj.pk, publishes_progress=False).update(
            publishes_progress=True
        )
        plan = json.loads(SAMPLE_PLAN.read_text(encoding="utf-8"))
        roles_ensure()
        directorates = {d.name: d for d in Directorate.objects.filter(council=council_obj)}

        people = {}
        described = {officer["username"]: officer for officer in plan.get("officers", [])}
        for username in [*DEMO_USERNAMES, *described]:
            officer = described.get(username, {})
            people[username] = person_ensure(
                username=username,
                council=council_obj,
                role=DEMO_USERNAMES.get(username, Role.OFFICER),
                first_name=officer.get("first_name", username.title()),
                last_name=officer.get("last_name", "(demo)"),
                email=officer.get("email", f"{username}@example.org"),
                job_title=officer.get("job_title", ""),
                directorate=directorates.get(officer.get("directorate")),
                password=password if username in DEMO_USERNAMES else None,
            )
        added = sample_plan_load(data=plan, council=council_obj, people=people)
        for username, references in DEMO_CONTRIBUTIONS.items():
            for review_slug, reference in references:
                action = Action.objects.filter(
                    recommendation__review__council=council_obj,
                    recommendation__review__slug=review_slug,
                    reference=reference,
                ).first()
                if action is not None:
                    action.contributors.add(people[username])
        self.stdout.write(f"Sample action plan: {added} rows added.")
        self.stdout.write("Demo logins (password from DEMO_PASSWORD, default 'sefton-demo'):")
        for username, role in DEMO_USERNAMES.items():
            self.stdout.write(f"  {username:<12} {role.label}")
