from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "mitra.activities"
    label = "activities"
