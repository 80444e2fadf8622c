"""The weekly digests: each coordinator gets their partner's week, each staff member the
office's pace against its targets, overdue reports and the top gaps. Figures come from the
activity and analytics selectors; the digest only lays them out as lines of text."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.accounts.models import COMMISSION_ROLES, Membership, Role
from mitra.activities.models import Activity
from mitra.activities.selectors import AWAITING_REPORT, overdue_activities
from mitra.analytics import selectors as analytics
from mitra.elections.selectors import current_programme
from mitra.offices.models import Office
from mitra.partners.models import Deliverable

from . import services
from .audiences import absolute

NONE = "—"


def _lines(items: list[str]) -> str:
    return "\n".join(f"• {item}" for item in items) if items else NONE


def partner_digest_values(membership: Membership, today: datetime.date) -> dict[str, object]:
    partner = membership.partner
    assert partner is not None
    week_end = today + datetime.timedelta(days=7)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(week_end, datetime.time.min))
    activities = Activity.objects.filter(
        partner=partner, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at")
    awaiting = Activity.objects.filter(
        partner=partner, status__in=AWAITING_REPORT, ends_at__lt=timezone.now()
    ).order_by("ends_at")
    deliverables = Deliverable.objects.filter(
        agreement__partner=partner, agreement__valid_until__gte=today
    ).select_related("agreement")
    gaps = analytics.partner_gaps(membership=membership, today=today, limit=3)
    return {
        "partner": partner.name,
        "activities": _lines(
            [f"{timezone.localtime(a.starts_at):%d-%m %H:%M} {a.title}" for a in activities[:10]]
        ),
        "reports_due": _lines([f"{a.title} ({a.report_due_on:%d-%m-%Y})" for a in awaiting[:10]]),
        "deliverables": _lines(
            [f"{d.get_metric_display()}: {d.target}" for d in deliverables[:10]]
        ),
        "gaps": _lines([f"{g.area_name} · {g.segment_name}" for g in gaps]),
        "url": absolute(reverse("accounts:home")),
    }


def staff_digest_values(membership: Membership, today: datetime.date) -> dict[str, object]:
    office = membership.office
    board = analytics.dashboard(membership=membership, today=today)
    pace = [
        _("%(label)s: %(actual)s dari %(target)s (%(state)s)")
        % {
            "label": row.label,
            "actual": row.actual if row.actual is not None else NONE,
            "target": row.value,
            "state": _("sesuai jadwal") if row.pace and row.pace.on_track else _("tertinggal"),
        }
        for row in board.targets
    ]
    overdue = overdue_activities(today=today).filter(office=office).count()
    gaps = analytics.office_gaps(membership=membership, today=today, limit=3)
    return {
        "office": office.display_name,
        "pace": _lines(pace),
        "overdue": overdue,
        "gaps": _lines([f"{g.area_name} · {g.segment_name}" for g in gaps]),
        "url": absolute(reverse("analytics:dashboard")),
    }


def digests_run(*, now: datetime.datetime | None = None) -> int:
    """Queue this week's digests (once per person and ISO week)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year, week, _day = today.isocalendar()
    count = 0
    for office in Office.objects.all():
        if current_programme(office=office) is None:
            continue
        members = Membership.objects.filter(office=office, user__is_active=True).select_related(
            "user", "partner", "office"
        )
        for membership in members:
            language = membership.user.preferred_language or "id"
            with translation.override(language):
                if membership.role in COMMISSION_ROLES:
                    kind = "digest_staff"
                    values = staff_digest_values(membership, today)
                elif membership.role == Role.COORDINATOR and membership.partner is not None:
                    kind = "digest_partner"
                    values = partner_digest_values(membership, today)
                else:
                    continue
            count += len(
                services.message_queue(
                    office=office,
                    kind=kind,
                    recipients=services.user_recipients(membership.user),
                    values=values,
                    key=f"{kind}:{year}-{week}:{membership.pk}",
                    now=now,
                )
            )
    return count
