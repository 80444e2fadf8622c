from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "mitra.analytics"
    label = "analytics"
