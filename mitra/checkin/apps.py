from django.apps import AppConfig


class CheckinConfig(AppConfig):
    name = "mitra.checkin"
    label = "checkin"

    def ready(self) -> None:
        from . import (
            personal_data,  # noqa: F401  (declares its personal data)
            signals,
        )

        signals.connect()  # an activity reaching approved gets its check-in point
