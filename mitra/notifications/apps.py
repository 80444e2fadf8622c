from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mitra.notifications"
    label = "notifications"

    def ready(self) -> None:
        # The lower apps never import this one: it listens to their records instead.
        from mitra.accounts.backends import USER_FIGURES

        from . import (
            personal_data,  # noqa: F401  (declares its personal data)
            receivers,  # noqa: F401
            selectors,
        )

        # The header's unread count, read with the signed-in user (no query of its own).
        USER_FIGURES["inbox_unread"] = selectors.inbox_unread_figure
