"""The `site` context processor: the public office and the membership's rights."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from mitra.accounts.context_processors import site
from mitra.accounts.permissions import Right
from mitra.offices.selectors import request_public_office

pytestmark = pytest.mark.django_db


def test_rights_come_from_the_membership_without_queries(
    observer_member, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.membership = observer_member
    request_public_office(request)
    with django_assert_num_queries(0):
        context = site(request)
    assert context["membership_rights"] == {
        Right.VIEW_DASHBOARD,
        Right.VIEW_ALL_PARTNERS,
        Right.EXPORT,
    }
    assert "export" in context["membership_rights"]  # templates test plain strings


def test_visitors_have_no_rights(office):
    request = RequestFactory().get("/")
    context = site(request)
    assert context["site_office"] == office and context["membership_rights"] == frozenset()
