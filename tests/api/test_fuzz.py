"""Property-based API testing: schemathesis walks the OpenAPI schema for each role.

Every operation gets a bounded number of generated requests (valid and invalid) as an
anonymous visitor and with the token of each role. The run fails on any 5xx or on an
answer whose body or content type is not what the schema says. Bounded and
derandomised so it takes the same short time on every run (about a minute here).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from config.api import api
from mitra.accounts.services import api_token_create
from tests.checkin.factories import ActivityFactory, CheckinPointFactory, RegistrationFactory
from tests.factories import MembershipFactory, PartnerFactory

EXAMPLES_PER_OPERATION = 2
ROLES = ["anonymous", "admin", "staff", "observer", "coordinator"]


# The schema as the API publishes it at /api/v1/openapi.json, requests sent to the WSGI
# application in this process (so they see the test database).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes database connections after each request; in a test that
    would close the test's own transaction (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(db, keep_test_connection, programme, partner):
    """Some data for ids to hit, and each role's token (none for anonymous)."""
    activity = ActivityFactory(programme=programme, partner=partner, status="approved")
    CheckinPointFactory(activity=activity)
    RegistrationFactory(activity=activity)
    PartnerFactory(office=programme.office)
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES[1:]:
        extra = {"partner": partner} if role == "coordinator" else {}
        member = MembershipFactory(office=programme.office, role=role, **extra)
        headers[role] = {"Authorization": f"Token {api_token_create(user=member.user)}"}
    return headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_never_errors_and_answers_within_its_schema(case, role_headers):
    for headers in role_headers.values():  # the same request as each role
        case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )
