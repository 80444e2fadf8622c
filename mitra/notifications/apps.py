from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mitra.notifications"
    label = "notifications"

    def ready(self) -> None:
        # The lower apps never import this one: it listens to their records instead.
        from . import (
            personal_data,  # noqa: F401  (declares its personal data)
            receivers,  # noqa: F401
        )
