from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "mitra.offices"
    label = "offices"

    def ready(self) -> None:
        from . import sites

        sites.connect()  # a saved or deleted office: its site lookups are forgotten
