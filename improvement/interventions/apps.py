from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "improvement.interventions"
    label = "interventions"
    verbose_name = "Support and intervention"
