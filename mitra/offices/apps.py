from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "mitra.offices"
    label = "offices"
