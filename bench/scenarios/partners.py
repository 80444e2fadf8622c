"""Partners: the staff partner registry at national scale (≈40,000 partners, 500 offices).

A staff member of the national office with the most partners logs in through the login
form; wrk requests the registry's list page (50 rows with category, segments, areas and
agreements prefetched, counts by category and agreement status beside the filters). The
second row adds an agreement-status filter and asks for page 2. The verify step measures
the number of queries per request in-process for pages 1 and 2 and a filtered page.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from bench.harness import BenchEnv, Scenario, WrkResult

EMAIL = "bench-partners@example.org"
PASSWORD = "Bench-Partners-2024!"  # noqa: S105 — a synthetic benchmark account


def _setup(env: BenchEnv) -> None:
    script = (
        "from mitra.accounts.models import User, Membership;"
        "from mitra.offices.models import Office;"
        "from mitra.partners.models import Partner;"
        "from django.db.models import Count;"
        "row = Partner.objects.values('office_id').annotate(n=Count('pk')).order_by('-n').first();"
        "office = Office.objects.get(pk=row['office_id']) if row else Office.objects.first();"
        f"User.objects.filter(email='{EMAIL}').delete();"
        f"u = User.objects.create_user('{EMAIL}', '{PASSWORD}');"
        "Membership.objects.create(user=u, office=office, role='staff');"
        "print(Partner.objects.count(), row['n'] if row else 0)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    ).stdout.split()
    env.state["partners_total"] = out[-2] if len(out) >= 2 else "?"
    env.state["partners_office"] = out[-1] if out else "?"
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(f"{env.base_url}/akun/masuk/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
    data = urllib.parse.urlencode(
        {
            "username": EMAIL,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
    ).encode()
    opener.open(
        urllib.request.Request(  # noqa: S310 — the local benchmark server
            f"{env.base_url}/akun/masuk/",
            data=data,
            headers={"Referer": f"{env.base_url}/akun/masuk/"},
        )
    )
    env.state["cookie"] = "; ".join(f"{c.name}={c.value}" for c in jar)


def _headers(env: BenchEnv) -> dict[str, str]:
    return {"Cookie": env.state.get("cookie", "")}


def _verify(env: BenchEnv, result: WrkResult) -> str:
    script = f"""
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from mitra.accounts.models import User
c = Client()
c.force_login(User.objects.get(email="{EMAIL}"))
counts = []
for query in ("", "?halaman=2", "?agreement_status=active&halaman=1"):
    with CaptureQueriesContext(connection) as q:
        response = c.get(f"/mitra/{{query}}", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.status_code
    counts.append(len(q))
print(counts)
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ},
    ).stdout.strip()
    return (
        f"{env.state.get('partners_total')} partners in total, "
        f"{env.state.get('partners_office')} in the office; queries per page {out}"
    )


SCENARIOS = [
    Scenario(
        name="staff partner list (national)",
        path="/mitra/",
        scale="national",
        setup=_setup,
        headers=_headers,
        verify=_verify,
        target="40,000 partners; constant queries per request",
    ),
    Scenario(
        name="partner list, agreement filter, page 2 (national)",
        path="/mitra/?agreement_status=active&halaman=2",
        scale="national",
        setup=_setup,
        headers=_headers,
        target="40,000 partners",
    ),
]
