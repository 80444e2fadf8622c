"""Static files as production serves them: hashed names, cached for a year or more."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    return tmp_path


def test_hashed_static_files_get_long_lived_immutable_caching(collected):
    url = staticfiles_storage.url("css/mitra.css")
    assert re.search(r"/static/css/mitra\.[0-9a-f]{12}\.css$", url)
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600
    assert "immutable" in response["Cache-Control"]
    assert response.get("Content-Encoding") == "gzip"


def test_the_htmx_library_is_served_from_the_installed_package(collected):
    assert (collected / "django_htmx" / "htmx-2.min.js").exists()
    assert (collected / "vendor" / "jsqr" / "jsQR.js").exists()
