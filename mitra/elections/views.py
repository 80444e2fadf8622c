"""Staff pages for the election calendar: the stages (tahapan) of the programme's elections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.permissions import Right
from mitra.core.errors import DomainError

from . import selectors, services
from .forms import StageForm


@login_required
@member_required(Right.MANAGE_PROGRAMME)
def stage_list(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    programme = selectors.programme_of_office(office=membership.office)
    table = selectors.programme_stage_table(programme=programme)
    return render(request, "elections/stages.html", {"programme": programme, "table": table})


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_PROGRAMME)
def stage_edit(
    request: MemberRequest, election_id: int, stage_id: int | None = None
) -> HttpResponse:
    membership = request.membership
    election = selectors.managed_election(office=membership.office, election_id=election_id)
    stage = None
    if stage_id is not None:
        stage = election.stages.filter(pk=stage_id).first()
        if stage is None:
            raise Http404
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_save(
                election=election,
                stage=stage,
                actor=membership,
                **{k: form.cleaned_data[k] for k in ("name", "starts_on", "ends_on", "order")},
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Tahapan tersimpan."))
            return redirect("elections:stages")
    return render(
        request, "elections/stage_form.html", {"form": form, "election": election, "stage": stage}
    )
