"""Session lifetimes and the log of refused requests."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import patch_cache_control

from security.ip import client_ip
from security.signals import LOGIN_AT_KEY, SEEN_AT_KEY
from security.throttle import address_is_throttled

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


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on everything a signed-in person is sent, pages and
    downloads alike: a council's plan must not stay in a shared proxy or a shared PC's cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if getattr(response, "published", False) and not signed_in:
            return response  # the public page and the reports it publishes (public/views.py)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or signed_in:
            patch_cache_control(response, private=True, no_store=True)
        return response


class LoginAddressThrottleMiddleware:
    """Refuses sign-in attempts from an address that has failed too often lately, whatever
    usernames it tried (password spraying). django-axes already pauses one username from one
    address; this counts its records per address, with a higher limit (LOGIN_ADDRESS_FAILURE_
    LIMIT) because a council office shares one address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("login"):
            ip = client_ip(request)
            if address_is_throttled(ip):
                from security.views import lockout

                log.warning("login refused: too many failures from ip=%s", ip)
                return lockout(request, by_address=True)
        return self.get_response(request)
