"""The ingest stage: files, folders, JSON Lines batches and standard input become `Document`s.

Text is decoded BOM-aware (UTF-8 first, then cp1252/latin-1 when that reads as text, else UTF-8 with
replacement and a warning); newlines are normalised to "\\n" and nothing else is changed, so offsets
index into `Document.text`. Markdown front matter and HTML metadata fill the Document's fields.
"""

from __future__ import annotations

from sitrep.ingest.decode import MAX_DOCUMENT_BYTES, read_text
from sitrep.ingest.readers import READABLE_SUFFIXES, read_document, read_documents

__all__ = ["MAX_DOCUMENT_BYTES", "READABLE_SUFFIXES", "read_document", "read_documents", "read_text"]
