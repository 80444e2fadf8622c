"""Staff pages to set up the programme: programmes, their elections, the stages (tahapan)
of one or several elections, and the voter segments. Every write goes through a service
that checks the right to manage the programme; history records who changed what."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mitra.accounts.decorators import MemberRequest, member_required
from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.accounts.selectors import request_membership
from mitra.core.errors import DomainError, NotFoundError, PermissionDeniedError
from mitra.core.links import site_root
from mitra.offices.models import OfficeLevel
from mitra.regions.models import Region
from mitra.regions.selectors import regions_below_from_package

from . import onboarding, selectors, services
from .forms import (
    ElectionForm,
    OfficeOnboardForm,
    ProgrammeForm,
    SegmentForm,
    StageForm,
    StagesForm,
)
from .models import Programme


def _staff(request: HttpRequest) -> Membership:
    return require(request_membership(request), Right.MANAGE_PROGRAMME)


def _saved(
    request: HttpRequest, form: forms.BaseForm, save: Any, done: str, back: str, *args: Any
) -> HttpResponse | None:
    """Run `save` for a valid posted form; a refusal stands on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except (NotFoundError, PermissionDeniedError):
        raise
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, done)
    return redirect(back, *args)


def _edit_page(request: HttpRequest, form: forms.BaseForm, title: str, back: str) -> HttpResponse:
    return render(request, "elections/edit.html", {"form": form, "title": title, "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def programme_list(request: HttpRequest) -> HttpResponse:
    """The office's programmes with their elections; add a programme."""
    membership = _staff(request)
    form = ProgrammeForm(request.POST or None)
    done = _saved(
        request,
        form,
        lambda d: services.programme_save(actor=membership, **d),
        _("Program tersimpan."),
        "elections:programmes",
    )
    if done:
        return done
    return render(
        request,
        "elections/programmes.html",
        {
            "form": form,
            "programmes": selectors.office_programmes(office=membership.office),
            "history": selectors.programme_history(office=membership.office),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _staff(request)
    programme = selectors.managed_programme(office=membership.office, programme_id=pk)
    initial = {
        k: getattr(programme, k) for k in ("name", "voting_day", "description", "is_current")
    }
    form = ProgrammeForm(request.POST or None, initial=initial)
    save = lambda d: services.programme_save(actor=membership, programme=programme, **d)  # noqa: E731
    done = _saved(request, form, save, _("Program tersimpan."), "elections:programmes")
    return done or _edit_page(request, form, _("Ubah program"), "elections:programmes")


@login_required
@require_http_methods(["GET", "POST"])
def election_edit(request: HttpRequest, programme_id: int, pk: int | None = None) -> HttpResponse:
    membership = _staff(request)
    programme = selectors.managed_programme(office=membership.office, programme_id=programme_id)
    election = None
    initial: dict[str, Any] = {}
    if pk is not None:
        election = selectors.managed_election(office=membership.office, election_id=pk)
        initial = {k: getattr(election, k) for k in ("name", "short_name", "kind", "region")}
    regions = services.election_regions(office=membership.office)
    form = ElectionForm(request.POST or None, initial=initial, regions=_region_qs(regions))

    def save(d: dict[str, Any]) -> object:
        return services.election_save(actor=membership, programme=programme, election=election, **d)

    done = _saved(request, form, save, _("Pemilihan tersimpan."), "elections:programmes")
    title = _("Ubah pemilihan") if election else _("Tambah pemilihan: %(p)s") % {"p": programme}
    return done or _edit_page(request, form, title, "elections:programmes")


def _region_qs(regions: list[Region]) -> Any:
    return Region.objects.filter(code__in=[r.code for r in regions]).order_by("level")


@login_required
def stage_list(request: HttpRequest) -> HttpResponse:
    membership = _staff(request)
    programme = selectors.programme_of_office(office=membership.office)
    table = selectors.programme_stage_table(programme=programme)
    return render(request, "elections/stages.html", {"programme": programme, "table": table})


@login_required
@require_http_methods(["GET", "POST"])
def stages_create(request: HttpRequest) -> HttpResponse:
    """One new stage for several elections held on the same day."""
    membership = _staff(request)
    programme = selectors.programme_of_office(office=membership.office)
    form = StagesForm(
        request.POST or None, elections=selectors.programme_elections(programme=programme)
    )

    def save(d: dict[str, Any]) -> object:
        return services.stages_create(actor=membership, **d)

    done = _saved(request, form, save, _("Tahapan tersimpan."), "elections:stages")
    return done or _edit_page(request, form, _("Tambah tahapan"), "elections:stages")


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request: HttpRequest, election_id: int, stage_id: int | None = None) -> HttpResponse:
    membership = _staff(request)
    election = selectors.managed_election(office=membership.office, election_id=election_id)
    stage = None
    if stage_id is not None:
        stage = selectors.managed_stage(
            office=membership.office, election_id=election.pk, stage_id=stage_id
        )
    siblings = services.stage_siblings(stage=stage) if stage else []
    form = StageForm(request.POST or None, instance=stage, siblings=siblings)
    fields = ("name", "name_en", "starts_on", "ends_on", "order")

    def save(d: dict[str, Any]) -> object:
        if stage is None:
            return services.stage_save(
                election=election, actor=membership, **{k: d[k] for k in fields}
            )
        return services.stage_change(
            actor=membership,
            stage=stage,
            with_siblings=bool(d.get("with_siblings")),
            **{k: d[k] for k in fields},
        )

    done = _saved(request, form, save, _("Tahapan tersimpan."), "elections:stages")
    if done:
        return done
    return render(
        request, "elections/stage_form.html", {"form": form, "election": election, "stage": stage}
    )


@login_required
@require_http_methods(["GET", "POST"])
def segment_list(request: HttpRequest) -> HttpResponse:
    """The office's voter segments (basis pemilih); add one."""
    membership = _staff(request)
    form = SegmentForm(request.POST or None)
    save = lambda d: services.segment_change(actor=membership, **d)  # noqa: E731
    done = _saved(request, form, save, _("Segmen tersimpan."), "elections:segments")
    if done:
        return done
    return render(
        request,
        "elections/segments.html",
        {"form": form, "segments": selectors.office_segments(office=membership.office)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _staff(request)
    segment = selectors.managed_segment(office=membership.office, segment_id=pk)
    initial = {k: getattr(segment, k) for k in ("code", "name", "min_age", "max_age", "order")}
    form = SegmentForm(request.POST or None, initial=initial, editing=True)
    save = lambda d: services.segment_change(actor=membership, segment=segment, **d)  # noqa: E731
    done = _saved(request, form, save, _("Segmen tersimpan."), "elections:segments")
    return done or _edit_page(request, form, _("Ubah segmen"), "elections:segments")


@login_required
@require_http_methods(["GET", "POST"])
@member_required(Right.MANAGE_USERS)
def office_onboard(request: MemberRequest) -> HttpResponse:
    """A national or provincial admin opens an office for a region under theirs: regions,
    boundaries, a copy of one of their programmes, the first admin (`onboarding`)."""
    membership = request.membership
    office = membership.office
    if office.level == OfficeLevel.CITY:
        raise PermissionDeniedError(
            _("Hanya admin KPU provinsi atau KPU RI yang dapat membuka kantor baru."),
            code="not_upper_office",
        )
    regions = regions_below_from_package(
        code=None if office.level == OfficeLevel.NATIONAL else office.region_id
    )
    programmes = list(
        Programme.objects.filter(office=office).order_by("-voting_day").values_list("pk", "name")
    )
    form = OfficeOnboardForm(
        request.POST or None, request.FILES or None, regions=regions, programmes=programmes
    )
    if request.method == "POST" and form.is_valid():
        names = dict(regions)
        code = form.cleaned_data["region"]
        data = onboarding.OnboardingInput(
            region_code=code,
            name=form.cleaned_data["name"] or f"KPU {names[code].split(',')[0]}",
            admin_email=form.cleaned_data["admin_email"],
            programme_id=form.cleaned_data["programme"],
            boundaries=form.cleaned_data["boundaries"],
        )
        try:
            result = onboarding.office_onboard(actor=membership, data=data, root=site_root(request))
        except (NotFoundError, PermissionDeniedError):
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                (
                    _(
                        "Kantor %(office)s dibuka: %(regions)d wilayah, %(boundaries)d batas, "
                        "program %(programme)s; undangan admin terkirim."
                    )
                    if result.invited
                    else _(
                        "Kantor %(office)s sudah ada; yang kurang dilengkapi, tidak ada yang "
                        "diubah dua kali."
                    )
                )
                % {
                    "office": result.office.name,
                    "regions": result.regions_loaded,
                    "boundaries": result.boundaries_attached,
                    "programme": result.programme.name,
                },
            )
            return redirect("elections:office_onboard")
    return render(request, "elections/onboard.html", {"form": form})
