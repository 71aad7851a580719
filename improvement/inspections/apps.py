from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "improvement.inspections"
    verbose_name = "Ofsted inspections"
