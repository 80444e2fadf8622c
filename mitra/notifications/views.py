"""Pages of the messaging: the staff log and templates, a person's inbox, the one-tap
opt-out, the voting-day sign-up, and the WhatsApp status webhook."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.permissions import Right
from mitra.core.errors import DomainError
from mitra.elections.selectors import current_programme
from mitra.offices.selectors import request_public_office
from mitra.portal.bots import is_bot_user_agent

from . import selectors, services
from .forms import QuietHoursForm, SignupForm, TemplateForm, TestSendForm
from .kinds import KINDS
from .models import Channel
from .timeline import timeline_upcoming


@login_required
@member_required(Right.MANAGE_CONTENT)
def log(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    filters = selectors.LogFilters.from_query(request.GET.dict())
    page = Paginator(selectors.delivery_log(membership=membership, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    rules = services.office_messaging(membership.office)
    return render(
        request,
        "notifications/log.html",
        {
            "page": page,
            "filters": filters,
            "counts": selectors.status_counts(membership=membership, filters=filters),
            "failures": selectors.recent_failures(membership=membership),
            "channels": selectors.channel_states(),
            "upcoming": timeline_upcoming(office=membership.office),
            "kinds": KINDS.values(),
            "statuses": selectors.Status.choices,
            "channel_choices": Channel.choices,
            "quiet_form": QuietHoursForm(
                initial={"quiet_start": rules.quiet_start, "quiet_end": rules.quiet_end}
            ),
        },
    )


@login_required
@require_POST
@member_required()
def resend(request: MemberRequest, pk: int) -> HttpResponse:
    membership = request.membership
    try:
        services.delivery_resend(membership=membership, delivery_id=pk)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Pesan diantrekan untuk dikirim ulang."))
    return redirect("notifications:log")


@login_required
@require_POST
@member_required(Right.MANAGE_CONTENT)
def quiet_hours(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    form = QuietHoursForm(request.POST)
    if form.is_valid():
        services.office_messaging_save(membership=membership, **form.cleaned_data)
        messages.success(request, _("Jam tenang tersimpan."))
    else:
        messages.error(request, _("Jam tenang tidak valid."))
    return redirect("notifications:log")


@login_required
@member_required()
def templates(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    rows = selectors.template_rows(membership=membership)
    return render(
        request,
        "notifications/templates.html",
        {"rows": rows, "languages": selectors.languages()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_CONTENT)
def template_edit(request: MemberRequest, kind: str, language: str) -> HttpResponse:
    membership = request.membership
    if kind not in KINDS or language not in dict(settings.LANGUAGES):
        raise Http404
    subject, body, custom = selectors.template_current(
        membership=membership, kind=kind, language=language
    )
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    test_form = TestSendForm(initial={"channel": Channel.EMAIL})
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "reset":
            services.template_reset(membership=membership, kind=kind, language=language)
            messages.success(request, _("Templat kembali ke teks bawaan."))
            return redirect("notifications:template_edit", kind=kind, language=language)
        if action == "test":
            test_form = TestSendForm(request.POST)
            form = TemplateForm(initial={"subject": subject, "body": body})
            if test_form.is_valid():
                try:
                    delivery = services.template_test_send(
                        membership=membership,
                        kind=kind,
                        language=language,
                        **test_form.cleaned_data,
                    )
                except DomainError as exc:
                    test_form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        _("Uji kirim diantrekan (status: %(status)s).")
                        % {"status": delivery.get_status_display()},
                    )
                    return redirect("notifications:template_edit", kind=kind, language=language)
        elif form.is_valid():
            try:
                services.template_save(
                    membership=membership, kind=kind, language=language, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Templat tersimpan."))
                return redirect("notifications:templates")
    status = 400 if (form.errors or test_form.errors) else 200
    return render(
        request,
        "notifications/template_edit.html",
        {
            "kind": KINDS[kind],
            "language": language,
            "custom": custom,
            "form": form,
            "test_form": test_form,
        },
        status=status,
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = selectors.inbox(user=request.user)  # type: ignore[arg-type]
    unread = [d.pk for d in items if d.read_at is None]
    response = render(request, "notifications/inbox.html", {"items": items, "unread": set(unread)})
    services.inbox_mark_read(user=request.user, delivery_ids=unread)  # type: ignore[arg-type]
    return response


@require_http_methods(["GET", "POST"])
def optout(request: HttpRequest, token: str) -> HttpResponse:
    """One tap from a message stops that channel. Link-preview fetchers (WhatsApp builds a
    preview of every link) and prefetches do not count; a button undoes it."""
    target = services.optout_read(token=token)
    undone = False
    if request.method == "POST" and request.POST.get("action") == "undo":
        services.optout_undo(token=token)
        undone = True
    elif request.method == "POST" or not is_bot_user_agent(request.headers.get("User-Agent", "")):
        services.optout_record(token=token)
    return render(
        request,
        "notifications/optout.html",
        {"channel": Channel(target.channel).label, "undone": undone, "token": token},
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    office = request_public_office(request)
    programme = current_programme(office=office) if office else None
    if programme is None:
        raise Http404
    form = SignupForm(request.POST or None)
    done = False
    if request.method == "POST" and form.is_valid():
        language = "en" if (translation.get_language() or "").startswith("en") else "id"
        services.voting_day_signup(
            programme=programme,
            channel=form.cleaned_data["channel"],
            address=form.cleaned_data["address"],
            language=language,
        )
        done = True
    status = 400 if form.errors else 200
    return render(
        request,
        "notifications/signup.html",
        {"form": form, "programme": programme, "done": done},
        status=status,
    )


def _signature_ok(request: HttpRequest) -> bool:
    secret = settings.WHATSAPP_APP_SECRET
    given = request.headers.get("X-Hub-Signature-256", "")
    if not secret or not given.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.removeprefix("sha256="))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        token = settings.WHATSAPP_VERIFY_TOKEN
        if (
            token
            and request.GET.get("hub.mode") == "subscribe"
            and hmac.compare_digest(request.GET.get("hub.verify_token", ""), token)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse(status=403)
    if not _signature_ok(request):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "not JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "not an object"}, status=400)
    changed = services.whatsapp_statuses_apply(payload=payload)
    return JsonResponse({"updated": changed})
