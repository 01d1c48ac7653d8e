"""An institution's logo on its storefront and portal: upload, replace, remove.

The file is judged by its bytes (marketplace.uploads), never its name: PNG, JPEG or WebP, at
most 256 KB, between 64×64 and 1024×1024 pixels read from the image header (no imaging
library: the header says the size). SVG is refused: it can carry script. The stored name is
random; a replaced or removed file is deleted once the change has committed.
"""

from __future__ import annotations

import struct
import zlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace import uploads
from marketplace.cache import bump_catalogue_version

from .models import Institution, InstitutionStatus, Membership, Role

MAX_LOGO_BYTES = 256 * 1024
MIN_LOGO_PX = 64
MAX_LOGO_PX = 1024
LOGO_FOLDER = "logos"

# WebP is "RIFF" <size> "WEBP": the first four bytes pick the type, image_size checks the rest.
WEBP = uploads.FileType("image/webp", "webp", b"RIFF")
LOGO_TYPES = (uploads.PNG, uploads.JPEG, WEBP)
CONTENT_TYPES = {t.extension: t.content_type for t in LOGO_TYPES}

# Error messages (tests import these).
LOGO_WRONG_TYPE = _("Upload a PNG, JPEG or WebP image (SVG and other formats are not accepted).")
LOGO_TOO_BIG = _("The logo is {size} KB; the limit is 256 KB.")
LOGO_UNREADABLE = _("The image could not be read; it may be damaged or cut short.")
LOGO_TOO_LARGE = _(
    "The logo is {width}×{height} pixels; at most 1024×1024 are accepted. Scale it down."
)
LOGO_TOO_SMALL = _("The logo is {width}×{height} pixels; at least 64×64 are needed to look sharp.")
LOGO_NOT_EDITOR = _("Only an admin or editor of {institution} can change its logo.")
LOGO_NOT_APPROVED = _("{institution} is {status}; its logo cannot be changed.")


class UnreadableImageError(ValueError):
    """The header is cut short or is not what its first bytes promised."""


def _png_size(data: bytes) -> tuple[int, int]:
    # Signature (8), IHDR length (4) = 13, "IHDR", width (4), height (4).
    if len(data) < 24 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise UnreadableImageError
    return struct.unpack(">II", data[16:24])


# Start-of-frame markers carry the size; C4 (Huffman), C8 (reserved), CC (arithmetic) do not.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_NO_LENGTH = frozenset({0x01, *range(0xD0, 0xD9)})


def _jpeg_size(data: bytes) -> tuple[int, int]:
    at = 2
    while True:
        while at < len(data) and data[at] == 0xFF:  # fill bytes before a marker
            at += 1
        if at >= len(data) or data[at - 1] != 0xFF:
            raise UnreadableImageError
        marker = data[at]
        at += 1
        if marker in _JPEG_NO_LENGTH:
            continue
        if marker in (0xD9, 0xDA) or at + 2 > len(data):  # end / scan before any frame
            raise UnreadableImageError
        (length,) = struct.unpack(">H", data[at : at + 2])
        if marker in _JPEG_SOF:
            if length < 7 or at + 7 > len(data):
                raise UnreadableImageError
            height, width = struct.unpack(">HH", data[at + 3 : at + 7])
            return width, height
        if length < 2:
            raise UnreadableImageError
        at += length


def _webp_size(data: bytes) -> tuple[int, int]:
    if len(data) < 30 or data[8:12] != b"WEBP":
        raise UnreadableImageError
    chunk = data[12:16]
    if chunk == b"VP8 ":  # lossy: key-frame start code, then 14-bit width and height
        if data[23:26] != b"\x9d\x01\x2a":
            raise UnreadableImageError
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: signature 0x2F, then 14 bits each of width-1, height-1
        if data[20] != 0x2F:
            raise UnreadableImageError
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: 24-bit canvas width-1 and height-1
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    raise UnreadableImageError


_SIZE_READERS = {"png": _png_size, "jpg": _jpeg_size, "webp": _webp_size}


def image_size(data: bytes, file_type: uploads.FileType) -> tuple[int, int]:
    """(width, height) in pixels from the header; raises UnreadableImageError."""
    return _SIZE_READERS[file_type.extension](data)


def logo_check(file) -> uploads.FileType:
    """The logo's type; raises ValidationError (on ``logo``) when it breaks a rule."""
    size = getattr(file, "size", None) or 0
    if size > MAX_LOGO_BYTES:
        message = LOGO_TOO_BIG.format(size=round(size / 1024))
        raise ValidationError({"logo": ValidationError(message, code="file_too_big")})
    file_type = uploads.upload_check(
        file=file, types=LOGO_TYPES, max_mb=1, wrong_type=LOGO_WRONG_TYPE, field="logo"
    )
    file.seek(0)
    data = file.read(MAX_LOGO_BYTES)
    file.seek(0)
    try:
        width, height = image_size(data, file_type)
    except UnreadableImageError:
        raise ValidationError(
            {"logo": ValidationError(LOGO_UNREADABLE, code="image_unreadable")}
        ) from None
    if width > MAX_LOGO_PX or height > MAX_LOGO_PX:
        message = LOGO_TOO_LARGE.format(width=width, height=height)
        raise ValidationError({"logo": ValidationError(message, code="image_too_large")})
    if width < MIN_LOGO_PX or height < MIN_LOGO_PX:
        message = LOGO_TOO_SMALL.format(width=width, height=height)
        raise ValidationError({"logo": ValidationError(message, code="image_too_small")})
    return file_type


def _require_editor(*, institution: Institution, actor) -> None:
    if institution.status != InstitutionStatus.APPROVED:
        raise PermissionDenied(
            LOGO_NOT_APPROVED.format(
                institution=institution.name, status=institution.get_status_display().lower()
            )
        )
    membership = Membership.objects.filter(institution=institution, user=actor).first()
    if membership is None or not membership.has_role(Role.EDITOR):
        raise PermissionDenied(LOGO_NOT_EDITOR.format(institution=institution.name))


def _changed(old_name: str) -> None:
    """After commit: cached public pages (the storefront) are refreshed, the old file goes."""
    bump_catalogue_version()
    if old_name:
        name = old_name
        storage = Institution._meta.get_field("logo").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def logo_set(*, institution: Institution, actor, file) -> Institution:
    """Store ``file`` as the institution's logo (replacing any old one) after logo_check."""
    _require_editor(institution=institution, actor=actor)
    file_type = logo_check(file)
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    old_name = locked.logo.name
    name = uploads.random_name(folder=LOGO_FOLDER, file_type=file_type)
    file.seek(0)
    locked.logo.save(name, ContentFile(file.read()), save=False)
    try:
        locked.save(update_fields=["logo"])
    except Exception:
        locked.logo.storage.delete(locked.logo.name)
        raise
    _changed(old_name)
    institution.logo = locked.logo
    return institution


@transaction.atomic
def logo_remove(*, institution: Institution, actor) -> Institution:
    """Back to the lettermark: clear the logo and delete its file after commit."""
    _require_editor(institution=institution, actor=actor)
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    old_name = locked.logo.name
    locked.logo = ""
    locked.save(update_fields=["logo"])
    _changed(old_name)
    institution.logo = locked.logo
    return institution


def logo_content_type(name: str) -> str:
    """What a stored logo is served as (the name's extension was chosen by logo_check)."""
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")


def png_bytes(width: int, height: int, pixel) -> bytes:
    """A truecolour PNG whose ``pixel(x, y)`` returns (r, g, b): demo logos and tests."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        uploads.PNG.signature
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )
