"""Who receives what, and the values a message about an activity or registration carries."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation

from mitra.accounts.models import COMMISSION_ROLES, Membership, Role, User
from mitra.activities.models import Activity
from mitra.checkin.models import Registration
from mitra.offices.models import Office
from mitra.offices.sites import public_url
from mitra.partners.phones import whatsapp_normalize

from .models import Channel, RegistrantLanguage
from .services import Recipient, user_recipients


def absolute(path: str, *, office_id: int | None = None) -> str:
    """Messages are sent from background tasks: their links start with SITE_URL, or with
    the site of `office_id` for its public pages where every office has a site."""
    return public_url(path, office_id=office_id)


def staff_users(office: Office) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            office=office, role__in=COMMISSION_ROLES, user__is_active=True
        ).select_related("user")
    ]


def coordinator_recipients(activity: Activity, *, exclude: User | None = None) -> list[Recipient]:
    """The partner's coordinators (email and inbox) and the partner's WhatsApp number; an
    activity of the office itself goes to whoever proposed it."""
    users: list[User] = []
    found: list[Recipient] = []
    if activity.partner_id is not None:
        users = [
            m.user
            for m in Membership.objects.filter(
                office_id=activity.office_id,
                role=Role.COORDINATOR,
                partner_id=activity.partner_id,
                user__is_active=True,
            ).select_related("user")
        ]
        partner = activity.partner
        if partner is not None and partner.whatsapp:
            language = users[0].preferred_language if users else "id"
            found.append(
                Recipient(Channel.WHATSAPP, partner.whatsapp, None, language, f"p{partner.pk}")
            )
    elif activity.created_by is not None:
        users = [activity.created_by]
    for user in users:
        if exclude is not None and user.pk == exclude.pk:
            continue
        found.extend(user_recipients(user))
    return found


def local_when(moment: datetime.datetime, language: str) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def local_date(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def activity_values(activity: Activity, language: str = "id") -> dict[str, object]:
    return {
        "title": activity.title,
        "date": local_date(timezone.localdate(activity.starts_at), language),
        "partner": activity.organiser_name,
        "url": absolute(reverse("activities:detail", args=[activity.pk])),
    }


def map_url(activity: Activity) -> str:
    if activity.is_online:
        return activity.online_url
    if activity.lat is not None and activity.lng is not None:
        return f"https://www.openstreetmap.org/?mlat={activity.lat}&mlon={activity.lng}#map=17/{activity.lat}/{activity.lng}"
    return absolute(reverse("portal:activity", args=[activity.pk]), office_id=activity.office_id)


def registrant_language(registration: Registration) -> str:
    found = RegistrantLanguage.objects.filter(registration=registration).first()
    return found.language if found else "id"


def registrant_recipients(registration: Registration, language: str) -> list[Recipient]:
    """Only registrants who consented and left a contact are written to."""
    if not registration.consent:
        return []
    found = []
    if registration.email:
        found.append(
            Recipient(Channel.EMAIL, registration.email, None, language, f"r{registration.pk}")
        )
    if registration.phone:
        try:
            number = whatsapp_normalize(registration.phone)
        except ValidationError:
            number = ""
        if number:
            found.append(Recipient(Channel.WHATSAPP, number, None, language, f"r{registration.pk}"))
    return found


def registration_values(registration: Registration, language: str) -> dict[str, object]:
    activity = registration.activity
    return {
        "title": activity.title,
        "when": local_when(activity.starts_at, language),
        "place": activity.venue
        or (activity.kelurahan.name if activity.kelurahan_id else "")  # type: ignore[union-attr]
        or activity.online_url,
        "map_url": map_url(activity),
        "ticket_url": absolute(reverse("checkin:ticket", args=[registration.secret])),
        "signup_url": absolute(reverse("notifications:signup"), office_id=activity.office_id),
        "position": registration.position or "",
        "materials_url": absolute(reverse("portal:materials"), office_id=activity.office_id),
    }
