from django.apps import AppConfig


class OfstedEventsConfig(AppConfig):
    name = "improvement.ofsted_events"
    label = "ofsted_events"
    verbose_name = "Ofsted inspection events"
