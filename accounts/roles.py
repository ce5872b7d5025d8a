"""Which roles a person holds. Roles are Django groups named by ``Role``; the answer is cached on
the user object so templates and per-object checks on one page cost one query."""

import logging
from typing import NoReturn

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


security_log = logging.getLogger("tracker.security")


def refuse(request, reason: str) -> NoReturn:
    """Log who was refused what, and why, then answer 403 (Django renders templates/403.html)."""
    user = request.user
    security_log.warning(
        "refused user=%s method=%s path=%s reason=%s",
        user.get_username() if user.is_authenticated else "-",
        request.method,
        request.path,
        reason,
    )
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
