"""Session lifetimes and the log of refused requests."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from security.ip import client_ip
from security.signals import LOGIN_AT_KEY, SEEN_AT_KEY

log = logging.getLogger("tracker.security")

_REFRESH_SECONDS = 60


class SessionLifetimeMiddleware:
    """Idle and absolute session timeouts.

    Idle: the session (cookie and row) expires SESSION_COOKIE_AGE after it was last saved; this
    saves it again at most once a minute while the person is active, rather than on every request
    as SESSION_SAVE_EVERY_REQUEST would (a database write per page view).
    Absolute: a person is signed out SESSION_ABSOLUTE_AGE after signing in, however active, so a
    session left open on a shared council PC does not live for ever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(LOGIN_AT_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_AGE:
                log.info(
                    "session expired user=%s ip=%s",
                    request.user.get_username(),
                    client_ip(request),
                )
                logout(request)
                messages.info(request, "You have been signed out because your session expired.")
                return redirect_to_login(request.get_full_path())
            if now - request.session.get(SEEN_AT_KEY, 0) > _REFRESH_SECONDS:
                request.session[SEEN_AT_KEY] = now
        return self.get_response(request)


class RefusedRequestLogMiddleware:
    """Log every 403 (a refused permission or a failed CSRF check) with who asked for what."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            log.warning(
                "permission refused user=%s ip=%s method=%s path=%s reason=%s",
                user.get_username() if user is not None and user.is_authenticated else "-",
                client_ip(request),
                request.method,
                request.path,
                getattr(request, "refusal_reason", "-"),
            )
        return response
