"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The turnout evaluation's statistics libraries take seconds to import: a worker loads them
# as it starts, so no request waits for them (nor hits the worker timeout doing so).
from mitra.evaluation.estimate import preload  # noqa: E402

preload()
