"""The client's address, for the lockout and the security log."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the council's proxies put in X-Forwarded-For.

    Behind ``TRUSTED_PROXY_COUNT`` proxies the real client is that many entries from the right
    of X-Forwarded-For; anything further left was written by the client and cannot be trusted.
    Without this every user would share the proxy's address, and one person guessing passwords
    would lock everybody out.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_ip(request) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_ip(request)
