from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mitra.reports"
    label = "reports"

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (declares its personal data)
