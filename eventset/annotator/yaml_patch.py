"""A YAML file rewritten to new data with the fewest lines changed, the annotator's comments kept.

The file is the annotator's: their comments, key order, quoting and blank lines stay theirs. So a
change is never a fresh dump of the whole file: the old and the new data are compared along the
old file's node tree, and only the entries and items that differ are rewritten, through the house
writer (`block_yaml`, `flow_yaml`); everything else stays byte for byte, so `git diff` shows the
change and nothing else. A block list separated by blank lines gets its new items separated the
same way; a flow list (`mentions: ["a", "b"]`) of plain values stays a flow list.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterator
from typing import Any

import yaml

from eventset.inputs.yamlfile import INVISIBLE
from eventset.schema.yaml_writer import block_yaml, flow_yaml

Edit = tuple[int, int, str]  # text[start:end] becomes the string


def plain(value: Any) -> Any:
    """Data as the project's loader reads it back: dates are strings until a model parses them."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _key(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False)


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Just past the newline ending the line that holds `index` (a trailing comment included)."""
    found = text.find("\n", index)
    return len(text) if found == -1 else found + 1


def _content_end(text: str, node: yaml.Node) -> int:
    """Where a node's own characters end: a block collection ends with its last child, a block
    scalar before the line breaks libyaml counts into it."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _content_end(text, node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _content_end(text, node.value[-1])
    end = int(node.end_mark.index)
    while end > node.start_mark.index and text[end - 1].isspace():
        end -= 1
    return end


def _span_end(text: str, node: yaml.Node, floor: int) -> int:
    return _line_end(text, max(_content_end(text, node) - 1, floor))


def _scalar(value: Any, like: yaml.Node | None) -> str:
    """A value on one line, double-quoted where the annotator double-quotes its neighbours."""
    if isinstance(value, str) and isinstance(like, yaml.ScalarNode) and like.style == '"':
        quoted = json.dumps(value, ensure_ascii=False)
        return INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return flow_yaml(value)


def _flowish(new: Any, node: yaml.Node | None) -> bool:
    """Whether a value is written on its key's line: scalars and empty collections always; a
    list or mapping of plain values (or of selectors, `{quote: ..., occurrence: 2}`) where the
    annotator wrote a flow collection."""
    if not isinstance(new, dict | list) or not new:
        return True
    items = new.values() if isinstance(new, dict) else new
    flow = node is not None and getattr(node, "flow_style", False)
    return bool(flow) and all(_flat(item) for item in items)


def _flat(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(isinstance(item, dict | list) for item in value.values())
    return not isinstance(value, list)


def _value_edits(
    text: str, key: yaml.Node, node: yaml.Node, old: Any, new: Any, indent: int
) -> Iterator[Edit]:
    block = not getattr(node, "flow_style", True)
    if block and isinstance(node, yaml.MappingNode) and _both(old, new, dict):
        yield from _mapping_edits(text, node, old, new)
        return
    if block and isinstance(node, yaml.SequenceNode) and _both(old, new, list):
        yield from _sequence_edits(text, node, old, new)
        return
    flow_list = isinstance(node, yaml.SequenceNode) and not block and node.value
    if flow_list and _both(old, new, list) and _flowish(new, node):
        if len(new) > len(old) and [_key(x) for x in new[: len(old)]] == [_key(x) for x in old]:
            # Items appended to a flow list go before its `]`: the rest of the line stays.
            added = ", ".join(_scalar(x, node.value[-1]) for x in new[len(old) :])
            end = _content_end(text, node.value[-1])
            yield (end, end, ", " + added)
            return
        shown = ", ".join(_scalar(x, node.value[0]) for x in new)
        yield (key.end_mark.index, _content_end(text, node), f": [{shown}]")
        return
    end = _content_end(text, node)
    if _flowish(new, node):
        yield (key.end_mark.index, end, ": " + flow_yaml(new))
    else:
        yield (key.end_mark.index, end, ":\n" + block_yaml(new, indent + 2).rstrip("\n"))


def _both(old: Any, new: Any, kind: type) -> bool:
    """Both values of the kind, the new one not empty (an empty one is written `[]` or `{}`)."""
    return isinstance(old, kind) and isinstance(new, kind) and bool(new)


def _mapping_edits(
    text: str, node: yaml.MappingNode, old: dict[str, Any], new: dict[str, Any]
) -> Iterator[Edit]:
    pairs = {k.value: (k, v) for k, v in node.value}
    indent = int(node.value[0][0].start_mark.column)
    for name, (k, v) in pairs.items():
        if name not in new:
            yield (_line_start(text, k.start_mark.index), _span_end(text, v, k.end_mark.index), "")
    kept = [name for name in new if name in pairs and name in old]
    last_k, last_v = node.value[-1]
    anchor: int | None = None
    for name, value in new.items():
        if name in kept:
            k, v = pairs[name]
            if _key(old[name]) != _key(value):
                yield from _value_edits(text, k, v, old[name], value, indent)
            anchor = _span_end(text, v, k.end_mark.index)
            continue
        if _flowish(value, None):
            entry = " " * indent + f"{name}: {flow_yaml(value)}\n"
        else:
            entry = block_yaml({name: value}, indent)
        if anchor is not None:
            yield (anchor, anchor, entry)
            continue
        at = _span_end(text, last_v, last_k.end_mark.index)
        if kept:
            following = pairs[kept[0]][0].start_mark.index
            begin = _line_start(text, following)
            if not text[begin:following].strip():  # not the first key of a `- ` item line
                at = begin
        yield (at, at, entry)


def _dash(text: str, item: yaml.Node) -> int:
    """The column of the `-` that opens a block sequence item."""
    begin = _line_start(text, item.start_mark.index)
    return text.rfind("-", begin, item.start_mark.index) - begin


def _blank_separated(text: str, ends: list[int], starts: list[int]) -> bool:
    """Whether the list's items are set apart by a blank line (as the registries are)."""
    if len(starts) < 2:
        return False
    gap = text[ends[-2] : _line_start(text, starts[-1])]
    return any(not line.strip() for line in gap.split("\n")[:-1])


def _sequence_edits(
    text: str, node: yaml.SequenceNode, old: list[Any], new: list[Any]
) -> Iterator[Edit]:
    items = node.value
    starts = [_line_start(text, item.start_mark.index) for item in items]
    ends = [_span_end(text, item, item.start_mark.index) for item in items]
    indent = _dash(text, items[0])
    blank = _blank_separated(text, ends, [item.start_mark.index for item in items])

    def rendered(values: list[Any], before: bool) -> str:
        like = items[-1]
        parts = [
            " " * indent + "- " + _scalar(value, like) + "\n"
            if isinstance(value, str) and isinstance(like, yaml.ScalarNode)
            else block_yaml([value], indent)
            for value in values
        ]
        if not blank:
            return "".join(parts)
        return (
            "".join(part + "\n" for part in parts) if before else "".join("\n" + p for p in parts)
        )

    def deleted(first: int, last: int) -> Edit:
        end = ends[last]
        if blank and end < len(text):
            newline = text.find("\n", end)
            if newline != -1 and not text[end:newline].strip():
                end = newline + 1  # the blank line that set the item apart goes with it
        return (starts[first], end, "")

    matcher = difflib.SequenceMatcher(
        None, [_key(x) for x in old], [_key(x) for x in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "delete":
            yield deleted(i1, i2 - 1)
            continue
        if op == "insert":
            if i1 > 0:
                yield (ends[i1 - 1], ends[i1 - 1], rendered(new[j1:j2], before=False))
            else:
                yield (starts[0], starts[0], rendered(new[j1:j2], before=True))
            continue
        paired = min(i2 - i1, j2 - j1)
        for offset in range(paired):
            i, j = i1 + offset, j1 + offset
            item = items[i]
            if (
                isinstance(item, yaml.MappingNode)
                and not item.flow_style
                and isinstance(old[i], dict)
                and isinstance(new[j], dict)
                and new[j]
            ):
                yield from _mapping_edits(text, item, old[i], new[j])
            else:
                yield (starts[i], ends[i], block_yaml([new[j]], indent))
        if i2 - i1 > paired:
            yield deleted(i1 + paired, i2 - 1)
        elif j2 - j1 > paired:
            at = ends[i1 + paired - 1]
            yield (at, at, rendered(new[j1 + paired : j2], before=False))


def patched_text(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    """`text` (whose data is `old`) changed so that it reads as `new`, touching only what
    differs. `text` must be a block mapping at the top, as every annotation and registry is."""
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    if not isinstance(root, yaml.MappingNode) or root.flow_style or not root.value:
        raise ValueError("the file's top is not a block mapping")
    edits = sorted(enumerate(_mapping_edits(text, root, old, new)), key=lambda e: (e[1][0], e[0]))
    out: list[str] = []
    at = 0
    for _, (start, end, replacement) in edits:
        out.append(text[at:start] if start > at else "")
        out.append(replacement)
        at = max(at, end)
    out.append(text[at:])
    return "".join(out)
