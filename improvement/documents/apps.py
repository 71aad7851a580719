from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "improvement.documents"
    label = "documents"
    verbose_name = "School documents"

    def ready(self) -> None:
        from improvement.documents import checks  # noqa: F401  registers the system checks
