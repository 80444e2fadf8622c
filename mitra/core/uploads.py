"""Uploaded files: checked by content and size, stored under a random name, served by views.

Files live under MEDIA_ROOT (outside the web root); nothing serves them except a view that
has checked the user's right first and then calls `file_response`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

import filetype
from django import forms
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What each kind is called for people, and the MIME types its content may sniff as.
KINDS: dict[str, tuple[str, frozenset[str], str]] = {
    "pdf": ("PDF", frozenset({"application/pdf"}), ".pdf"),
    "jpeg": ("JPEG", frozenset({"image/jpeg"}), ".jpg"),
    "png": ("PNG", frozenset({"image/png"}), ".png"),
    "webp": ("WebP", frozenset({"image/webp"}), ".webp"),
    "mp4": ("MP4", frozenset({"video/mp4"}), ".mp4"),
    "pptx": (
        "PowerPoint",
        frozenset(
            {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "application/zip",
            }
        ),
        ".pptx",
    ),
}
IMAGE_KINDS = frozenset({"jpeg", "png", "webp"})


def sniff_kind(file: File, kinds: Iterable[str]) -> str | None:
    """The kind among `kinds` that the file's first bytes show it to be, else None."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8192)
    file.seek(position)
    mime = filetype.guess_mime(head) if head else None
    for kind in kinds:
        if mime in KINDS[kind][1]:
            return kind
    return None


def check_size(file: UploadedFile, *, max_bytes: int | None = None) -> None:
    """Refuse a file over the limit (UPLOAD_MAX_BYTES unless given), naming both sizes."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise forms.ValidationError(
            _("Berkas terlalu besar (%(size)s). Batasnya %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )


def validate_upload(
    file: UploadedFile, *, kinds: Iterable[str], max_bytes: int | None = None
) -> str:
    """Check size and content; return the detected kind or raise a ValidationError."""
    kinds = list(kinds)
    names = ", ".join(KINDS[k][0] for k in kinds)
    check_size(file, max_bytes=max_bytes)
    if not file.size:
        raise forms.ValidationError(_("Berkas kosong."), code="file_empty")
    kind = sniff_kind(file, kinds)
    if kind is None:
        raise forms.ValidationError(
            _("Isi berkas bukan %(kinds)s yang sah. Periksa berkasnya, bukan hanya namanya.")
            % {"kinds": names},
            code="file_type",
        )
    return kind


class CheckedFileField(forms.FileField):
    """A file field that accepts only the given kinds, judged by content, within the size cap.

    After cleaning, the file carries `checked_kind` ("pdf", "jpeg", …).
    """

    def __init__(
        self, *, kinds: Iterable[str], max_bytes: int | None = None, **kwargs: Any
    ) -> None:
        self.kinds = list(kinds)
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "help_text",
            gettext_lazy("Format: %(kinds)s. Maksimal %(limit)s.")
            % {
                "kinds": ", ".join(KINDS[k][0] for k in self.kinds),
                "limit": filesizeformat(max_bytes or settings.UPLOAD_MAX_BYTES),
            },
        )
        super().__init__(**kwargs)
        accept = ",".join(
            sorted({m for k in self.kinds for m in KINDS[k][1]} - {"application/zip"})
        )
        self.widget.attrs.setdefault("accept", accept)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if file and isinstance(file, UploadedFile):
            file.checked_kind = validate_upload(  # type: ignore[attr-defined]
                file, kinds=self.kinds, max_bytes=self.max_bytes
            )
        return file


def random_name(folder: str, kind: str) -> str:
    """A storage path nobody can guess: folder/<32 random hex chars><extension>."""
    return f"{folder.strip('/')}/{secrets.token_hex(16)}{KINDS[kind][2]}"


def store_upload(file: File, *, folder: str, kind: str | None = None) -> str:
    """Save an (already checked) upload under a random name; returns the storage name."""
    kind = kind or getattr(file, "checked_kind", None)
    if kind is None:
        raise ValueError("store_upload needs a checked file (CheckedFileField) or an explicit kind")
    file.seek(0)
    return default_storage.save(random_name(folder, kind), file)


def file_response(
    field_file: FieldFile | str, *, download_name: str | None = None, inline: bool = True
) -> FileResponse:
    """Serve a stored file. Call only after the view has checked the user may see it."""
    name = field_file.name if isinstance(field_file, FieldFile) else field_file
    if not name or not default_storage.exists(name):
        raise Http404
    handle = default_storage.open(name, "rb")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=download_name or PurePath(name).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
