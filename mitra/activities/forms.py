"""Forms validate input and build the services' arguments; rules live in the services."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.accounts.models import Membership, Role
from mitra.core.inputs import CleanTextFormMixin, PlainSelect
from mitra.core.uploads import CheckedFileField
from mitra.elections.models import Election, Programme, Segment, Theme
from mitra.partners.models import Partner
from mitra.regions.models import Region

from .models import ActivityStatus, Method, MethodMode, Platform
from .selectors import (
    OTHER_APPROACH,
    ActivityFilters,
    ProposalDefaults,
    activity_filter_options,
    kelurahan_of_kecamatan,
    office_methods,
)
from .services import ActivityInput, PostInput

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
POST_ROWS = 3


class KelurahanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


# A domain refusal's code → the field it is about, so the message stands next to that field.
FIELD_OF_CODE = {
    "title_required": "title",
    "ends_before_start": "ends_at",
    "election": "elections",
    "theme": "themes",
    "segment": "segments",
    "online_url": "online_url",
    "online_url_required": "online_url",
    "place_required": "kelurahan",
    "kelurahan": "kelurahan",
    "method": "method",
}
# Shown behind "more" (a <details>): what most proposals leave as it is.
MORE_FIELDS = ("elections", "expected_attendance", "description", "is_public")


class ActivityForm(CleanTextFormMixin, forms.Form):
    """The proposal: what, when, where; the place is chosen as kecamatan then kelurahan
    (the second list follows the first), never typed as coordinates."""

    title = forms.CharField(label=_("Judul kegiatan"), max_length=200)
    partner = forms.ModelChoiceField(
        label=_("Penyelenggara"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("KPU (diselenggarakan kantor)"),
    )
    method = forms.ModelChoiceField(
        label=_("Metode"), queryset=Method.objects.none(), empty_label=_("Pilih metode…")
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Tema"), queryset=Theme.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("Segmen sasaran"),
        queryset=Segment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(label=_("Mulai"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Selesai"), widget=DATETIME_WIDGET)
    is_online = forms.BooleanField(label=_("Kegiatan daring"), required=False)
    online_url = forms.URLField(
        label=_("Tautan siaran/unggahan"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Pilih kecamatan…"),
    )
    kelurahan = KelurahanChoiceField(
        label=_("Kelurahan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Pilih kelurahan…"),
    )
    venue = forms.CharField(
        label=_("Tempat"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("mis. Aula RW 05")}),
    )
    elections = forms.ModelMultipleChoiceField(
        label=_("Pemilihan"),
        queryset=Election.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kosongkan bila untuk semua pemilihan dalam program."),
    )
    expected_attendance = forms.IntegerField(
        label=_("Perkiraan peserta"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
    )
    description = forms.CharField(
        label=_("Deskripsi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_public = forms.BooleanField(
        label=_("Tampilkan di kalender publik setelah disetujui"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        membership: Membership,
        programme: Programme,
        activity: Any = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.programme = programme
        self.activity = activity
        office = membership.office
        fields: Any = self.fields
        if membership.role == Role.COORDINATOR:
            del self.fields["partner"]
        else:
            fields["partner"].queryset = Partner.objects.filter(office=office).order_by("name")
        fields["method"].queryset = office_methods(office=office)
        fields["elections"].queryset = programme.elections.all()
        fields["themes"].queryset = programme.themes.all()
        fields["segments"].queryset = Segment.objects.filter(office=office)
        fields["kecamatan"].queryset = (
            Region.objects.within(office.region_id).kecamatan().order_by("name")
        )
        fields["kelurahan"].queryset = Region.objects.within(office.region_id).kelurahan()
        fields["kecamatan"].widget.attrs.update(
            {
                "hx-get": reverse("activities:kelurahan_options"),
                "hx-target": "#id_kelurahan",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        # The kelurahan list holds only the chosen kecamatan's (not the city's 151).
        fields["kelurahan"].widget.choices = kelurahan_options(
            office=office, kecamatan=self._chosen_kecamatan()
        )
        for name in ("title", "venue", "online_url"):
            fields[name].widget.attrs["autocomplete"] = "off"

    def _chosen_kecamatan(self) -> str | None:
        if self.is_bound:
            value = self.data.get("kecamatan")
            if not value and self.data.get("kelurahan"):
                value = str(self.data["kelurahan"]).rsplit(".", 1)[0]
            return str(value) if value else None
        value = self.initial.get("kecamatan")
        return str(getattr(value, "pk", value)) if value else None

    def main_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name not in MORE_FIELDS]

    def more_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name in MORE_FIELDS]

    def more_has_errors(self) -> bool:
        return any(self.errors.get(name) for name in MORE_FIELDS)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        kecamatan, kelurahan = d.get("kecamatan"), d.get("kelurahan")
        if kelurahan is not None and kecamatan is not None and kelurahan.parent_id != kecamatan.pk:
            self.add_error("kelurahan", _("Kelurahan ini tidak berada di kecamatan yang dipilih."))
        if d.get("is_online"):
            if not d.get("online_url") and "online_url" not in self.errors:
                self.add_error(
                    "online_url", _("Kegiatan daring perlu tautan siaran atau unggahan.")
                )
        elif kelurahan is None and "kelurahan" not in self.errors:
            self.add_error(
                "kelurahan",
                _("Pilih kecamatan lalu kelurahan, atau tandai sebagai kegiatan daring."),
            )
        return d

    def add_domain_error(self, exc: Any) -> None:
        """A service's refusal, next to the field it is about when the code names one."""
        field = FIELD_OF_CODE.get(getattr(exc, "code", ""))
        self.add_error(field if field in self.fields else None, exc.message)

    @staticmethod
    def initial_from(activity: Any) -> dict[str, Any]:
        return {
            "title": activity.title,
            "partner": activity.partner_id,
            "method": activity.method_id,
            "elections": list(activity.elections.all()),
            "themes": list(activity.themes.all()),
            "segments": list(activity.segments.all()),
            "starts_at": timezone.localtime(activity.starts_at),
            "ends_at": timezone.localtime(activity.ends_at),
            "is_online": activity.is_online,
            "online_url": activity.online_url,
            "kecamatan": activity.kelurahan.parent_id if activity.kelurahan else None,
            "kelurahan": activity.kelurahan_id,
            "venue": activity.venue,
            "expected_attendance": activity.expected_attendance,
            "description": activity.description,
            "is_public": activity.is_public,
        }

    @staticmethod
    def initial_for_partner(defaults: ProposalDefaults) -> dict[str, Any]:
        """A new proposal's starting values from the partner's usual work."""
        initial: dict[str, Any] = {}
        if defaults.kecamatan:
            initial["kecamatan"] = defaults.kecamatan
        if defaults.kelurahan:
            initial["kelurahan"] = defaults.kelurahan
        if defaults.segment_ids:
            initial["segments"] = list(defaults.segment_ids)
        if defaults.theme_ids:
            initial["themes"] = list(defaults.theme_ids)
        return initial

    def to_input(self) -> ActivityInput:
        d = self.cleaned_data
        online = bool(d.get("is_online"))
        return ActivityInput(
            programme=self.programme,
            partner=d.get("partner"),
            title=d["title"],
            description=d.get("description") or "",
            method=d["method"],
            elections=list(d.get("elections") or []),
            themes=list(d.get("themes") or []),
            segments=list(d.get("segments") or []),
            kelurahan=None if online else d.get("kelurahan"),
            venue=d.get("venue") or "",
            # A pin set elsewhere (the API, an import) is kept; the form sets none.
            lat=getattr(self.activity, "lat", None),
            lng=getattr(self.activity, "lng", None),
            is_online=online,
            online_url=(d.get("online_url") or "") if online else "",
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            expected_attendance=d.get("expected_attendance") or 0,
            is_public=bool(d.get("is_public")),
        )


def kelurahan_options(*, office: Any, kecamatan: str | None) -> list[tuple[str, str]]:
    """The kelurahan list's options: a prompt, then the kecamatan's kelurahan."""
    if not kecamatan:
        return [("", str(_("Pilih kecamatan dulu")))]
    return [("", str(_("Pilih kelurahan…")))] + [
        (r.code, r.name) for r in kelurahan_of_kecamatan(office=office, kecamatan=kecamatan)
    ]


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
    )


class ReportForm(CleanTextFormMixin, forms.Form):
    attendance_total = _count(_("Jumlah peserta"))
    women = _count(_("Perempuan"))
    men = _count(_("Laki-laki"))
    first_time_voters = _count(_("Pemilih pemula"))
    young_voters = _count(_("Pemilih muda"))
    disabilities = _count(_("Penyandang disabilitas"))
    notes = forms.CharField(
        label=_("Catatan kegiatan"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attendance_sheet = CheckedFileField(
        label=_("Daftar hadir (PDF/foto)"), kinds={"pdf", "jpeg", "png"}, required=False
    )

    def __init__(self, *args: Any, bands: dict[str, tuple[int | None, int | None]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, (low, high) in bands.items():
            if low is not None and high is not None:
                self.fields[name].help_text = _("usia %(low)d–%(high)d tahun") % {
                    "low": low,
                    "high": high,
                }
        for i in range(POST_ROWS):
            self.fields[f"post-{i}-url"] = forms.URLField(
                label=_("Tautan unggahan %(n)d") % {"n": i + 1},
                required=False,
                assume_scheme="https",
            )
            self.fields[f"post-{i}-platform"] = forms.ChoiceField(
                label=_("Platform"), choices=Platform.choices, required=False
            )
            for key, label in (
                ("reach", _("Jangkauan")),
                ("impressions", _("Tayangan")),
                ("engagement", _("Interaksi")),
            ):
                self.fields[f"post-{i}-{key}"] = _count(label)

    def figures(self) -> dict[str, int]:
        d = self.cleaned_data
        return {
            name: d.get(name) or 0
            for name in (
                "attendance_total",
                "women",
                "men",
                "first_time_voters",
                "young_voters",
                "disabilities",
            )
        }

    def posts(self) -> list[PostInput]:
        d = self.cleaned_data
        posts = []
        for i in range(POST_ROWS):
            url = d.get(f"post-{i}-url")
            if url:
                posts.append(
                    PostInput(
                        url=url,
                        platform=d.get(f"post-{i}-platform") or Platform.OTHER,
                        reach=d.get(f"post-{i}-reach") or 0,
                        impressions=d.get(f"post-{i}-impressions") or 0,
                        engagement=d.get(f"post-{i}-engagement") or 0,
                    )
                )
        return posts

    def post_rows(self) -> list[list[Any]]:
        return [
            [
                self[f"post-{i}-{k}"]
                for k in ("url", "platform", "reach", "impressions", "engagement")
            ]
            for i in range(POST_ROWS)
        ]

    @staticmethod
    def initial_from(report: Any, posts: list[Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        if report is not None:
            for name in (
                "attendance_total",
                "women",
                "men",
                "first_time_voters",
                "young_voters",
                "disabilities",
                "notes",
            ):
                initial[name] = getattr(report, name)
        for i, post in enumerate(posts[:POST_ROWS]):
            initial.update(
                {
                    f"post-{i}-url": post.url,
                    f"post-{i}-platform": post.platform,
                    f"post-{i}-reach": post.reach,
                    f"post-{i}-impressions": post.impressions,
                    f"post-{i}-engagement": post.engagement,
                }
            )
        return initial


class PhotoForm(forms.Form):
    photo = CheckedFileField(label=_("Foto kegiatan"), kinds={"jpeg", "png", "webp"})
    shows_children = forms.BooleanField(required=False)
    guardian_consent = forms.BooleanField(required=False)


class CommentForm(CleanTextFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


def _option_field(label: Any, *, coerce: Any = int) -> forms.TypedChoiceField:
    """A drop-down whose options are (value, label) rows given by the form: checking a
    choice and rendering the options need no query and build no model object."""
    return forms.TypedChoiceField(
        label=label,
        choices=[],
        coerce=coerce,
        empty_value=None,
        required=False,
        widget=PlainSelect,
    )


class FilterForm(forms.Form):
    partner = _option_field(_("Mitra"))
    method = _option_field(_("Metode"))
    approach = forms.ChoiceField(
        label=_("Pendekatan"), choices=[], required=False, widget=PlainSelect
    )
    theme = _option_field(_("Tema"))
    segment = _option_field(_("Segmen"))
    kecamatan = _option_field(_("Kecamatan"), coerce=str)
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=ActivityStatus.choices, required=False
    )
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Cari"), required=False)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        options = activity_filter_options(office=membership.office)
        fields: Any = self.fields
        if membership.role == Role.COORDINATOR:
            del self.fields["partner"]
        else:
            fields["partner"].choices = [*BLANK_CHOICE_DASH, *options["partner"]]
        for name in ("method", "theme", "segment", "kecamatan"):
            fields[name].choices = [*BLANK_CHOICE_DASH, *options[name]]
        fields["approach"].choices = approach_option_choices(options["approach"])

    def filters(self) -> ActivityFilters:
        if not self.is_valid():
            return ActivityFilters()
        d = self.cleaned_data
        return ActivityFilters(
            partner_id=d.get("partner"),
            method_id=d.get("method"),
            **approach_filter(d.get("approach")),
            theme_id=d.get("theme"),
            segment_id=d.get("segment"),
            kecamatan=d.get("kecamatan") or "",
            status=list(d.get("status") or []),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            q=d.get("q") or "",
        )


def parse_day(value: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


# --- Catalogue: methods and themes (staff extend the lists) -------------------------------


class MethodForm(CleanTextFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Kode"), max_length=40, help_text=_("Huruf kecil, angka dan tanda hubung.")
    )
    name = forms.CharField(label=_("Nama"), max_length=120)
    name_en = forms.CharField(
        label=_("Nama dalam bahasa Inggris (boleh tidak diisi)"),
        max_length=120,
        required=False,
        help_text=_("Tampil bila pengunjung memilih bahasa Inggris."),
    )
    mode = forms.ChoiceField(label=_("Bentuk"), choices=MethodMode.choices)
    description = forms.CharField(label=_("Keterangan"), max_length=240, required=False)
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=32000, initial=100)
    is_active = forms.BooleanField(label=_("Aktif (dapat dipilih)"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the code identifies the method in imports and filters; it stays
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""


class ThemeForm(CleanTextFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Kode"), max_length=40, help_text=_("Huruf kecil, angka dan tanda hubung.")
    )
    name = forms.CharField(label=_("Nama"), max_length=160)
    name_en = forms.CharField(
        label=_("Nama dalam bahasa Inggris (boleh tidak diisi)"),
        max_length=160,
        required=False,
        help_text=_("Tampil bila pengunjung memilih bahasa Inggris."),
    )
    description = forms.CharField(label=_("Deskripsi"), widget=forms.Textarea, required=False)
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=32000, initial=100)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""


class ApproachForm(forms.Form):
    """An approach of the programme: its names in both languages and its methods."""

    code = forms.SlugField(
        label=_("Kode"), max_length=40, help_text=_("Huruf kecil, angka dan tanda hubung.")
    )
    name = forms.CharField(label=_("Nama (bahasa Indonesia)"), max_length=120)
    name_en = forms.CharField(label=_("Nama (bahasa Inggris)"), max_length=120, required=False)
    order = forms.IntegerField(label=_("Urutan"), min_value=0, max_value=32000, initial=100)
    methods = forms.ModelMultipleChoiceField(
        label=_("Metode"),
        queryset=Method.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Metode yang dipilih pindah ke pendekatan ini; metode tanpa pendekatan "
            "dihitung sebagai “Lainnya”."
        ),
    )

    def __init__(
        self, *args: Any, membership: Membership, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        methods: Any = self.fields["methods"]
        methods.queryset = office_methods(office=membership.office_id, active_only=False)
        if editing:  # the code identifies the approach in filters, exports and the API
            self.fields["code"].disabled = True
            self.fields["code"].help_text = ""


def approach_choices(approaches: Any) -> list[tuple[str, str]]:
    """The options of an approach filter: each approach, then "other"."""
    return approach_option_choices([(str(a.pk), a.label) for a in approaches])


def approach_option_choices(approaches: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The options of an approach filter from (id, name) rows: "all", each, then "other"."""
    return [
        ("", str(_("Semua"))),
        *approaches,
        (OTHER_APPROACH, str(_("Lainnya"))),
    ]


def approach_filter(value: str | None) -> dict[str, Any]:
    """The `ActivityFilters` fields of an approach filter's value (an id, or "other")."""
    if value == OTHER_APPROACH:
        return {"approach_other": True}
    if value and value.isdigit():
        return {"approach_id": int(value)}
    return {}
