from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mitra.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import tokens

        tokens.connect()
        from . import personal_data  # noqa: F401  (declares its personal data)
