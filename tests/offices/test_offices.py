"""The public office (read once per request) and the office logo."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from mitra.core.uploads import random_name
from mitra.offices.models import Office
from mitra.offices.selectors import public_office, request_public_office
from mitra.portal.demo import demo_pdf, demo_png
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def test_public_office_is_read_once_per_request(office, django_assert_num_queries):
    request = RequestFactory().get("/")
    # Cold: the root office's id (the site lookup) and the office itself; then kept.
    with django_assert_num_queries(2):
        assert request_public_office(request) == office
    with django_assert_num_queries(0):
        assert request_public_office(request) == office
    with django_assert_num_queries(0):  # the next request: both answers are in the cache
        assert request_public_office(RequestFactory().get("/")) == office
    assert public_office() == office


def test_no_public_office_is_also_read_once(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        assert request_public_office(request) is None
        assert request_public_office(request) is None


def test_logo_is_served_publicly_and_missing_file_is_404(client, bandung):
    png = ContentFile(demo_png(8, 8, (10, 80, 160)))
    name = default_storage.save(random_name("offices/logo", "png"), png)
    with_logo = OfficeFactory(region=bandung, logo=name)
    response = client.get(f"/kantor/{with_logo.slug}/logo")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    lost = OfficeFactory(region=bandung, logo="offices/logo/hilang.png")
    assert client.get(f"/kantor/{lost.slug}/logo").status_code == 404


def test_admin_logo_must_be_an_image(rf, office, admin_user):
    request = rf.get("/")
    request.user = admin_user
    form_class = admin_site.get_model_admin(Office).get_form(request, office)
    pdf = SimpleUploadedFile("logo.pdf", demo_pdf("Logo"), content_type="application/pdf")
    form = form_class(instance=office, files={"logo": pdf})
    form.is_valid()
    assert "logo" in form.errors
    png = SimpleUploadedFile("logo.png", demo_png(8, 8, (10, 80, 160)), content_type="image/png")
    form = form_class(instance=office, files={"logo": png})
    form.is_valid()
    assert "logo" not in form.errors
