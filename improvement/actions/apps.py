from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "improvement.actions"
    verbose_name = "Agreed actions"
