"""Safe YAML loading that keeps the line and column of every value.

Contributed annotations are untrusted, so this module refuses whatever YAML can do beyond plain
data: anchors and aliases (alias bombs), explicit tags, duplicate keys, tabs, control characters,
a byte-order mark, non-UTF-8 bytes and anything over the limits. Scalars follow YAML 1.2 core
rules: `no`, `yes`, `on`, `off` stay strings and dates stay strings until the models parse them.
Nothing the user wrote is changed on the way.

Two parsers, one verdict. libyaml's `compose` (nodes with marks) is the reference: it finds and
locates every problem. Most files have none, so a clean file is read first by rapidyaml (about
ten times faster), and its data is accepted only when nothing about the file could make the two
disagree (see `_fast_data`); anything unusual, from an anchor to a quoted "1", goes to libyaml,
which then decides alone. Positions are always libyaml's, composed on demand when a problem
needs one.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import ryml
import yaml
from yaml._yaml import CParser

from eventset.problems import Problem, problem

_KIND_TAG = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _ComposeOnly(CParser, yaml.constructor.BaseConstructor):
    """libyaml's parser and composer, with YAML 1.1 tag resolution switched off.

    The builder types plain scalars itself (YAML 1.2 core), so resolving each scalar against
    the 1.1 regexes would be wasted work (about a fifth of the parse time); explicit tags are
    not resolved by the composer at all and still reach the builder's tag check.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        yaml.constructor.BaseConstructor.__init__(self)

    def resolve(self, kind: type[yaml.Node], value: object, implicit: object) -> str:
        return _KIND_TAG[kind]

    def descend_resolver(self, parent: object, index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


# Where a node sits in a YAML document: mapping keys and sequence indexes from the top.
YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds on one YAML file; see docs/limits.md for the reasons behind each number."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 32
    max_nodes: int = 200_000
    max_string: int = 20_000
    max_reported: int = 20  # repeated byte-level problems (tabs) reported per file


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based, in code points


@dataclass
class YamlDocument:
    """Plain data plus the node tree it was read from, to find any value's line and column.

    Positions are looked up on demand by walking the tree along a path: most files have no
    problem, so recording a mark for every node up front would be wasted work. A file read by
    the fast path keeps its text instead, and libyaml composes the tree the first time a
    position is asked for.
    """

    data: Any
    root: yaml.Node | None = None
    text: str | None = None

    def _tree(self) -> yaml.Node | None:
        if self.root is None and self.text is not None:
            self.root = _compose(self.text)
            self.text = None
        return self.root

    def _walk(self, path: YamlPath) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest existing node on `path` and, if the last step was a mapping key, its key node."""
        node, key_node = self._tree(), None
        for part in path:
            key_node = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                pair = next((kv for kv in node.value if kv[0].value == part), None)
                if pair is None:
                    break
                key_node, node = pair
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                node = node.value[part]
            else:
                break
        return node, key_node

    def mark(self, path: YamlPath) -> Mark:
        """The position of the deepest node on `path` that exists (a missing field points at its parent)."""
        node, _ = self._walk(path)
        return _node_mark(node) if node is not None else Mark(1, 1)

    def key_mark(self, path: YamlPath) -> Mark:
        """The position of a mapping key, falling back to its value."""
        node, key_node = self._walk(path)
        if key_node is not None:
            return _node_mark(key_node)
        return _node_mark(node) if node is not None else Mark(1, 1)


def _node_mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# Characters that render as nothing, or reorder what is shown (Trojan Source, CVE-2021-42574):
# zero-width space/non-joiner/joiner, LRM/RLM, word joiner, BOM as ZWNBSP, Arabic letter mark,
# bidi embeddings/overrides (U+202A-E) and isolates (U+2066-9). Raw in a file a reviewer cannot
# see them; written as an escape ("\u200c") they are visible and allowed.
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u061c\u202a-\u202e\u2066-\u2069]")
# Any character of CONTROL, INVISIBLE or a tab: one scan clears a clean file, instead of three.
_REFUSED_CHAR = re.compile(f"[{CONTROL.pattern[1:-1]}\t{INVISIBLE.pattern[1:-1]}]")
# The ASCII characters that are none of those. An ASCII file with nothing left after deleting
# them is clean, found by a byte translation that costs a seventh of the scan above.
PLAIN_ASCII = bytes([0x0A, 0x0D, *range(0x20, 0x7F)])


def clean_ascii(raw: bytes, allowed: bytes = PLAIN_ASCII) -> bool:
    """Whether `raw` is ASCII made only of `allowed` bytes."""
    return raw.isascii() and not raw.translate(None, allowed)


# YAML 1.2 core schema, decimal only: `017`, `0x1f`, `1_000`, `.inf` stay strings.
_PLAIN_NULL = {"", "~", "null", "Null", "NULL"}
_PLAIN_TRUE = {"true", "True", "TRUE"}
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(
    r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
)
_PLAIN_FALSE = {"false", "False", "FALSE"}
_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


def position(text: str, index: int) -> Mark:
    """1-based line and column (in code points) of a character index."""
    line = text.count("\n", 0, index) + 1
    return Mark(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def decode_utf8(raw: bytes, file: str, bom_message: str) -> tuple[str | None, Problem | None]:
    """UTF-8 without a byte-order mark, or the located reason why not (E103, E102)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, problem("E103", file, 1, 1, bom_message)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        prefix = raw[: err.start].decode("utf-8", errors="replace")
        at = position(prefix, len(prefix))
        message = f"Byte 0x{raw[err.start]:02x} at offset {err.start} is not valid UTF-8."
        return None, problem("E102", file, at.line, at.column, message)


def decode_text(
    raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[str | None, list[Problem]]:
    """Bytes to text under the file rules (UTF-8, no BOM, no control, invisible or tab characters)."""
    if len(raw) > limits.max_bytes:
        return None, [
            # "more than": the edge reads at most max_bytes + 1 bytes of an over-large file
            problem("E101", file, 1, 1, f"More than {limits.max_bytes:,} bytes (the limit).")
        ]
    text, refused = decode_utf8(
        raw, file, "The file starts with a UTF-8 byte-order mark (EF BB BF)."
    )
    if text is None:
        return None, [refused] if refused else []
    if clean_ascii(raw) or _REFUSED_CHAR.search(text) is None:
        return text, []
    problems: list[Problem] = []
    bad = CONTROL.search(text)
    if bad:
        at = position(text, bad.start())
        problems.append(
            problem(
                "E104",
                file,
                at.line,
                at.column,
                f"Control character U+{ord(bad.group()):04X} in the file.",
            )
        )
    for count, tab in enumerate(re.finditer("\t", text)):
        if count == limits.max_reported:
            break
        at = position(text, tab.start())
        problems.append(problem("E105", file, at.line, at.column, "Tab character."))
    for count, hidden in enumerate(INVISIBLE.finditer(text)):
        if count == limits.max_reported:
            break
        at = position(text, hidden.start())
        char = hidden.group()
        problems.append(
            problem(
                "E114",
                file,
                at.line,
                at.column,
                f"Invisible character U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')}).",
            )
        )
    return (None if problems else text), problems


def _anchors_and_aliases(text: str) -> Iterator[tuple[Mark, str]]:
    parser = _ComposeOnly(text)
    try:
        events = list(iter(parser.get_event, None))
    finally:
        parser.dispose()
    for event in events:
        anchor = getattr(event, "anchor", None)
        if anchor is not None and event.start_mark is not None:
            what = "An alias (*{})" if isinstance(event, yaml.AliasEvent) else "An anchor (&{})"
            yield Mark(event.start_mark.line + 1, event.start_mark.column + 1), what.format(anchor)


class _RefusedError(Exception):
    """Internal: stops node conversion at the first structural refusal."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.message)
        self.problem = found


class _Builder:
    """Turns composed nodes into plain data, enforcing the structural limits as it goes.

    Aliases never reach here: a file containing "&" is scanned for anchors first, and an alias
    without an anchor is a parse error.
    """

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.nodes = 0
        self.problems: list[Problem] = []

    def _refuse(self, code: str, node: yaml.Node, message: str) -> _RefusedError:
        at = _node_mark(node)
        return _RefusedError(problem(code, self.file, at.line, at.column, message))

    def build(self, node: yaml.Node, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise self._refuse("E112", node, f"More than {self.limits.max_nodes:,} YAML nodes.")
        if depth > self.limits.max_depth:
            raise self._refuse("E109", node, f"Nesting deeper than {self.limits.max_depth} levels.")
        if node.tag not in _SAFE_TAGS:
            raise self._refuse("E110", node, f"Explicit tag {node.tag!r}.")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        assert isinstance(node, yaml.SequenceNode)  # composer yields only these three kinds
        return [self.build(item, depth + 1) for item in node.value]

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                raise self._refuse(
                    "E203", key_node, "Mapping keys must be plain words (no merge keys)."
                )
            key = str(key_node.value)
            if key in out:
                self.problems.append(self._duplicate(node, key, first_line[key], key_node))
                continue
            first_line[key] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, depth + 1)
        return out

    def _duplicate(self, node: yaml.MappingNode, key: str, first: int, again: yaml.Node) -> Problem:
        """E115 when one of the two entries follows a nested block that lacks the key, so it
        most likely lost its indentation and belongs in that block; E108 otherwise. Deleting
        either entry, the usual fix of a duplicate, would delete real data in the first case."""
        pairs = node.value
        for index, (key_node, _) in enumerate(pairs):
            if index == 0 or key_node.value != key:
                continue
            owner_key, owner = pairs[index - 1]
            block = (
                owner.value[-1] if isinstance(owner, yaml.SequenceNode) and owner.value else owner
            )
            if not isinstance(block, yaml.MappingNode) or block.flow_style:
                continue
            if any(k.value == key for k, _ in block.value) or not block.value:
                continue
            moved = _node_mark(key_node)
            inner = _node_mark(block.value[0][0])
            where = f"`{owner_key.value}:` (line {owner_key.start_mark.line + 1})"
            return problem(
                "E115",
                self.file,
                moved.line,
                moved.column,
                f"Key {key!r} appears twice in this mapping (lines {first} and "
                f"{again.start_mark.line + 1}); the one at line {moved.line} follows the block of "
                f"{where}, which has no {key!r}, so it probably lost its indentation.",
                f"Indent line {moved.line} to column {inner.column} (like the keys of {where}) "
                "so it belongs to that block; do not delete it.",
            )
        at = _node_mark(again)
        return problem(
            "E108",
            self.file,
            at.line,
            at.column,
            f"Key {key!r} appears again (first at line {first}).",
        )

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        value: str = node.value
        if len(value) > self.limits.max_string:
            raise self._refuse(
                "E112",
                node,
                f"A string of {len(value):,} characters; the limit is {self.limits.max_string:,}.",
            )
        if node.style:  # quoted or block scalars are always strings
            return value
        if value in _PLAIN_NULL:
            return None
        if value in _PLAIN_TRUE:
            return True
        if value in _PLAIN_FALSE:
            return False
        if _PLAIN_INT.fullmatch(value):
            return int(value)
        if _PLAIN_FLOAT.fullmatch(value):
            return float(value)
        return value  # YAML 1.1 booleans (no, yes, on, off) and dates stay as written


def _compose(text: str) -> yaml.Node | None:
    composer = _ComposeOnly(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


# --- the fast path ------------------------------------------------------------------------------

# rapidyaml writes a plain `nan` as ".nan" in JSON; we keep the word as written.
_SPECIAL_FLOAT = re.compile(r"[-+]?\.?(nan|inf)", re.IGNORECASE)


# What the two parsers read differently, so libyaml decides alone: escapes (rapidyaml decodes
# a lone surrogate pair libyaml refuses), a carriage return without a line feed and the line and
# paragraph separators (line breaks for libyaml's YAML 1.1, plain characters for rapidyaml's
# 1.2), and the non-characters U+FFFE and U+FFFF (libyaml refuses them).
# And a node that would start with a character no plain scalar may start with (a stray `]`,
# `}` or `,`, or the reserved `@` and backtick) at the start of a line or after `: `, `- ` or
# `? `: libyaml refuses them, rapidyaml has been seen to read some as text (the differential
# fuzzer found `a: ]`).
# Before all of these: any character that can start an anchor, alias, tag or directive, or an
# escape, wherever it is. rapidyaml never sees such a file: it crashed (a segmentation fault)
# on tags in the differential fuzzer, and libyaml refuses or locates what they mean anyway. A
# quote or comment with "!" in it costs the fast path, not correctness.
_LIBYAML_ONLY = re.compile(
    "[&*!%\\\\]|\r(?!\n)|[\u2028\u2029\ufffe\uffff]|(?:^|[-:?] )[ ]*[]},@`]", re.MULTILINE
)
# `_LIBYAML_ONLY` as one search costs a fifth of a document's time: its `^` alternative leaves
# the regex engine no first character to scan for, so it tries every position. The same verdict
# in two cheap steps (tests/security/test_fast_yaml.py holds them equal on generated text):
# 1. Any of these characters sends the file to the full pattern (rare: escapes, anchors, CR).
_LIBYAML_CHARS = ("&", "*", "!", "%", "\\", "\r", "\u2028", "\u2029", "\ufffe", "\uffff")
# 2. Otherwise only the structural alternative can match. Read on the reversed text it starts
# with its stray character, which the engine finds fast: `[-:?] [ ]*X` becomes `X +[-:?]`, and a
# line start (after a line feed, or the start of the text) becomes `X *` before `\n` or the end.
_STRAY_REVERSED = re.compile("[]},@`](?: +[-:?]| *\n| *\\Z)")


def _libyaml_only(text: str) -> bool:
    """Whether `_LIBYAML_ONLY` matches `text`, for a fraction of its cost."""
    if any(char in text for char in _LIBYAML_CHARS):
        return _LIBYAML_ONLY.search(text) is not None
    return _STRAY_REVERSED.search(text[::-1]) is not None


class _DisagreeError(Exception):
    """Internal: the fast path cannot vouch for this file; libyaml decides."""


# Longer numbers go to libyaml, which applies the string limit to them as written.
_MAX_NUMBER = 64


def _int(token: str) -> int:
    if len(token) > _MAX_NUMBER or not _PLAIN_INT.fullmatch(token):
        raise _DisagreeError
    return int(token)


def _float(token: str) -> float:
    if len(token) > _MAX_NUMBER or not _PLAIN_FLOAT.fullmatch(token):
        raise _DisagreeError
    return float(token)


def _constant(token: str) -> Any:
    raise _DisagreeError  # NaN, Infinity: not JSON, and not YAML 1.2 core either


# A JSON string token whose text a plain scalar would have typed (null, booleans, numbers) or
# rapidyaml would have rewritten (nan): rapidyaml's JSON quotes some of those (`Null`, `True`,
# `~`), and a quoted "1" looks the same, so only libyaml can tell which the file meant. Strings
# are found as JSON tokens, so a false match inside a longer string only costs the fast path.
# The lookahead lets most quotes fail at once.
_AMBIGUOUS_STRING = re.compile(
    '"(?=[-+.0-9~nNtTfFiI])(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|'
    f'{_PLAIN_INT.pattern}|{_PLAIN_FLOAT.pattern}|(?i:{_SPECIAL_FLOAT.pattern}))"'
)
# An empty key, which libyaml refuses; inside a JSON string a quote is escaped, so two quotes
# then a colon appear only there (or after a key ending in a quote: libyaml then decides).
_EMPTY_KEY = re.compile(r'""\s*:')
# Both in one scan of the JSON (either found sends the file to libyaml).
_EMPTY_OR_AMBIGUOUS = re.compile(f"{_EMPTY_KEY.pattern}|{_AMBIGUOUS_STRING.pattern}")


def _depth_and_nodes(data: Any, max_depth: int) -> tuple[int, int]:
    """How deep the data nests, counted as the builder does (the top is 0), up to `max_depth` + 1,
    and how many values it holds below the top (up to that depth)."""
    level, depth, nodes = [data], 0, 0
    while depth <= max_depth:
        below: list[Any] = []
        extend = below.extend
        for value in level:
            # Exact types, not isinstance: the data comes from json.loads, which makes no
            # subclasses, and the loop runs once per value of every file.
            kind = type(value)
            if kind is dict:
                extend(value.values())
            elif kind is list:
                extend(value)
        if not below:
            break
        depth, nodes, level = depth + 1, nodes + len(below), below
    return depth, nodes


def _longest_string(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return max(map(_longest_string, value), default=0)
    return 0


def _parse_and_emit(raw: bytes) -> tuple[Any, str]:
    """rapidyaml's tree of `raw` and the tree as JSON. Its C++ error handler writes to file
    descriptor 2 before raising (a parse error, nesting too deep to emit); the error is libyaml's
    to report, so the descriptor points at /dev/null meanwhile."""
    global _devnull
    if _devnull is None:
        _devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    try:
        os.dup2(_devnull, 2)
        tree = ryml.parse_in_arena(raw)
        return tree, ryml.emit_json_malloc(tree, tree.root_id())
    finally:
        os.dup2(saved, 2)
        os.close(saved)


# Opened once per process and kept: opening and closing it for every file cost two system calls.
_devnull: int | None = None


def _fast_data(raw: bytes, text: str, limits: Limits) -> dict[str, Any] | None:
    """The data of a file through rapidyaml, or None when libyaml must decide.

    Accepted only when the result cannot differ from libyaml's: one document whose top is a
    mapping, no escape, lone carriage return, Unicode line separator or non-character, anchor,
    alias, tag or directive, no duplicate or empty key, every scalar
    rapidyaml writes as a number also a YAML 1.2 core number, no string that a plain scalar
    would have typed (so quoting cannot matter), and within every limit. A differential test
    (tests/security/test_fast_yaml.py) holds the two parsers to that.
    """
    if _libyaml_only(text):
        return None
    try:
        tree, emitted = _parse_and_emit(raw)
        if not tree.is_map(tree.root_id()) or tree.size() > limits.max_nodes:
            return None
        if _EMPTY_OR_AMBIGUOUS.search(emitted):
            return None
        data = json.loads(emitted, parse_int=_int, parse_float=_float, parse_constant=_constant)
        size = tree.size()
    except Exception:
        return None
    depth, nodes = _depth_and_nodes(data, limits.max_depth)
    # Every tree node but the top is one value in the data, unless a duplicate key swallowed one
    # (libyaml locates it, E108).
    if depth > limits.max_depth or nodes != size - 1:
        return None
    # The JSON is at least as long as any string in it: most files need no walk for the limit.
    if len(emitted) > limits.max_string and _longest_string(data) > limits.max_string:
        return None
    return data if isinstance(data, dict) else None


# rapidyaml is C++ reading bytes a stranger may have written: a crash there would be a dead
# process, not a located problem (its fuzzing found one, on tags, which the prefilter now keeps
# from it). Where the files come from an untrusted pull request, `EVENTSET_YAML=libyaml` keeps
# every file to libyaml alone: the same verdicts, about ten times slower per file.
PARSER_ENV = "EVENTSET_YAML"


def fast_parser_allowed() -> bool:
    return os.environ.get(PARSER_ENV, "fast") != "libyaml"


def load_yaml(
    raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML file. Returns the document, or None and the problems that stop it."""
    text, problems = decode_text(raw, file, limits)
    if text is None:
        return None, problems
    fast = _fast_data(raw, text, limits) if fast_parser_allowed() else None
    if fast is not None:
        return YamlDocument(fast, text=text), []
    return load_with_libyaml(text, file, limits)


def load_with_libyaml(
    text: str, file: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[YamlDocument | None, list[Problem]]:
    """The reference reading of decoded text: every refusal, located. `load_yaml` takes it for
    any file the fast path cannot vouch for; the differential tests compare the two."""
    problems: list[Problem] = []
    try:
        if "&" in text:
            for at, what in _anchors_and_aliases(text):
                problems.append(problem("E107", file, at.line, at.column, f"{what} is used."))
            if problems:
                return None, problems
        root = _compose(text)
    except yaml.MarkedYAMLError as err:
        return None, [syntax_problem(text, file, err)]
    except yaml.YAMLError as err:
        return None, [problem("E106", file, 1, 1, f"YAML: {' '.join(str(err).split())}.")]
    except RecursionError:
        return None, [problem("E109", file, 1, 1, "The YAML nests too deeply to read.")]
    if root is None:
        return None, [problem("E113", file, 1, 1, "The file holds no YAML document.")]
    builder = _Builder(file, limits)
    try:
        data = builder.build(root, 0)
    except _RefusedError as refusal:
        return None, [*builder.problems, refusal.problem]
    if builder.problems:
        return None, builder.problems
    if not isinstance(data, dict):
        return None, [
            problem("E113", file, 1, 1, "The top of the file must be a mapping (key: value).")
        ]
    return YamlDocument(data, root), []


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_DASHES = re.compile(r" *(?:- +)*")
_KEY = re.compile(r"[^\s#\"'\[{-][^:]*:(?:\s|$)")


def _open_levels(lines: list[str], before: int) -> list[tuple[int, int]]:
    """(indentation, 1-based line) of the blocks still open above line index `before`: walking
    up, each line less indented than every line below it opens a level; a `- key:` line opens
    two, the list item's dash and the keys of the mapping inside it."""
    levels: list[tuple[int, int]] = []
    for index in range(before - 1, -1, -1):
        content = lines[index].strip()
        if not content or content.startswith("#"):
            continue
        width = _indent(lines[index])
        columns = {width}
        dashes = _DASHES.match(lines[index])
        if dashes and _KEY.match(lines[index], dashes.end()):
            columns.add(dashes.end())
        for column in sorted(columns, reverse=True):
            if not levels or column < levels[-1][0]:
                levels.append((column, index + 1))
        if width == 0:
            break
    return levels


def _unclosed_quote(lines: list[str], first: int, last: int) -> tuple[int, int] | None:
    """(line, column), 1-based, of a double quote left open on its line between two lines."""
    for index in range(max(first, 0), min(last + 1, len(lines))):
        line = lines[index].replace("\\\\", "").replace('\\"', "")
        if line.lstrip().startswith("#"):
            continue
        if line.count('"') % 2:
            return index + 1, line.rfind('"') + 1
    return None


def _wrong_entry_kind(file: str, line: int, at_fault: str, opened: int, opener: str) -> Problem:
    """E116 for a line at the right column but of the wrong kind: a `- ` item among keys, or a
    key among `- ` items."""
    column = _indent(at_fault) + 1
    if at_fault.lstrip().startswith("-"):
        message = (
            f"Line {line} starts a list item (`- `) where the block of line {opened} has keys."
        )
        hint = f"Remove the `- `, or indent line {line} under the key whose value is the list."
    elif opener.lstrip().startswith("-"):
        message = f"Line {line} is a `key:` where the list of line {opened} has `- ` items."
        hint = f"Start line {line} with `- `, or indent it under the item it belongs to."
    else:
        message = f"Line {line} does not fit the block of line {opened} at column {column}."
        hint = f"Check the indentation of lines {opened} to {line}; indent with spaces."
    return problem("E116", file, line, column, message, hint)


def syntax_problem(text: str, file: str, err: yaml.MarkedYAMLError) -> Problem:
    """A libyaml error in plain words: the line at fault and, for indentation, the columns the
    blocks above it use (E116); other syntax errors stay E106 with a hint for their cause."""
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    reason = " ".join(str(err.problem or err).split())
    if "nesting" in reason:
        return problem("E109", file, line, column, f"YAML: {reason}.")
    lines = text.split("\n")
    at_fault = lines[line - 1] if 0 < line <= len(lines) else ""
    indentation = reason.startswith("did not find expected")
    if reason.startswith("mapping values are not allowed") and line >= 2:
        # `key: value` on a line indented deeper than a `key: value` line above is read as
        # the continuation of that value, and its colon is then refused.
        levels = _open_levels(lines, line - 1)
        before = lines[levels[0][1] - 1] if levels else ""
        indentation = (
            bool(levels)
            and _indent(at_fault) > levels[0][0]
            and ": " in before.strip()
            and not before.rstrip().endswith(":")
            and column - 1 == at_fault.find(":")
        )
    if indentation and err.context_mark is not None:
        opened = _unclosed_quote(lines, err.context_mark.line, line - 1)
        if opened is not None:
            return problem(
                "E106",
                file,
                *opened,
                f"The double-quoted string opened at line {opened[0]}, column {opened[1]} is not "
                f"closed on its line, so YAML reads on to the next quote mark (line {line}).",
                'Add the closing quote; a quote inside a double-quoted string is written \\".',
            )
    if indentation:
        levels = _open_levels(lines, line - 1)
        shown = ", ".join(f"{width + 1} (line {number})" for width, number in levels) or "1"
        nearest = min(levels, key=lambda level: abs(level[0] - _indent(at_fault)), default=(0, 1))
        if nearest[0] == _indent(at_fault):
            return _wrong_entry_kind(file, line, at_fault, nearest[1], lines[nearest[1] - 1])
        return problem(
            "E116",
            file,
            line,
            _indent(at_fault) + 1,
            f"Line {line} starts at column {_indent(at_fault) + 1}, which lines up with no block "
            f"above it; the blocks open there start at column {shown}.",
            f"Move line {line} to start at column {nearest[0] + 1}, like line {nearest[1]}, or to "
            "the column of the block it belongs to; indent with spaces, two per level.",
        )
    if reason.startswith("mapping values are not allowed"):
        return problem(
            "E106",
            file,
            line,
            column,
            f"Line {line} has a second ': ' inside an unquoted value.",
            'Put the value in double quotes: key: "words: more words".',
        )
    if "quoted scalar" in str(err.context or "") and err.context_mark is not None:
        start = err.context_mark
        return problem(
            "E106",
            file,
            start.line + 1,
            start.column + 1,
            f"The quoted string opened at line {start.line + 1}, column {start.column + 1} is "
            "never closed.",
            'Add the closing quote; a quote inside a double-quoted string is written \\".',
        )
    return problem("E106", file, line, column, f"YAML: {reason}.")
