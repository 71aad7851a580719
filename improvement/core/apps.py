from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "improvement.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from improvement.core import permissions  # noqa: F401  registers the rules
