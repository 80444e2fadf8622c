from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "mitra.elections"
    label = "elections"
