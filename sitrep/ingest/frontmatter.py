"""A leading YAML front-matter block (`---` ... `---`), as in the Markdown reports of the corpus."""

from __future__ import annotations

import re
from collections.abc import Mapping

import yaml

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_BLOCK_FIRST_LINE = 2  # the block's first line is the file's second, after the opening "---"
_YAML_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but dates stay strings: an impossible date (2016-02-30) then spoils only
    its own field, with a warning from `parse_published`, instead of failing the whole block."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first_char: [(tag, pattern) for tag, pattern in resolvers if tag != _YAML_TIMESTAMP_TAG]
    for first_char, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[Mapping[object, object], str, tuple[str, ...]]:
    """Split `text` into (front-matter fields, body, warnings). The body follows the closing `---`
    line verbatim, so offsets into the body are offsets into the Document's text.

    Malformed YAML keeps the body and drops the block, with a warning. A block that is valid YAML but
    not a mapping (prose between two horizontal rules) is no front matter: the text stays whole.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text, ()
    body = text[match.end() :]
    try:
        fields = yaml.load(match.group(1) or "", Loader=_FrontMatterLoader)  # a SafeLoader subclass
    # ValueError: a bad explicit tag such as !!int x; RecursionError: a block nested a thousand deep
    # ("a: [[[[..."), which PyYAML's pure-Python composer follows by recursion.
    except (yaml.YAMLError, ValueError, RecursionError) as e:
        return (
            {},
            body,
            (f"front matter is not valid YAML ({_describe_yaml_error(e)}); its fields were ignored",),
        )
    if fields is None:
        return {}, body, ()
    if not isinstance(fields, dict):
        return {}, text, ("leading '---' block is not a YAML mapping; kept as text",)
    return fields, body, ()


def _describe_yaml_error(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    problem = getattr(error, "problem", None) or type(error).__name__
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return str(problem)
    return f"{problem} at line {mark.line + _BLOCK_FIRST_LINE}"
