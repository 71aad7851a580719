from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "improvement.imports"
    verbose_name = "Public data imports"
