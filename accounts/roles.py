"""Which roles a person holds. Roles are Django groups named by ``Role``; the answer is cached on
the user object so templates and per-object checks on one page cost one query."""

from typing import NoReturn

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from accounts.choices import Role


def roles_of(user) -> frozenset[Role]:
    """The roles of a signed-in person; none for anonymous visitors."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tracker_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._tracker_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    """True when the person holds any of ``roles``."""
    return bool(roles_of(user) & set(roles))


def is_performance_team(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser) or has_role(
        user, Role.PERFORMANCE
    )


def directorate_of(user):
    """The directorate on the person's profile, or None."""
    profile = getattr(user, "profile", None)
    return profile.directorate if profile else None


def refuse(request, reason: str) -> NoReturn:
    """Answer 403 (Django renders templates/403.html). The reason goes on the request so that
    ``security.middleware.RefusedRequestLogMiddleware``, which logs every 403, can say why."""
    request.refusal_reason = reason
    raise PermissionDenied(reason)


class PerformanceTeamRequiredMixin:
    """For pages only the performance team may use; everyone else gets a logged 403."""

    def dispatch(self, request, *args, **kwargs):
        if not is_performance_team(request.user):
            refuse(request, "performance team only")
        return super().dispatch(request, *args, **kwargs)


def leads_actions(user) -> bool:
    """Whether "My actions" is worth showing: officers, directors and anyone leading one."""
    return has_role(user, Role.OFFICER, Role.DIRECTOR) or user.led_actions.exists()


def approves_updates(user) -> bool:
    """Directors and the performance team accept or return officers' updates."""
    return is_performance_team(user) or has_role(user, Role.DIRECTOR)


# Who may be named as a recommendation's lead: a Cabinet member, and an officer or director.
LEAD_MEMBER_ROLES = (Role.CABINET,)
LEAD_OFFICER_ROLES = (Role.OFFICER, Role.DIRECTOR)


def people_with_role(*roles: Role, council=None):
    """Active people holding any of ``roles``, of ``council`` when one is given, by surname."""
    people = get_user_model().objects.filter(is_active=True, groups__name__in=roles)
    if council is not None:
        people = people.filter(profile__council=council)
    return people.distinct().order_by("last_name", "first_name")
