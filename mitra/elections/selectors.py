"""Reads of programmes, elections, stages: the timeline and the countdown."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core.errors import NotFoundError
from mitra.offices.models import Office

from .models import Election, Programme, Segment, Stage, Theme


def current_programme(*, office: Office) -> Programme | None:
    """The office's running programme (latest voting day among those marked current)."""
    return Programme.objects.filter(office=office, is_current=True).order_by("-voting_day").first()


def archived_programmes(*, office: Office) -> QuerySet[Programme]:
    """The office's programmes other than the running one, latest first (the public
    archive: their stages, and their evaluation once results are in)."""
    current = current_programme(office=office)
    programmes = Programme.objects.filter(office=office).order_by("-voting_day", "-pk")
    return programmes.exclude(pk=current.pk) if current is not None else programmes


def public_programme(*, office: Office, slug: str = "") -> Programme | None:
    """The programme a public page shows: the one named by `slug` (an archived one), else
    the running one."""
    if slug:
        return Programme.objects.filter(office=office, slug=slug).first()
    return current_programme(office=office)


def programme_elections(*, programme: Programme) -> QuerySet[Election]:
    return programme.elections.select_related("region").order_by("voting_day", "name")


def programme_themes(*, programme: Programme) -> QuerySet[Theme]:
    return programme.themes.all()


def office_segments(*, office: Office) -> QuerySet[Segment]:
    return Segment.objects.filter(office=office)


@dataclass(frozen=True)
class TimelineEntry:
    stage: Stage
    election_names: list[str]
    state: str  # "done" | "current" | "upcoming"


@dataclass(frozen=True)
class Countdown:
    voting_day: datetime.date
    days: int

    @property
    def is_today(self) -> bool:
        return self.days == 0

    @property
    def is_past(self) -> bool:
        return self.days < 0


def programme_countdown(*, programme: Programme, today: datetime.date | None = None) -> Countdown:
    today = today or timezone.localdate()
    return Countdown(voting_day=programme.voting_day, days=(programme.voting_day - today).days)


def programme_timeline(
    *, programme: Programme, today: datetime.date | None = None
) -> list[TimelineEntry]:
    """Stages of all the programme's elections, merged where two share name and dates."""
    today = today or timezone.localdate()
    stages = (
        Stage.objects.filter(election__programme=programme)
        .select_related("election")
        .order_by("starts_on", "order", "ends_on")
    )
    merged: dict[tuple[str, datetime.date, datetime.date], TimelineEntry] = {}
    for stage in stages:
        key = (stage.name, stage.starts_on, stage.ends_on)
        if key in merged:
            merged[key].election_names.append(stage.election.display_short_name)
            continue
        if stage.ends_on < today:
            state = "done"
        elif stage.starts_on <= today:
            state = "current"
        else:
            state = "upcoming"
        merged[key] = TimelineEntry(
            stage=stage, election_names=[stage.election.display_short_name], state=state
        )
    return list(merged.values())


def managed_election(*, office: Office, election_id: int) -> Election:
    """An election of this office, or NotFoundError (other offices' ids answer 404)."""
    election = Election.objects.filter(office=office, pk=election_id).first()
    if election is None:
        raise NotFoundError(_("Pemilihan tidak ditemukan."), code="not_found")
    return election


def programme_stage_table(*, programme: Programme) -> list[tuple[Election, list[Stage]]]:
    """Each of the programme's elections with its stages in order, for staff to edit."""
    elections = programme_elections(programme=programme).prefetch_related("stages")
    return [(election, list(election.stages.all())) for election in elections]


def programme_of_office(*, office: Office) -> Programme:
    """The office's running programme, or NotFoundError (404) when it has none yet."""
    programme = current_programme(office=office)
    if programme is None:
        raise NotFoundError(_("Kantor ini belum memiliki program."), code="no_programme")
    return programme


# --- Staff set-up pages -------------------------------------------------------------------


def office_programmes(*, office: Office) -> QuerySet[Programme]:
    """The office's programmes, newest voting day first, with their elections."""
    return Programme.objects.filter(office=office).prefetch_related(
        Prefetch("elections", queryset=Election.objects.select_related("region"))
    )


def managed_programme(*, office: Office, programme_id: int) -> Programme:
    programme = Programme.objects.filter(office=office, pk=programme_id).first()
    if programme is None:
        raise NotFoundError(_("Program tidak ditemukan."), code="not_found")
    return programme


def managed_segment(*, office: Office, segment_id: int) -> Segment:
    segment = Segment.objects.filter(office=office, pk=segment_id).first()
    if segment is None:
        raise NotFoundError(_("Segmen tidak ditemukan."), code="not_found")
    return segment


def managed_stage(*, office: Office, election_id: int, stage_id: int) -> Stage:
    stage = (
        Stage.objects.filter(election__office=office, election_id=election_id, pk=stage_id)
        .select_related("election")
        .first()
    )
    if stage is None:
        raise NotFoundError(_("Tahapan tidak ditemukan."), code="not_found")
    return stage


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str
    name: str
    action: str  # "+" created, "~" changed, "-" deleted


def programme_history(*, office: Office, limit: int = 30) -> list[Change]:
    """The latest changes to the office's programmes, elections, stages, themes and
    segments, newest first (from the history records every change leaves)."""
    sources: list[tuple[Any, Any, str]] = [
        (Programme.history.filter(office_id=office.pk), "name", str(_("Program"))),
        (Election.history.filter(office_id=office.pk), "name", str(_("Pemilihan"))),
        (Stage.history.filter(election__office_id=office.pk), "name", str(_("Tahapan"))),
        (Theme.history.filter(programme__office_id=office.pk), "name", str(_("Tema"))),
        (Segment.history.filter(office_id=office.pk), "name", str(_("Segmen"))),
    ]
    changes: list[Change] = []
    for qs, field, label in sources:
        for record in qs.select_related("history_user").order_by("-history_date")[:limit]:
            user = record.history_user
            changes.append(
                Change(
                    when=record.history_date,
                    who=str(user) if user else "",
                    what=label,
                    name=getattr(record, field),
                    action=record.history_type,
                )
            )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
