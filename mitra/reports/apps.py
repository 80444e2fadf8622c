from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mitra.reports"
    label = "reports"
