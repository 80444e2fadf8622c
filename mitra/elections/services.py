"""Writes to programmes, elections and their stages."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mitra.accounts.models import Membership
from mitra.accounts.permissions import Right, require
from mitra.core.errors import DomainError, NotFoundError
from mitra.offices.models import Office
from mitra.regions.models import NATIONAL_CODE, Region

from .models import Election, ElectionKind, Programme, Segment, Stage, Theme
from .signals import programme_copied


class ElectionError(DomainError):
    pass


@transaction.atomic
def programme_create(
    *, office: Office, name: str, slug: str, voting_day: datetime.date, description: str = ""
) -> Programme:
    return Programme.objects.create(
        office=office, name=name, slug=slug, voting_day=voting_day, description=description
    )


@transaction.atomic
def programme_copy(*, source: Programme, office: Office) -> Programme:
    """The template of another office's programme for `office` (a new office starts from
    its parent's): name, voting day, the elections that cover the office's region with
    their stages, the themes, the segments the office lacks; then `programme_copied` lets
    `activities` copy methods and approaches. Idempotent: an office that has a programme
    with the source's slug keeps it as it is."""
    existing = Programme.objects.filter(office=office, slug=source.slug).first()
    if existing is not None:
        return existing
    copy = programme_create(
        office=office,
        name=source.name,
        slug=source.slug,
        voting_day=source.voting_day,
        description=source.description,
    )
    covering = {r.code for r in election_regions(office=office)} | {NATIONAL_CODE}
    for election in source.elections.filter(region_id__in=covering).order_by("pk"):
        made = Election.objects.create(
            office=office,
            programme=copy,
            name=election.name,
            name_en=election.name_en,
            short_name=election.short_name,
            short_name_en=election.short_name_en,
            kind=election.kind,
            region_id=election.region_id,
            voting_day=election.voting_day,
        )
        Stage.objects.bulk_create(
            Stage(
                election=made,
                name=stage.name,
                name_en=stage.name_en,
                starts_on=stage.starts_on,
                ends_on=stage.ends_on,
                order=stage.order,
            )
            for stage in election.stages.order_by("order", "pk")
        )
    Theme.objects.bulk_create(
        Theme(
            programme=copy,
            code=theme.code,
            name=theme.name,
            name_en=theme.name_en,
            description=theme.description,
            order=theme.order,
        )
        for theme in source.themes.order_by("order", "pk")
    )
    have = set(Segment.objects.filter(office=office).values_list("code", flat=True))
    Segment.objects.bulk_create(
        Segment(
            office=office,
            code=segment.code,
            name=segment.name,
            name_en=segment.name_en,
            min_age=segment.min_age,
            max_age=segment.max_age,
            order=segment.order,
            voter_share=segment.voter_share,
            voter_share_source=segment.voter_share_source,
        )
        for segment in Segment.objects.filter(office_id=source.office_id).order_by("order", "pk")
        if segment.code not in have
    )
    programme_copied.send(sender=Programme, source=source, copy=copy)
    return copy


def _own(actor: Membership, office_id: int) -> None:
    require(actor, Right.MANAGE_PROGRAMME)
    if office_id != actor.office_id:
        raise NotFoundError(_("Tidak ditemukan."), code="not_found")


@transaction.atomic
def programme_save(
    *,
    actor: Membership,
    name: str,
    voting_day: datetime.date,
    description: str = "",
    is_current: bool = True,
    programme: Programme | None = None,
) -> Programme:
    """Staff create or change a programme. Its elections keep the programme's voting day,
    so a programme with elections keeps its day."""
    require(actor, Right.MANAGE_PROGRAMME)
    if programme is None:
        base = slugify(name)[:40] or "program"
        slug, n = base, 1
        while Programme.objects.filter(office_id=actor.office_id, slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        programme = Programme(office_id=actor.office_id, slug=slug)
    else:
        _own(actor, programme.office_id)
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if voting_day != programme.voting_day and programme.elections.exists():
            raise ElectionError(
                _("Program ini sudah memiliki pemilihan; hari pemungutan suaranya tetap."),
                code="voting_day_fixed",
            )
    programme.name, programme.voting_day = name, voting_day
    programme.description, programme.is_current = description, is_current
    programme.save()
    return programme


def election_regions(*, office: Office) -> list[Region]:
    """The regions an office's election may cover: its own and those above it (a
    governor's election covers the province the city belongs to)."""
    codes, code = [], office.region_id
    while code:
        codes.append(code)
        code = code.rsplit(".", 1)[0] if "." in code else ""
    return list(Region.objects.filter(code__in=codes).order_by("level"))


@transaction.atomic
def election_save(
    *,
    actor: Membership,
    programme: Programme,
    name: str,
    short_name: str,
    kind: ElectionKind | str,
    region: Region,
    election: Election | None = None,
) -> Election:
    """Staff add an election to a programme (on its voting day) or change one."""
    _own(actor, programme.office_id)
    office = actor.office
    if region.code not in {r.code for r in election_regions(office=office)}:
        raise ElectionError(_("Wilayah pemilihan di luar wilayah kantor."), code="region")
    if election is None:
        return election_create(
            programme=programme,
            name=name,
            short_name=short_name,
            kind=kind,
            region=region,
            voting_day=programme.voting_day,
        )
    if election.programme_id != programme.pk:
        raise NotFoundError(_("Pemilihan tidak ditemukan."), code="not_found")
    election.name, election.short_name, election.kind, election.region = (
        name,
        short_name,
        kind,
        region,
    )
    election.save()
    return election


@transaction.atomic
def election_create(
    *,
    programme: Programme,
    name: str,
    short_name: str,
    kind: ElectionKind | str,
    region: Region,
    voting_day: datetime.date,
) -> Election:
    """Add an election to a programme; all elections of a programme share its voting day."""
    if voting_day != programme.voting_day:
        raise ElectionError(
            _("Hari pemungutan suara %(day)s berbeda dengan hari program (%(programme_day)s).")
            % {"day": voting_day, "programme_day": programme.voting_day},
            code="voting_day_mismatch",
        )
    return Election.objects.create(
        office_id=programme.office_id,
        programme=programme,
        name=name,
        short_name=short_name,
        kind=kind,
        region=region,
        voting_day=voting_day,
    )


@transaction.atomic
def stage_save(
    *,
    actor: Membership,
    election: Election,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    order: int,
    name_en: str = "",
    stage: Stage | None = None,
) -> Stage:
    """A staff member creates a stage, or changes one when `stage` is given; another
    office's election is not found."""
    require(actor, Right.MANAGE_PROGRAMME)
    if election.office_id != actor.office_id:
        raise NotFoundError(_("Pemilihan tidak ditemukan."), code="not_found")
    return stage_write(
        election=election,
        name=name,
        name_en=name_en,
        starts_on=starts_on,
        ends_on=ends_on,
        order=order,
        stage=stage,
    )


@transaction.atomic
def stage_write(
    *,
    election: Election,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    order: int,
    name_en: str = "",
    stage: Stage | None = None,
) -> Stage:
    """Write a stage without an actor: for commands and the demo (people use `stage_save`)."""
    if stage is not None and stage.election_id != election.pk:
        raise ElectionError(_("Tahapan bukan milik pemilihan ini."), code="stage_mismatch")
    if ends_on < starts_on:
        raise ElectionError(
            _("Tanggal selesai tahapan tidak boleh sebelum tanggal mulai."), code="stage_dates"
        )
    stage = stage or Stage(election=election)
    stage.name, stage.starts_on, stage.ends_on, stage.order = name, starts_on, ends_on, order
    stage.name_en = name_en
    stage.full_clean(exclude=["election"])
    stage.save()
    return stage


@transaction.atomic
def stages_create(
    *,
    actor: Membership,
    elections: Sequence[Election],
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    order: int,
) -> list[Stage]:
    """One stage for several elections held on the same day: a row per election (so each
    election's timeline, countdown and figures stay as they are), written together."""
    if not elections:
        raise ElectionError(_("Pilih paling sedikit satu pemilihan."), code="no_election")
    programmes = {e.programme_id for e in elections}
    if len(programmes) > 1:
        raise ElectionError(
            _("Tahapan bersama hanya untuk pemilihan dalam satu program."), code="programmes"
        )
    return [
        stage_save(
            election=e, name=name, starts_on=starts_on, ends_on=ends_on, order=order, actor=actor
        )
        for e in elections
    ]


def stage_siblings(*, stage: Stage) -> list[Stage]:
    """The same stage in the programme's other elections (same name and dates), which the
    timeline shows as one."""
    return list(
        Stage.objects.filter(
            election__programme_id=stage.election.programme_id,
            name=stage.name,
            starts_on=stage.starts_on,
            ends_on=stage.ends_on,
        )
        .exclude(pk=stage.pk)
        .select_related("election")
    )


@transaction.atomic
def stage_change(
    *,
    actor: Membership,
    stage: Stage,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    order: int,
    name_en: str = "",
    with_siblings: bool = True,
) -> list[Stage]:
    """Change a stage, and (by default) the same stage of the other elections with it."""
    stage = Stage.objects.select_for_update().select_related("election").get(pk=stage.pk)
    stages = [stage, *(stage_siblings(stage=stage) if with_siblings else [])]
    return [
        stage_save(
            election=s.election,
            stage=s,
            name=name,
            name_en=name_en,
            starts_on=starts_on,
            ends_on=ends_on,
            order=order,
            actor=actor,
        )
        for s in stages
    ]


@transaction.atomic
def segment_change(
    *,
    actor: Membership,
    code: str,
    name: str,
    order: int,
    min_age: int | None = None,
    max_age: int | None = None,
    segment: Segment | None = None,
) -> Segment:
    """Staff add a voter segment or change one (its code stays: imports and filters use it)."""
    require(actor, Right.MANAGE_PROGRAMME)
    if segment is None:
        if Segment.objects.filter(office_id=actor.office_id, code=code).exists():
            raise ElectionError(_("Kode segmen ini sudah dipakai."), code="segment_code")
    else:
        _own(actor, segment.office_id)
        code = segment.code
    return segment_save(
        office=actor.office, code=code, name=name, order=order, min_age=min_age, max_age=max_age
    )


@transaction.atomic
def programme_theme_save(
    *,
    membership: Membership,
    programme: Programme,
    code: str,
    name: str,
    description: str = "",
    order: int = 100,
    name_en: str = "",
    theme_id: int | None = None,
) -> Theme:
    """Staff add a theme to the office's programme, or change one (`theme_id`; its code
    stays)."""
    require(membership, Right.MANAGE_PROGRAMME)
    if programme.office_id != membership.office_id:
        raise NotFoundError(_("Program tidak ditemukan."), code="not_found")
    if theme_id is not None:
        theme = Theme.objects.filter(programme=programme, pk=theme_id).first()
        if theme is None:
            raise NotFoundError(_("Tema tidak ditemukan."), code="not_found")
        code = theme.code
    elif Theme.objects.filter(programme=programme, code=code).exists():
        raise ElectionError(_("Kode tema sudah dipakai."), code="theme_code_taken")
    return theme_save(
        programme=programme,
        code=code,
        name=name,
        name_en=name_en,
        description=description,
        order=order,
    )


@transaction.atomic
def theme_save(
    *,
    programme: Programme,
    code: str,
    name: str,
    description: str,
    order: int,
    name_en: str = "",
) -> Theme:
    """Write a theme without an actor: for commands and the demo (people use
    `programme_theme_save`)."""
    theme, _created = Theme.objects.update_or_create(
        programme=programme,
        code=code,
        defaults={"name": name, "name_en": name_en, "description": description, "order": order},
    )
    return theme


@transaction.atomic
def segment_save(
    *,
    office: Office,
    code: str,
    name: str,
    order: int,
    min_age: int | None = None,
    max_age: int | None = None,
) -> Segment:
    if min_age is not None and max_age is not None and max_age < min_age:
        raise ElectionError(_("Usia maksimal lebih kecil dari usia minimal."), code="age_band")
    segment, _created = Segment.objects.update_or_create(
        office=office,
        code=code,
        defaults={"name": name, "order": order, "min_age": min_age, "max_age": max_age},
    )
    return segment


@transaction.atomic
def segment_voter_share_set(
    *, membership: Membership, pk: int, share: Decimal | None, source: str = ""
) -> Segment:
    """The office's estimate of a segment's share of all voters (%), with its source; None
    returns the segment to the default. Used by gap scoring where the voter list does not
    count the segment."""
    require(membership, Right.MANAGE_PROGRAMME)
    segment = Segment.objects.filter(office_id=membership.office_id, pk=pk).first()
    if segment is None:
        raise NotFoundError(_("Segmen tidak ditemukan."), code="not_found")
    if share is not None and not (0 < share <= 100):
        raise ElectionError(_("Perkiraan harus di atas 0 dan paling besar 100 %."), code="share")
    if share is not None and not source.strip():
        raise ElectionError(
            _("Sebutkan sumber perkiraan, agar pembaca tahu dari mana angkanya."),
            code="share_source",
        )
    segment.voter_share = share
    segment.voter_share_source = source.strip() if share is not None else ""
    segment.save(update_fields=["voter_share", "voter_share_source"])
    return segment
