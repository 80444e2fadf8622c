"""Forms of the staff's news pages (validation only; the services hold the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.inputs import CleanTextFormMixin
from mitra.core.uploads import IMAGE_KINDS, CheckedFileField
from mitra.elections.models import Theme
from mitra.offices.models import HEX_COLOUR, OFFICE_PROFILE_FIELDS

from .models import Article, ArticleStatus, MaterialKind

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ArticleForm(CleanTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    slug = forms.SlugField(
        label=_("Alamat (slug)"),
        max_length=120,
        required=False,
        help_text=_("Kosongkan untuk dibuat dari judul."),
    )
    lead = forms.CharField(
        label=_("Ringkasan"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu atau dua kalimat; tampil di pratinjau tautan."),
    )
    body = forms.CharField(
        label=_("Isi (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: ## subjudul, **tebal**, *miring*, - daftar, [tautan](https://…)."),
    )
    image = CheckedFileField(
        kinds=sorted(IMAGE_KINDS),
        required=False,
        label=_("Gambar utama (JPEG, PNG atau WebP)"),
    )
    image_alt = forms.CharField(label=_("Teks alternatif gambar"), max_length=200, required=False)
    tags = forms.CharField(
        label=_("Label"),
        max_length=400,
        required=False,
        help_text=_("Pisahkan dengan koma."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ArticleStatus.choices)
    published_at = forms.DateTimeField(
        label=_("Waktu terbit"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("Kosongkan untuk sekarang. Waktu yang akan datang menjadwalkan berita."),
    )

    @classmethod
    def initial_of(cls, article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "slug": article.slug,
            "lead": article.lead,
            "body": article.body,
            "image_alt": article.image_alt,
            "tags": ", ".join(t.name for t in article.tags.all()),
            "status": article.status,
            "published_at": article.published_at,
        }

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        seen: dict[str, str] = {}
        for name in raw.split(","):
            name = name.strip()[:60]
            if name:
                seen.setdefault(name.lower(), name)
        return list(seen.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("image") and not data.get("image_alt"):
            self.add_error("image_alt", _("Isi teks alternatif untuk pembaca layar."))
        return data


def _account_field(label: Any, max_length: int, help_text: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text)


def _colour_field(label: Any, help_text: Any) -> forms.RegexField:
    return forms.RegexField(
        label=label,
        regex=rf"^{HEX_COLOUR.pattern}$",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "#8b1a1a", "size": 8}),
        error_messages={"invalid": _("Tulis warna sebagai kode heksadesimal, misalnya #8b1a1a.")},
        help_text=help_text,
    )


class OfficeProfileForm(CleanTextFormMixin, forms.Form):
    """The office's public profile and the public site's branding."""

    short_name = forms.CharField(label=_("Nama singkat"), max_length=60, required=False)
    address = forms.CharField(
        label=_("Alamat"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    email = forms.EmailField(label=_("Email publik"), required=False)
    phone = forms.CharField(label=_("Telepon publik"), max_length=32, required=False)
    website = forms.URLField(label=_("Situs web"), required=False, assume_scheme="https")
    instagram = _account_field(_("Instagram"), 60, _("Nama akun (@akun) atau alamat lengkap."))
    x_account = _account_field(_("X (Twitter)"), 60, _("Nama akun (@akun) atau alamat lengkap."))
    facebook = _account_field(_("Facebook"), 120, _("Nama halaman atau alamat lengkap."))
    youtube = _account_field(_("YouTube"), 120, _("Nama kanal (@kanal) atau alamat lengkap."))
    colour_primary = _colour_field(
        _("Warna utama (kepala halaman)"),
        _("Teks putih tampil di atasnya, jadi pilih warna yang cukup gelap."),
    )
    colour_dark = _colour_field(
        _("Warna tautan"),
        _("Warna tautan di atas latar terang; pilih warna yang cukup gelap."),
    )
    logo = CheckedFileField(
        kinds=sorted(IMAGE_KINDS), required=False, label=_("Logo (JPEG, PNG atau WebP)")
    )
    share_image = CheckedFileField(
        kinds=sorted(IMAGE_KINDS),
        required=False,
        label=_("Gambar pratinjau tautan (JPEG, PNG atau WebP)"),
    )
    share_image_alt = forms.CharField(
        label=_("Teks alternatif gambar pratinjau"), max_length=200, required=False
    )

    FIELDS = OFFICE_PROFILE_FIELDS

    @classmethod
    def initial_of(cls, office: Any) -> dict[str, Any]:
        return {name: getattr(office, name) for name in cls.FIELDS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("share_image") and not data.get("share_image_alt"):
            self.add_error("share_image_alt", _("Isi teks alternatif untuk pembaca layar."))
        return data


MATERIAL_FILE_KINDS = {"pdf", "jpeg", "png", "pptx", "mp4"}


class MaterialForm(CleanTextFormMixin, forms.Form):
    """A new outreach material with its first file (version 1)."""

    title = forms.CharField(label=_("Judul"), max_length=200)
    theme = forms.ModelChoiceField(
        label=_("Tema"), queryset=Theme.objects.none(), empty_label=_("Pilih tema…")
    )
    kind = forms.ChoiceField(
        label=_("Jenis"), choices=[("", _("Pilih jenis…")), *MaterialKind.choices]
    )
    description = forms.CharField(
        label=_("Deskripsi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_public = forms.BooleanField(label=_("Tampil di situs publik"), required=False, initial=True)
    file = CheckedFileField(label=_("Berkas"), kinds=MATERIAL_FILE_KINDS)

    def __init__(self, *args: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["theme"]
        field.queryset = themes


class MaterialVersionForm(CleanTextFormMixin, forms.Form):
    """A new version of a material's file; earlier versions stay listed."""

    file = CheckedFileField(label=_("Berkas versi baru"), kinds=MATERIAL_FILE_KINDS)
    notes = forms.CharField(label=_("Catatan perubahan"), max_length=500, required=False)
