from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mitra.accounts"
    label = "accounts"
