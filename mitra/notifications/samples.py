"""Sample values for a test-send, so staff see a template filled in before it goes out."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.offices.models import Office

from .audiences import absolute
from .kinds import Kind


def sample_values(kind: Kind, *, office: Office) -> dict[str, object]:
    now = timezone.localtime()
    known: dict[str, object] = {
        "title": _("Diskusi pemilih muda (contoh)"),
        "date": f"{now:%d-%m-%Y}",
        "when": f"{now:%d-%m-%Y %H:%M}",
        "due": f"{now:%d-%m-%Y}",
        "place": _("Aula kelurahan (contoh)"),
        "partner": _("Komunitas contoh"),
        "comment": _("Catatan contoh dari staf."),
        "reason": _("Alasan contoh dari staf."),
        "days": 3,
        "position": 2,
        "office": office.display_name,
        "url": absolute(reverse("accounts:home")),
        "map_url": absolute(reverse("portal:calendar")),
        "ticket_url": absolute(reverse("portal:calendar")),
        "confirm_url": absolute(reverse("portal:calendar")),
        "hours": 24,
        "signup_url": absolute(reverse("notifications:signup")),
        "materials_url": absolute(reverse("portal:materials")),
        "check_url": office.voter_check_url,
        "how_to_vote_url": absolute(reverse("portal:how_to_vote")),
        "stage": _("Masa kampanye (contoh)"),
        "election": _("Pemilihan contoh"),
        "starts": f"{now:%d-%m-%Y}",
        "ends": f"{now:%d-%m-%Y}",
        "activities": "• " + _("Diskusi pemilih muda (contoh)"),
        "reports_due": "—",
        "deliverables": "—",
        "gaps": "—",
        "pace": "—",
        "overdue": 0,
    }
    return {name: known.get(name, "") for name in kind.placeholders}
