from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "mitra.analytics"
    label = "analytics"

    def ready(self) -> None:
        from . import figure_cache

        figure_cache.connect()  # the cached dashboard is dropped when what it shows changes
