from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "improvement.concerns"
    verbose_name = "Concerns"
