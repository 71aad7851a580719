from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "improvement.accounts"
    verbose_name = "Authorities and accounts"
