from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "improvement.schools"
    verbose_name = "School register"
