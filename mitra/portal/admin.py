from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mitra.core.uploads import IMAGE_KINDS, CheckedFileField, store_upload

from .models import Article, Material, MaterialVersion, Tag


class ArticleAdminForm(forms.ModelForm):
    image_upload = CheckedFileField(kinds=sorted(IMAGE_KINDS), required=False, label=_("Gambar"))

    class Meta:
        model = Article
        fields = [
            "office", "slug", "title", "lead", "body", "image_alt", "published_at",
            "author", "byline", "tags", "status",
        ]  # fmt: skip


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "published_at", "views_total", "office"]
    list_filter = ["office", "status", "tags"]
    search_fields = ["title", "lead", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]
    date_hierarchy = "published_at"
    readonly_fields = ["view_count"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return Article.objects.with_view_totals()

    @admin.display(description=_("jumlah dilihat"), ordering="views_total")
    def views_total(self, obj: Article) -> int:
        return int(obj.views_total)  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        upload = form.cleaned_data.get("image_upload")
        if upload:
            obj.image = store_upload(upload, folder="portal/articles")
        if obj.author_id is None:
            obj.author = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "office"]
    prepopulated_fields = {"slug": ["name"]}


class MaterialVersionForm(forms.ModelForm):
    upload = CheckedFileField(
        kinds=["pdf", "jpeg", "png", "webp", "mp4", "pptx"], required=False, label=_("Berkas")
    )

    class Meta:
        model = MaterialVersion
        fields = ["number", "notes", "upload"]


class MaterialVersionInline(admin.TabularInline):
    model = MaterialVersion
    form = MaterialVersionForm
    extra = 1
    readonly_fields = ["download_count", "uploaded_at"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "theme", "download_count", "office"]
    list_filter = ["office", "kind", "theme"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MaterialVersionInline]
    readonly_fields = ["download_count"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for subform in formset.forms:
            upload = subform.cleaned_data.get("upload") if subform.cleaned_data else None
            if upload and subform.instance in instances:
                subform.instance.file = store_upload(upload, folder="portal/materials")
                subform.instance.original_name = upload.name[:200]
                subform.instance.size = upload.size or 0
        for obj in instances:
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
