from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Personal data protection (UU 27/2022): consents, requests of the people concerned,
    retention by kind, the record of processing. It sits at the top of the dependency
    order: it hears the lower apps' consents through `core.personal_data.consent_given`."""

    name = "mitra.privacy"
    label = "privacy"

    def ready(self) -> None:
        from . import declarations, receivers  # noqa: F401

        declarations.register_message_kind()
