"""Creating people and their roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.choices import Role
from accounts.models import Profile

# The performance team maintains reviews and plans in the admin. Progress updates are only ever
# viewed there: they are corrected by adding an entry, never edited.
_PERFORMANCE_TEAM_PERMISSIONS = {
    "reviews": {
        "council",
        "directorate",
        "portfolio",
        "review",
        "peerteammember",
        "theme",
        "recommendation",
        "recommendationlink",
        "peerfeedback",
    },
    "actions": {"action", "milestone", "updateround"},
}


@transaction.atomic
def roles_ensure() -> dict[Role, Group]:
    """Create the role groups (and the performance team's admin permissions) if missing."""
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    editable = Permission.objects.none()
    for app_label, models in _PERFORMANCE_TEAM_PERMISSIONS.items():
        editable |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    view_updates = Permission.objects.filter(
        content_type__app_label="actions", codename="view_progressupdate"
    )
    groups[Role.PERFORMANCE].permissions.add(*editable, *view_updates)
    return groups


@transaction.atomic
def person_ensure(
    *,
    username: str,
    council,
    role: Role | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    directorate=None,
    password: str | None = None,
):
    """Create or bring up to date one person; an existing password is only replaced when given."""
    user, created = get_user_model().objects.get_or_create(username=username)
    user.first_name, user.last_name = first_name or user.first_name, last_name or user.last_name
    user.email = email or user.email
    user.is_staff = role == Role.PERFORMANCE or user.is_superuser
    if password is not None:
        if created or not user.check_password(password):
            user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    Profile.objects.update_or_create(
        user=user,
        defaults={"council": council, "directorate": directorate, "job_title": job_title},
    )
    return user
