"""How many wrong passwords an address has given lately, from django-axes' own records."""

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def address_failures(ip: str) -> int:
    """Failed sign-ins from ``ip`` within the cool-off, across every username it tried."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def address_is_throttled(ip: str) -> bool:
    return bool(ip) and address_failures(ip) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
