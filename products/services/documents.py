"""Product documents: PDFs attached to a listing."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace import uploads

from ..models import Product, ProductDocument, ProductEventKind
from ._common import _event, _require_editor

# Error messages (tests import these).
FILE_TOO_BIG = uploads.FILE_TOO_BIG
FILE_NOT_PDF = _("Upload a PDF document (the file does not look like a PDF).")

MAX_DOCUMENT_MB = 10


@transaction.atomic
def document_add(*, product: Product, actor, kind: str, title: str, file) -> ProductDocument:
    """Attach a PDF (prospectus, policy wording, …) of at most MAX_DOCUMENT_MB."""
    _require_editor(institution=product.institution, actor=actor)
    uploads.upload_check(
        file=file, types=(uploads.PDF,), max_mb=MAX_DOCUMENT_MB, wrong_type=FILE_NOT_PDF
    )
    document = ProductDocument(
        product=product,
        kind=kind,
        title=(title or "").strip(),
        file=file,
        original_name=uploads.original_name(file),
        size=file.size,
        content_type="application/pdf",
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    document.save()
    _event(product, actor, ProductEventKind.DOCUMENT_ADDED, changes={"document": document.title})
    return document
