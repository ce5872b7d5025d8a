from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Session lifetimes, the security log and the login lockout page."""

    name = "security"
    verbose_name = "security"

    def ready(self):
        # Logging only: the audit trail of sign-ins must not depend on which view did the login.
        from security import signals  # noqa: F401
