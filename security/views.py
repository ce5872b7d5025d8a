import logging

from django.conf import settings
from django.shortcuts import render

from security.ip import client_ip

log = logging.getLogger("tracker.security")


def lockout(request, original_response=None, credentials=None, *, by_address=False):
    """django-axes' lockout response, and the per-address one: a GOV.UK page saying how long to
    wait, status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    if not by_address:
        log.warning("login locked out user=%r ip=%s", username, client_ip(request))
    return render(
        request,
        "security/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "username": "" if by_address else username,
            "by_address": by_address,
        },
        status=429,
    )
