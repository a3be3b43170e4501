"""Writing annotations and registries as YAML that reads back unchanged.

The one writer for model data (the decompiler, `eventset.testing` and the synthetic corpora
share it). It goes through PyYAML's emitter from the models' plain data, never through string
templates, so any value the models accept is written so that the loader reads it back as is:
edge spaces and characters a reader cannot see are written as double-quoted escapes (the
loader refuses them raw), selectors that hold only a quote take the shorthand form.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml
from pydantic import BaseModel


def _hidden(value: str) -> bool:
    """Whether a string holds characters a reader cannot see (format and control characters,
    line separators)."""
    return any(unicodedata.category(c) in {"Cf", "Cc", "Zl", "Zp"} for c in value)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # annotations never use anchors; the loader refuses them

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        # PyYAML escapes only what it cannot print; a string with hidden characters is written
        # with every non-ASCII character escaped, so a zero-width joiner shows as \u200D.
        saved = self.allow_unicode
        self.allow_unicode = saved and not _hidden(text)
        try:
            super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = saved


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    special = value != value.strip() or _hidden(value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if special else None)


_Dumper.add_representer(str, _represent_str)


def _compact(value: Any) -> Any:
    """Selectors with nothing but a quote are written in the shorthand form (a bare string)."""
    if isinstance(value, dict):
        if set(value) == {"quote"}:
            return value["quote"]
        return {key: _compact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def model_data(model: BaseModel) -> dict[str, Any]:
    """The plain data of an annotation or registry, as an annotator would write it: defaults
    left out, selectors in shorthand where they can be."""
    data: dict[str, Any] = _compact(model.model_dump(mode="python", exclude_defaults=True))
    return data


def dump_yaml(data: dict[str, Any], header: str = "") -> str:
    """YAML text of plain data, after `header` (comment lines, each ending in a newline)."""
    body = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2
    )
    return header + body


def model_yaml(model: BaseModel, header: str = "") -> str:
    """YAML text of an annotation or registry, readable back unchanged."""
    return dump_yaml(model_data(model), header)


def flow_yaml(value: Any) -> str:
    """One-line YAML of a value (a selector, a date), ready to paste into an annotation."""
    text = yaml.dump(
        _compact(value),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=True,
    )
    return text.removesuffix("\n...\n").rstrip("\n")


class _IndentedDumper(_Dumper):
    """Block sequences indented under their key (`actors:\n  - actor: x`), as `eventset new`
    writes annotations and the registries and the gold annotation are written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def block_yaml(value: Any, indent: int = 0) -> str:
    """Block YAML of a value (a mapping entry or a list item), every line indented by `indent`
    spaces, to splice into a file that is written in the hand-written layout."""
    text = yaml.dump(
        _compact(value),
        Dumper=_IndentedDumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        indent=2,
    )
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))
