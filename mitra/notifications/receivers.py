"""The events of the lower apps that send a message. They are heard here, through Django's
signals, so activities and check-in never import this app. Each handler only queues: the
send happens after the surrounding transaction commits."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

from mitra.accounts import member_cache
from mitra.activities.models import ActivityStatus, ReportReminder, Transition
from mitra.checkin.models import PENDING_HOURS, Registration, RegistrationStatus
from mitra.checkin.services import registration_confirm_url

from . import services
from .audiences import (
    activity_values,
    coordinator_recipients,
    registrant_language,
    registrant_recipients,
    registration_values,
    staff_users,
)
from .models import Delivery, RegistrantLanguage

S = ActivityStatus

# The message a registrant gets once they hold a seat or a place on the waiting list.
_SEAT_KIND: dict[str, str] = {
    RegistrationStatus.CONFIRMED: "registration_confirmed",
    RegistrationStatus.WAITING: "registration_waiting",
}

# Life-cycle moves that tell the partner (kind of message, whether the comment is the reason).
_TO_PARTNER: dict[str, tuple[str, bool]] = {
    S.APPROVED: ("activity_approved", False),
    S.RETURNED: ("activity_returned", True),
    S.REPORT_RETURNED: ("report_returned", True),
    S.VERIFIED: ("report_verified", False),
}


@receiver(post_save, sender=Transition, dispatch_uid="notifications.transition")
def transition_recorded(sender: Any, instance: Transition, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    activity = instance.activity
    values = activity_values(activity)
    values["comment"] = instance.comment
    values["reason"] = instance.comment
    if instance.to_status == S.SUBMITTED:
        recipients = [
            r
            for user in staff_users(activity.office)
            for r in services.user_recipients(user)
            if user.pk != instance.actor_id
        ]
        services.message_queue(
            office=activity.office,
            kind="activity_submitted",
            recipients=recipients,
            values=values,
            key=f"transition:{instance.pk}",
        )
        return
    if instance.to_status in _TO_PARTNER:
        kind, _reason = _TO_PARTNER[instance.to_status]
        services.message_queue(
            office=activity.office,
            kind=kind,
            recipients=coordinator_recipients(activity, exclude=instance.actor),
            values=values,
            key=f"transition:{instance.pk}",
        )


@receiver(post_save, sender=ReportReminder, dispatch_uid="notifications.report_reminder")
def report_reminder_recorded(
    sender: Any, instance: ReportReminder, created: bool, **kwargs: Any
) -> None:
    if not created or kwargs.get("raw"):
        return
    activity = instance.activity
    values = activity_values(activity)
    values["days"] = instance.days_overdue
    services.message_queue(
        office=activity.office,
        kind="report_overdue",
        recipients=coordinator_recipients(activity),
        values=values,
        key=f"report-overdue:{activity.pk}:{instance.days_overdue}",
    )


@receiver(post_save, sender=Registration, dispatch_uid="notifications.registration")
def registration_saved(sender: Any, instance: Registration, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    fields = kwargs.get("update_fields") or ()
    if created:
        # Registering happens in the person's language (the request's): keep it for later.
        language = translation.get_language() or "id"
        language = "en" if language.startswith("en") else "id"
        RegistrantLanguage.objects.update_or_create(
            registration=instance, defaults={"language": language}
        )
        kind = _SEAT_KIND.get(instance.status, "registration_confirm")
    elif "promoted_at" in fields and instance.status == RegistrationStatus.CONFIRMED:
        language = registrant_language(instance)
        kind = "registration_promoted"
    elif "confirmed_at" in fields and instance.status in _SEAT_KIND:
        language = registrant_language(instance)  # the link was opened: the ticket follows
        kind = _SEAT_KIND[instance.status]
    else:
        return
    values = registration_values(instance, language)
    if kind == "registration_confirm":
        values.update(confirm_url=registration_confirm_url(instance), hours=PENDING_HOURS)
    services.message_queue(
        office=instance.activity.office,
        kind=kind,
        recipients=registrant_recipients(instance, language),
        values=values,
        key=f"{kind}:{instance.pk}",
    )


@receiver(post_save, sender=Delivery, dispatch_uid="notifications-inbox-figure-save")
@receiver(post_delete, sender=Delivery, dispatch_uid="notifications-inbox-figure-delete")
def _inbox_changed(sender: Any, instance: Delivery, **kwargs: Any) -> None:
    """A message saved or deleted may change its recipient's unread count, which the member
    cache keeps with the signed-in person (bulk writes: `DeliveryQuerySet`)."""
    member_cache.forget(user_ids=[instance.user_id])
