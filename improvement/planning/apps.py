from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "improvement.planning"
    verbose_name = "Visit planning"
