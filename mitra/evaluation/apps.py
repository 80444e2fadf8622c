from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "mitra.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        # Analytics asks which kelurahan to hold back; this app answers (no upward import).
        from mitra.analytics import priority

        from .priority import late_kelurahan

        priority.register(late_kelurahan)
