from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "improvement.decisions"
    verbose_name = "Policy decisions"
