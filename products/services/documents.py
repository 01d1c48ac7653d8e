"""Product documents: PDFs attached to a listing."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Product, ProductDocument, ProductEventKind
from ._common import _event, _require_editor

# Error messages (tests import these).
FILE_TOO_BIG = "The file is {size} MB; the limit is {limit} MB."
FILE_NOT_PDF = "Upload a PDF document (the file does not look like a PDF)."

MAX_DOCUMENT_MB = 10


@transaction.atomic
def document_add(*, product: Product, actor, kind: str, title: str, file) -> ProductDocument:
    """Attach a PDF (prospectus, policy wording, …) of at most MAX_DOCUMENT_MB."""
    _require_editor(institution=product.institution, actor=actor)
    if file.size > MAX_DOCUMENT_MB * 1024 * 1024:
        raise ValidationError(
            {"file": FILE_TOO_BIG.format(size=round(file.size / 1048576, 1), limit=MAX_DOCUMENT_MB)}
        )
    head = file.read(5)
    file.seek(0)
    if head != b"%PDF-":
        raise ValidationError({"file": FILE_NOT_PDF})
    document = ProductDocument(
        product=product,
        kind=kind,
        title=(title or "").strip(),
        file=file,
        original_name=os.path.basename(file.name or "")[:255],
        size=file.size,
        content_type="application/pdf",
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    document.save()
    _event(product, actor, ProductEventKind.DOCUMENT_ADDED, changes={"document": document.title})
    return document
