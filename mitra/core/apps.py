from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mitra.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        # Pillow refuses to decode past twice this (uploads are refused past it earlier).
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
