"""Safe YAML loading that keeps the line and column of every value: `load_yaml`.

Contributed annotations are untrusted, so the loader refuses whatever YAML can do beyond plain
data (anchors and aliases, explicit tags, duplicate keys, tabs, control and invisible
characters, a byte-order mark, non-UTF-8 bytes, anything over the limits) and changes nothing
the user wrote. Scalars follow YAML 1.2 core rules: `no`, `yes`, `on`, `off` stay strings.

Two parsers, one verdict. The steps live in their own modules:

- `yaml_text`: bytes to text under the file rules, and the limits;
- `yaml_fast`: rapidyaml, for files written in the subset both parsers read alike;
- `yaml_libyaml`: the reference, which reads every other file, finds and locates every problem;
- `yaml_nodes`: libyaml's node tree, and the document whose positions come from it;
- `yaml_errors`: libyaml's syntax errors in plain words.
"""

from __future__ import annotations

from eventset.inputs.yaml_fast import fast_data, fast_parser_allowed
from eventset.inputs.yaml_libyaml import load_with_libyaml
from eventset.inputs.yaml_nodes import YamlDocument, YamlPath
from eventset.inputs.yaml_text import (
    CONTROL,
    DEFAULT_LIMITS,
    INVISIBLE,
    PLAIN_ASCII,
    REGISTRY_LIMITS,
    Limits,
    Mark,
    clean_ascii,
    decode_text,
    decode_utf8,
    position,
)
from eventset.problems import Problem

# What the rest of the project imports from here: the loader and what its callers handle.
__all__ = [
    "CONTROL",
    "DEFAULT_LIMITS",
    "INVISIBLE",
    "PLAIN_ASCII",
    "REGISTRY_LIMITS",
    "Limits",
    "Mark",
    "YamlDocument",
    "YamlPath",
    "clean_ascii",
    "decode_text",
    "decode_utf8",
    "load_yaml",
    "position",
]


def load_yaml(
    raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML file. Returns the document, or None and the problems that stop it."""
    text, problems = decode_text(raw, file, limits)
    if text is None:
        return None, problems
    fast = fast_data(raw, text, limits) if fast_parser_allowed() else None
    if fast is not None:
        return YamlDocument(fast, text=text), []
    return load_with_libyaml(text, file, limits)
