"""Every sign-in, failed sign-in and sign-out goes to the "tracker.security" log.

Receivers only write the audit log and stamp the session with its start time (read by
SessionLifetimeMiddleware); they change no data.
"""

import logging
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from security.ip import client_ip

log = logging.getLogger("tracker.security")

LOGIN_AT_KEY = "security_login_at"
SEEN_AT_KEY = "security_seen_at"


@receiver(user_logged_in, dispatch_uid="security_logged_in")
def log_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = request.session[SEEN_AT_KEY] = time.time()
    log.info(
        "login succeeded user=%s ip=%s",
        user.get_username(),
        client_ip(request) if request else "-",
    )


@receiver(user_login_failed, dispatch_uid="security_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in credentials; only the username is logged.
    log.warning(
        "login failed user=%r ip=%s",
        (credentials or {}).get("username", ""),
        client_ip(request) if request else "-",
    )


@receiver(user_logged_out, dispatch_uid="security_logged_out")
def log_logout(sender, request, user, **kwargs):
    log.info(
        "logout user=%s ip=%s",
        user.get_username() if user else "-",
        client_ip(request) if request else "-",
    )
