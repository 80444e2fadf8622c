from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "mitra.partners"
    label = "partners"

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (declares its personal data)
