from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mitra.portal"
    label = "portal"
