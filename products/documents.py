"""Which documents a product must carry before it is published, and minimal valid PDFs for the
demo data (a page of text, built by hand: no PDF library needed)."""

from __future__ import annotations

from .models import REQUIRED_DOCUMENTS, DocumentKind, Product


def missing_documents(*, product: Product) -> list[str]:
    """The labels of the documents the product's kind requires and it does not have: a
    document counts only if its file is really in storage."""
    have = {
        document.kind
        for document in product.documents.all()
        if document.file and document.file.storage.exists(document.file.name)
    }
    return [
        DocumentKind(kind).label
        for kind in REQUIRED_DOCUMENTS.get(product.kind, ())
        if kind not in have
    ]


def _pdf_text(text: str) -> str:
    """Text for a PDF string literal in the standard Helvetica encoding (ASCII only)."""
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(*, title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing ``title`` and ``lines`` in Helvetica, with a correct cross-
    reference table, so any reader opens it."""
    rows = [f"BT /F1 16 Tf 56 780 Td ({_pdf_text(title)}) Tj ET"]
    for n, line in enumerate(lines[:40]):
        rows.append(f"BT /F1 10 Tf 56 {750 - 16 * n} Td ({_pdf_text(line)}) Tj ET")
    stream = "\n".join(rows).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (%s) /Producer (Fortune Market demo data) >>" % _pdf_text(title).encode(),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
