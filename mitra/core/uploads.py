"""Uploaded files: checked by content and size, stored under a random name, served by views.

Files live under MEDIA_ROOT (outside the web root); nothing serves them except a view that
has checked the user's right first and then calls `file_response`.

Images are judged by their header before any pixel is decoded: a small file can declare
a huge canvas (a 17 KB PNG of 12000×12000 px takes a gigabyte to decode), so anything over
MAX_IMAGE_PIXELS is refused with its size in the message. Stored images lose their EXIF
block (the GPS point of the phone that took them is personal data): `store_upload`
re-encodes any image that carries metadata, upright.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

import filetype
from django import forms
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

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


PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def _header_size(file: File, kind: str) -> tuple[int, int]:
    # The format's own reader parses the header only; unlike Image.open it does not apply
    # Pillow's bomb check, so the size can be told to the person even for a huge canvas.
    reader: Any = {
        "jpeg": JpegImagePlugin.JpegImageFile,
        "png": PngImagePlugin.PngImageFile,
        "webp": WebPImagePlugin.WebPImageFile,
    }[kind]
    with reader(file) as image:
        return image.size


def check_image_pixels(file: File, kind: str | None = None) -> tuple[int, int]:
    """Width and height from the image's header; refuse one over MAX_IMAGE_PIXELS.

    Only the header is read, so a decompression bomb costs nothing to refuse.
    """
    limit = settings.MAX_IMAGE_PIXELS
    position = file.tell() if hasattr(file, "tell") else 0
    kind = kind or sniff_kind(file, IMAGE_KINDS)
    try:
        if kind not in IMAGE_KINDS:
            raise ValueError(kind)
        file.seek(0)
        width, height = _header_size(file, kind)
    except (OSError, ValueError, SyntaxError, KeyError) as exc:
        raise forms.ValidationError(
            _("Gambar tidak dapat dibaca."), code="image_unreadable"
        ) from exc
    finally:
        file.seek(position)
    if width * height > limit:
        raise forms.ValidationError(
            _(
                "Gambar terlalu besar: %(width)s × %(height)s piksel. "
                "Batasnya %(limit)s juta piksel; perkecil gambarnya lalu unggah lagi."
            )
            % {"width": width, "height": height, "limit": f"{limit / 1_000_000:g}"},
            code="image_too_large",
        )
    return width, height


def without_metadata(file: File, kind: str) -> File:
    """The image re-encoded upright without EXIF (GPS, camera, …) when it carries any;
    otherwise the file itself."""
    file.seek(0)
    with Image.open(file) as image:
        if not image.getexif() and "exif" not in image.info and "xmp" not in image.info:
            file.seek(0)
            return file
        upright = ImageOps.exif_transpose(image) or image
        options: dict[str, Any] = {}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        if kind == "jpeg":
            options.update(quality=90, optimize=True)
            upright = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
        buffer = io.BytesIO()
        upright.save(buffer, PIL_FORMATS[kind], **options)
    return ContentFile(buffer.getvalue(), name=getattr(file, "name", None) or "image")


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
    if kind in IMAGE_KINDS:
        check_image_pixels(file, kind)
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
    if kind in IMAGE_KINDS:
        file = without_metadata(file, kind)
    file.seek(0)
    return default_storage.save(random_name(folder, kind), file)


def file_response(
    field_file: FieldFile | str,
    *,
    download_name: str | None = None,
    inline: bool = True,
    personal: bool = False,
) -> FileResponse:
    """Serve a stored file. Call only after the view has checked the user may see it.

    `personal`: the file may hold personal data (attendance sheets, photos of people,
    signed agreements), so no cache may keep it.
    """
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
    response["Cache-Control"] = "private, no-store" if personal else "private, max-age=3600"
    return response
