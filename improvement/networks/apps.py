from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "improvement.networks"
    label = "networks"
    verbose_name = "Network focus support"
