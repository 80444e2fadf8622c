"""Demo step: one login per role, printed by `manage.py demo`."""

from __future__ import annotations

from mitra.demo.context import DEMO_PASSWORD, DemoContext

from .models import Role
from .services import membership_grant, user_create

# (email, name, role, partner index, office: the city's, its province's or the national)
DEMO_USERS = [
    ("admin@demo.mitra.id", "Admin Demo", Role.ADMIN, None, "office"),
    ("staf@demo.mitra.id", "Staf Demo", Role.STAFF, None, "office"),
    ("pemantau@demo.mitra.id", "Pemantau Demo", Role.OBSERVER, None, "office"),
    ("koordinator@demo.mitra.id", "Koordinator Demo", Role.COORDINATOR, 0, "office"),
    ("koordinator2@demo.mitra.id", "Koordinator Demo 2", Role.COORDINATOR, 1, "office"),
    ("provinsi@demo.mitra.id", "Staf Provinsi Demo", Role.STAFF, None, "province_office"),
    (
        "pemantau.provinsi@demo.mitra.id",
        "Pemantau Provinsi Demo",
        Role.OBSERVER,
        None,
        "province_office",
    ),
    ("nasional@demo.mitra.id", "Staf KPU RI Demo", Role.STAFF, None, "national_office"),
]
OFFICE_LABELS = {"office": "", "province_office": " (provinsi)", "national_office": " (KPU RI)"}


def demo_logins() -> list[tuple[str, str]]:
    return [
        (f"{role.label}{OFFICE_LABELS[office]}", email)
        for email, _name, role, _p, office in DEMO_USERS
    ]


def build(ctx: DemoContext) -> None:
    from django.contrib.auth.hashers import make_password

    from mitra.accounts.models import User

    partners = ctx.objects["partners"]
    # One password for every demo login: hashed once (a hash takes most of a second).
    hashed = make_password(DEMO_PASSWORD)
    for email, name, role, partner_index, office_key in DEMO_USERS:
        User.objects.filter(email=email).delete()
        user = user_create(email=email, password=None, full_name=name, is_staff=role == Role.ADMIN)
        user.password = hashed
        user.is_superuser = role == Role.ADMIN
        user.save(update_fields=["password", "is_superuser"])
        membership_grant(
            user=user,
            office=ctx.objects[office_key],
            role=role,
            partner=partners[partner_index] if partner_index is not None else None,
        )
