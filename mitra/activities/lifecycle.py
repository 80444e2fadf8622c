"""The life cycle of an activity, written once.

    draft ─submit→ submitted ─approve→ approved ─held→ held ─report→ reported ─verify→ verified
      ↑              │return              (report from approved marks it held on the way)
      └─ returned ←──┘                               report_returned ←report_return─┘
    draft / submitted / returned / approved ─cancel→ cancelled

Each row of `STEPS` says which states an action leaves from, where it goes, the right the
actor needs, whether a comment is required (and whether the page asks for one), and whether
the activity must have started. The services check against it (`step_check`), the generic
action service dispatches on it, the detail page lists its buttons from it (`steps_open`),
and the editable-states rule is read off it (`EDITABLE`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mitra.accounts.models import Membership, Role
from mitra.accounts.permissions import Right, has_right

from .models import Activity, ActivityStatus

S = ActivityStatus


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str
    right: Right
    comment_required: bool = False
    comment_asked: bool = False  # the page shows a comment box with the button
    takes_comment: bool = True  # a comment sent with it is recorded
    needs_started: bool = False
    verb: Promise | str = ""  # "… tidak dapat <verb>" when refused
    label: Promise | str = ""  # the button; none: the step has its own page (the report)
    done: Promise | str = ""  # the message after it


STEPS: dict[str, Step] = {
    step.action: step
    for step in (
        Step(
            "submit",
            frozenset({S.DRAFT, S.RETURNED}),
            S.SUBMITTED,
            Right.PROPOSE_ACTIVITIES,
            takes_comment=False,
            verb=_("diajukan"),
            label=_("Ajukan"),
            done=_("Kegiatan diajukan."),
        ),
        Step(
            "approve",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            Right.REVIEW_ACTIVITIES,
            verb=_("disetujui"),
            label=_("Setujui"),
            done=_("Kegiatan disetujui."),
        ),
        Step(
            "return",
            frozenset({S.SUBMITTED}),
            S.RETURNED,
            Right.REVIEW_ACTIVITIES,
            comment_required=True,
            comment_asked=True,
            verb=_("dikembalikan"),
            label=_("Kembalikan"),
            done=_("Kegiatan dikembalikan ke mitra."),
        ),
        Step(
            "held",
            frozenset({S.APPROVED}),
            S.HELD,
            Right.PROPOSE_ACTIVITIES,
            needs_started=True,
            takes_comment=False,
            verb=_("ditandai terlaksana"),
            label=_("Tandai terlaksana"),
            done=_("Kegiatan ditandai terlaksana."),
        ),
        Step(
            "report",
            frozenset({S.APPROVED, S.HELD, S.REPORT_RETURNED}),
            S.REPORTED,
            Right.PROPOSE_ACTIVITIES,
            needs_started=True,
            verb=_("dilaporkan"),
        ),
        Step(
            "verify",
            frozenset({S.REPORTED}),
            S.VERIFIED,
            Right.REVIEW_ACTIVITIES,
            verb=_("diverifikasi"),
            label=_("Verifikasi laporan"),
            done=_("Laporan diverifikasi."),
        ),
        Step(
            "report_return",
            frozenset({S.REPORTED}),
            S.REPORT_RETURNED,
            Right.REVIEW_ACTIVITIES,
            comment_required=True,
            comment_asked=True,
            verb=_("dikembalikan"),
            label=_("Kembalikan laporan"),
            done=_("Laporan dikembalikan ke mitra."),
        ),
        Step(
            "cancel",
            frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED}),
            S.CANCELLED,
            Right.PROPOSE_ACTIVITIES,
            comment_asked=True,
            verb=_("dibatalkan"),
            label=_("Batalkan"),
            done=_("Kegiatan dibatalkan."),
        ),
    )
}
# The actions taken with a button (the report has its own form).
ACTIONS = tuple(action for action, step in STEPS.items() if step.label)
# Activities that wait for a report (the date has passed, nothing verified yet).
AWAITING_REPORT = tuple(s for s in S.values if s in STEPS["report"].sources)

# Who may still change an activity's details: the proposer until it is submitted again,
# the commission until it is held (as long as it may be cancelled).
EDITABLE = {
    Role.COORDINATOR: STEPS["submit"].sources,
    Role.STAFF: STEPS["cancel"].sources,
    Role.ADMIN: STEPS["cancel"].sources,
}


def step_open(membership: Membership | None, activity: Activity, step: Step) -> bool:
    """Whether the member may take the step now (a comment aside)."""
    return (
        has_right(membership, step.right)
        and activity.status in step.sources
        and (not step.needs_started or activity.starts_at <= timezone.now())
    )


def steps_open(membership: Membership | None, activity: Activity) -> list[Step]:
    """The button steps the member may take now, in the table's order."""
    return [STEPS[a] for a in ACTIONS if step_open(membership, activity, STEPS[a])]
