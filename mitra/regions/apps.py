from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "mitra.regions"
    label = "regions"
