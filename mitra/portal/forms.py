"""Forms of the staff's news pages (validation only; the services hold the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.inputs import CleanTextFormMixin
from mitra.core.uploads import IMAGE_KINDS, CheckedFileField
from mitra.elections.models import Theme

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
