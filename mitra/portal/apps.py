from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mitra.portal"
    label = "portal"

    def ready(self) -> None:
        from . import home, signals

        home.connect()  # the cached home page is dropped when what it shows changes
        signals.connect()  # and an article's page when the article changes
