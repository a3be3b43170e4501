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

from eventset.inputs.yaml_fast import fast_data, fast_parser_allowed, subset_compiled
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
    if fast_parser_allowed() and _fast_path_pays(len(raw)):
        fast = fast_data(raw, text, limits)
        if fast is not None:
            return YamlDocument(fast, text=text), []
    return load_with_libyaml(text, file, limits)


# The fast path's pattern costs about 15 ms to compile, once a process (yaml_fast.subset), and
# libyaml takes about 0.1 ms a kilobyte more than the fast path. So a process reads its first
# files with libyaml until they add up to FEW_BYTES, and takes the fast path from then on (at
# once for a file that large): a command that checks one annotation (`validate FILE`, the
# update after an edit) compiles nothing, and a build's worker spends about 13 ms more on its
# first sixty files. Both give the same verdict and data (tests/security/test_fast_yaml.py).
FEW_BYTES = 128 * 1024
_read_by_libyaml = 0


def _fast_path_pays(size: int) -> bool:
    global _read_by_libyaml
    if subset_compiled() or _read_by_libyaml + size > FEW_BYTES:
        return True
    _read_by_libyaml += size
    return False
