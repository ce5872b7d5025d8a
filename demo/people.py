"""The demo logins, one per role."""

from accounts.choices import Role

DEMO_USERNAMES = {
    "officer": Role.OFFICER,
    "director": Role.DIRECTOR,
    "performance": Role.PERFORMANCE,
    "cabinet": Role.CABINET,
    "scrutiny": Role.SCRUTINY,
}
