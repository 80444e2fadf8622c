from django.apps import AppConfig


class CheckinConfig(AppConfig):
    name = "mitra.checkin"
    label = "checkin"
