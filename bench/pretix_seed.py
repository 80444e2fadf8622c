"""Seed pretix for the side-by-side bench (run by pretix's own Python, never Mitra's).

    var/pretix-venv/bin/python bench/pretix_seed.py --out var/pretix/seed.json --tickets 9000

with PRETIX_CONFIG_FILE pointing at the bench's pretix.cfg (bench/pretix_side.py does this).
Through pretix's models it makes, once: an organizer; one live, public event with a free
ticket and a quota; paid orders, one ticket each, until there are `--tickets`; a check-in
list for all products; a team with an API token that may check in. Every run it deletes the
list's check-ins, so each bench run scans unused tickets. It writes what the bench needs
(slugs, list id, token, ticket secrets, where pretix's static files are) as JSON to `--out`.

It imports nothing of Mitra: this file runs inside pretix's venv.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

ORGANIZER = "kpu-bench"
EVENT = "sosialisasi"
BATCH = 1000
# pretix's pseudonym alphabet (no 0/O, 1/I, 2/Z, 4/A, 5/S, 6/G look-alikes)
PSEUDONYM_CHARS = "BCDEFHJKLMNPQRTUVWXY3789"


def _add_tickets(event, item, numbers):  # type: ignore[no-untyped-def]
    """Paid orders of one free ticket each (a citizen's registration), written in bulk in one
    transaction: saving them one by one through pretix's save() (code, expiry, transactions,
    a uniqueness query per secret) took over ten minutes for 9,000 on the shared machine. The
    secrets come from the event's own ticket secret generator, as save() would take them."""
    from django.db import transaction
    from django.utils.crypto import get_random_string
    from django.utils.timezone import now
    from pretix.base.models import Order, OrderPosition
    from pretix.base.secrets import assign_ticket_secret

    channel = event.organizer.sales_channels.get(identifier="web")
    stamp = now()
    with transaction.atomic():
        orders = Order.objects.bulk_create(
            [
                Order(
                    organizer=event.organizer,
                    event=event,
                    code=f"B{n:06d}",
                    email=f"peserta{n}@example.org",
                    status=Order.STATUS_PAID,
                    datetime=stamp,
                    expires=stamp + datetime.timedelta(days=30),
                    total=Decimal("0"),
                    locale="id",
                    sales_channel=channel,
                )
                for n in numbers
            ]
        )
        positions = []
        for order in orders:
            position = OrderPosition(
                organizer=event.organizer,
                order=order,
                positionid=1,
                item=item,
                price=Decimal("0"),
                tax_rate=Decimal("0"),
                tax_value=Decimal("0"),
                pseudonymization_id=get_random_string(10, PSEUDONYM_CHARS),
            )
            assign_ticket_secret(event=event, position=position, force_invalidate=True, save=False)
            positions.append(position)
        OrderPosition.all.bulk_create(positions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--tickets", type=int, default=9000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")
    import django

    django.setup()

    import pretix
    from django.conf import settings
    from django.db import transaction
    from django.utils.timezone import now
    from django_scopes import scopes_disabled
    from pretix.base.models import Checkin, Event, OrderPosition, Organizer, Team

    with scopes_disabled(), transaction.atomic():
        organizer, _ = Organizer.objects.get_or_create(
            slug=ORGANIZER, defaults={"name": "KPU Kota (bench)"}
        )
        event = Event.objects.filter(organizer=organizer, slug=EVENT).first()
        starts = now() + datetime.timedelta(days=7)
        if event is None:
            event = Event.objects.create(
                organizer=organizer,
                slug=EVENT,
                name="Sosialisasi Pemilu untuk Pemilih Pemula",
                date_from=starts,
                date_to=starts + datetime.timedelta(hours=3),
                location="Aula Kelurahan, Bandung",
                currency="IDR",
                live=True,
                is_public=True,
                plugins=settings.PRETIX_PLUGINS_DEFAULT,
            )
            event.set_defaults()
            event.settings.timezone = "Asia/Jakarta"
            event.settings.locales = ["id"]  # Indonesian, as Mitra's public pages
            event.settings.locale = "id"
        else:  # keep the event upcoming, as Mitra's activity page
            Event.objects.filter(pk=event.pk).update(
                date_from=starts, date_to=starts + datetime.timedelta(hours=3), live=True
            )
        item = event.items.first()
        if item is None:
            item = event.items.create(
                name="Tiket peserta", default_price=Decimal("0"), admission=True, active=True
            )
            quota = event.quotas.create(name="Kursi", size=args.tickets * 10)
            quota.items.add(item)
        clist = event.checkin_lists.filter(name="Pintu masuk").first()
        if clist is None:
            clist = event.checkin_lists.create(name="Pintu masuk", all_products=True)

        Checkin.all.filter(list=clist).delete()
        have = OrderPosition.all.filter(order__event=event).count()

        team = Team.objects.filter(organizer=organizer, name="Bench scanner").first()
        if team is None:
            fields = {f.name for f in Team._meta.get_fields()}
            if "all_event_permissions" in fields:  # pretix ≥ 2025: permission sets
                rights = {"all_event_permissions": True}
            else:  # older pretix: one flag per right
                rights = {"can_view_orders": True, "can_checkin_orders": True}
            team = Team.objects.create(
                organizer=organizer, name="Bench scanner", all_events=True, **rights
            )
        token = team.tokens.filter(active=True).first() or team.tokens.create(name="bench")

    with scopes_disabled():
        for first in range(have, args.tickets, BATCH):
            _add_tickets(event, item, range(first, min(first + BATCH, args.tickets)))
            print(f"tickets: {min(first + BATCH, args.tickets)} of {args.tickets}", flush=True)
        ticket_secrets = list(
            OrderPosition.all.filter(order__event=event)
            .order_by("pk")
            .values_list("secret", flat=True)[: args.tickets]
        )

    Path(args.out).write_text(
        json.dumps(
            {
                "version": pretix.__version__,
                "organizer": organizer.slug,
                "event": event.slug,
                "list": clist.pk,
                "token": token.token,
                "secrets": ticket_secrets,
                "static_url": settings.STATIC_URL,
                "static_root": str(settings.STATIC_ROOT),
            }
        )
    )


if __name__ == "__main__":
    main()
