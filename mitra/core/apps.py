from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mitra.core"
    label = "core"

    def ready(self) -> None:
        from . import signals

        signals.connect()
