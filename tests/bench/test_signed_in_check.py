"""The bench's signed-in rows measure the signed-in page, not a redirect to the sign-in
page (which wrk would count as a fast 3xx answer)."""

from __future__ import annotations

import pytest

from bench.harness import BenchEnv, session_headers, signed_in_page_error

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_verified_staff_session_passes_and_a_stale_one_is_named(live_server, staff_member):
    env = BenchEnv(base_url=live_server.url, national=False)
    headers = session_headers(staff_member.user.email)
    assert signed_in_page_error(env, "/kegiatan/", headers) == ""
    assert (
        signed_in_page_error(env, "/kegiatan/", {"Cookie": "sessionid=no-such-session"})
        == "signed-in page answered HTTP 302, not 200"
    )
    # A page that answers 200 to anyone is not taken for a signed-in one either.
    assert (
        signed_in_page_error(env, "/", {"Cookie": "sessionid=no-such-session"})
        == "the answer is not a signed-in page (no sign-out form)"
    )
