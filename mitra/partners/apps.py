from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "mitra.partners"
    label = "partners"
