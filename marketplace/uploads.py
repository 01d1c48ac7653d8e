"""Uploaded files, one rule for every app (DESIGN §5).

A file's type is judged by its first bytes, never by its name or the type the browser
claims; it has a size limit; and it is stored under a random name (the uploader's file name
is data, kept beside it, never a path). Product documents (PDF only) and after-sales
attachments (PDF or image) both go through :func:`upload_check`.
"""

from __future__ import annotations

import os
import secrets
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

FILE_TOO_BIG = _("The file is {size} MB; the limit is {limit} MB.")
FILE_EMPTY = _("The file is empty.")


class FileType(NamedTuple):
    content_type: str
    extension: str
    signature: bytes


PDF = FileType("application/pdf", "pdf", b"%PDF-")
PNG = FileType("image/png", "png", b"\x89PNG\r\n\x1a\n")
JPEG = FileType("image/jpeg", "jpg", b"\xff\xd8\xff")


def upload_check(
    *, file, types: tuple[FileType, ...], max_mb: int, wrong_type: StrOrPromise, field: str = "file"
) -> FileType:
    """The type of ``file`` among ``types``, judged by its content; raises ValidationError
    (on ``field``) when it is empty, larger than ``max_mb`` or of none of those types."""
    size = getattr(file, "size", None) or 0
    if size <= 0:
        raise ValidationError({field: ValidationError(FILE_EMPTY, code="file_empty")})
    if size > max_mb * 1024 * 1024:
        message = FILE_TOO_BIG.format(size=round(size / 1048576, 1), limit=max_mb)
        raise ValidationError({field: ValidationError(message, code="file_too_big")})
    longest = max(len(t.signature) for t in types)
    file.seek(0)
    head = file.read(longest)
    file.seek(0)
    for file_type in types:
        if head.startswith(file_type.signature):
            return file_type
    raise ValidationError({field: ValidationError(wrong_type, code="file_type")})


def random_name(*, folder: str, file_type: FileType) -> str:
    """Where a file is stored: ``folder/YYYY/MM/<random>.<ext>``."""
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{file_type.extension}"


def original_name(file) -> str:
    """The uploader's file name without any path, as data (at most 255 characters)."""
    name = os.path.basename((getattr(file, "name", "") or "").replace("\\", "/"))
    return "".join(ch for ch in name if ch.isprintable())[:255]
