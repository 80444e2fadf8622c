"""Activities: the staff activity list at national scale (1 million activities).

Logs a staff member of one national office in through the login form and requests the
list page (50 rows, themes and segments prefetched); the verify step reports the number of
queries per request measured in-process, which stays constant with the page size.
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

EMAIL = "bench-staff@example.org"
PASSWORD = "Bench-Staff-2024!"  # noqa: S105 — a synthetic benchmark account


def _setup(env: BenchEnv) -> None:
    script = (
        "from mitra.accounts.models import User, Membership;"
        "from mitra.offices.models import Office;"
        "from mitra.activities.models import Activity;"
        "from django.db.models import Count;"
        "row = Activity.objects.values('office_id').annotate(n=Count('pk')).order_by('-n').first();"
        "office = Office.objects.get(pk=row['office_id']) if row else Office.objects.first();"
        f"User.objects.filter(email='{EMAIL}').delete();"
        f"u = User.objects.create_user('{EMAIL}', '{PASSWORD}');"
        "Membership.objects.create(user=u, office=office, role='staff');"
        "print(office.pk, row['n'] if row else 0)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    ).stdout.split()
    env.state["office_activities"] = out[-1] if out else "?"
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
    script = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from mitra.accounts.models import User
c = Client()
c.force_login(User.objects.get(email="bench-staff@example.org"))
counts = []
for page in (1, 2, 50):
    with CaptureQueriesContext(connection) as q:
        c.get(f"/kegiatan/?page={page}", HTTP_HOST="127.0.0.1")
    counts.append(len(q))
print(counts)
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ},
    ).stdout.strip()
    return f"{env.state.get('office_activities')} activities in the office; queries per page {out}"


SCENARIOS = [
    Scenario(
        name="staff activity list (national)",
        path="/kegiatan/",
        scale="national",
        setup=_setup,
        headers=_headers,
        verify=_verify,
        target="1M activities; constant queries per request",
    ),
]
