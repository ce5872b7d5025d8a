from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Seed and synthetic data: Sefton's reviews, the sample plan, demo logins, data at scale."""

    name = "demo"
    verbose_name = "Demo and seed data"
