from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "mitra.evaluation"
    label = "evaluation"
