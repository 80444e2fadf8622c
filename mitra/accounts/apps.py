from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mitra.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import tokens

        tokens.connect()
