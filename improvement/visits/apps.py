from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "improvement.visits"
    verbose_name = "Visits and visit records"
