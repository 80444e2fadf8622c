from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Field, URLField
from django.forms import Field as FormField
from django.http import HttpRequest
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from mitra.core.uploads import IMAGE_KINDS, CheckedFileField, store_upload

from .models import IMAGE_FIELDS, Office
from .services import office_place


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "region", "level", "parent"]
    # Derived from the region by `office_place`, never typed.
    readonly_fields = ["level", "parent"]
    raw_id_fields = ["region"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        if db_field.name in IMAGE_FIELDS:  # judged by content, like every other upload
            return CheckedFileField(
                kinds=sorted(IMAGE_KINDS),
                required=False,
                label=capfirst(db_field.verbose_name),
                widget=AdminFileWidget,
            )
        if isinstance(db_field, URLField):
            kwargs["assume_scheme"] = "https"  # what Django 6 assumes; said now, no warning
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Office, form: Any, change: bool) -> None:
        for field, folder in IMAGE_FIELDS.items():
            upload = form.cleaned_data.get(field)
            if isinstance(upload, UploadedFile):  # stored under a random name, as uploads are
                setattr(obj, field, store_upload(upload, folder=folder))
        super().save_model(request, obj, form, change)
        office_place(office=obj)
