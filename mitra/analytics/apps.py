from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "mitra.analytics"
    label = "analytics"

    def ready(self) -> None:
        from mitra.activities.selectors import PROPOSAL_HINTS

        from . import figure_cache
        from .queue import gap_hints

        figure_cache.connect()  # the cached dashboard is dropped when what it shows changes
        # The approval queue (activities, a lower app) shows whether a proposal fills a
        # gap of the recommendations: analytics hands it the hint.
        if gap_hints not in PROPOSAL_HINTS:
            PROPOSAL_HINTS.append(gap_hints)
