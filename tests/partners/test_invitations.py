"""Coordinator invitations: single-use, expiring, hashed; accepting gives the coordinator role."""

from __future__ import annotations

import datetime
import hashlib
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mitra.accounts.models import Membership, User
from mitra.partners.models import PartnerInvitation
from mitra.partners.phones import whatsapp_link

pytestmark = pytest.mark.django_db


def _invite(client, staff_member, partner, django_capture_on_commit_callbacks):
    client.force_login(staff_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partners:invite", args=[partner.pk]), {"email": "Koor@Example.org"}
        )
    assert response.status_code == 200
    link = re.search(r"https?://[^\s\"<]+/mitra/undangan/[^\s\"<]+/", response.content.decode())
    return response, link.group(0)


def test_invitation_is_emailed_and_shareable_by_whatsapp(
    client, staff_member, partner, django_capture_on_commit_callbacks
):
    partner.whatsapp = "+6281234567890"
    partner.save()
    response, link = _invite(client, staff_member, partner, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["koor@example.org"]
    assert link in mail.outbox[0].body
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = PartnerInvitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(PartnerInvitation.objects.values().get())
    wa = re.search(r'href="(https://wa\.me/[^"]+)"', response.content.decode()).group(1)
    wa = wa.replace("&amp;", "&")
    assert urlparse(wa).path == "/6281234567890"
    assert link in parse_qs(urlparse(wa).query)["text"][0]


def test_whatsapp_link_encodes_the_message():
    assert whatsapp_link("+62 812-3456", "a b&c") == "https://wa.me/628123456?text=a%20b%26c"


def test_accepting_creates_the_coordinator_once(
    client, staff_member, partner, django_capture_on_commit_callbacks
):
    _response, link = _invite(client, staff_member, partner, django_capture_on_commit_callbacks)
    path = urlparse(link).path
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(
        path,
        {
            "full_name": "Koordinator Baru",
            "password1": "Kuat-Sekali-2026",
            "password2": "Kuat-Sekali-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="koor@example.org")
    membership = Membership.objects.get(user=user)
    assert membership.role == "coordinator" and membership.partner == partner
    assert user.check_password("Kuat-Sekali-2026")
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "sudah dipakai" in again.content.decode()


def test_expired_and_unknown_links_are_refused(
    client, staff_member, partner, django_capture_on_commit_callbacks
):
    _response, link = _invite(client, staff_member, partner, django_capture_on_commit_callbacks)
    PartnerInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.logout()
    path = urlparse(link).path
    assert client.get(path).status_code == 410
    response = client.post(
        path, {"full_name": "X", "password1": "Kuat-Sekali-2026", "password2": "Kuat-Sekali-2026"}
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="koor@example.org").exists()
    assert client.get(reverse("partners:invitation_accept", args=["tebakan"])).status_code == 404


def test_new_coordinator_sees_only_their_own_organisation(
    client, staff_member, partner, sibling_partner, django_capture_on_commit_callbacks
):
    _response, link = _invite(client, staff_member, partner, django_capture_on_commit_callbacks)
    client.logout()
    client.post(
        urlparse(link).path,
        {"full_name": "K", "password1": "Kuat-Sekali-2026", "password2": "Kuat-Sekali-2026"},
    )
    assert client.get(reverse("partners:list")).url == reverse("partners:detail", args=[partner.pk])
    assert client.get(reverse("partners:detail", args=[partner.pk])).status_code == 200
    assert client.get(reverse("partners:detail", args=[sibling_partner.pk])).status_code == 404


def test_invitation_page_states_how_long_the_link_lasts(
    client, staff_member, partner, django_capture_on_commit_callbacks
):
    from mitra.partners.models import INVITATION_DAYS

    response, _link = _invite(client, staff_member, partner, django_capture_on_commit_callbacks)
    assert f"Tautan berlaku {INVITATION_DAYS} hari" in response.content.decode()


def test_a_used_invitation_cannot_be_accepted_again(
    client, staff_member, partner, django_capture_on_commit_callbacks
):
    from mitra.partners.services import PartnerError, invitation_accept

    _response, link = _invite(client, staff_member, partner, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation_accept(token=token, password="Kuat-Sekali-2026", full_name="Koordinator")
    with pytest.raises(PartnerError) as refused:
        invitation_accept(token=token, password="Kuat-Sekali-2026", full_name="Lagi")
    assert refused.value.code == "invitation_used"
    assert Membership.objects.filter(role="coordinator").count() == 1
