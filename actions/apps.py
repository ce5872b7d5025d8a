from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action plans"

    def ready(self):
        from actions import plan_cache

        plan_cache.connect()
