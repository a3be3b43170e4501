"""The reference reading of a YAML file: libyaml composes nodes with marks, and the builder
turns them into plain data, refusing whatever YAML can do beyond plain data and locating
every refusal.

Refused: anchors and aliases (alias bombs, E107), explicit tags (E110), merge keys and
non-scalar keys (E203), duplicate keys (E108, E115), a top that is not a mapping (E113) and
anything over the limits (E109, E112). Scalars are typed by the YAML 1.2 core schema
(`yaml_core`); quoted and block scalars are always strings. Nothing the user wrote is changed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import yaml

from eventset.inputs.yaml_core import PLAIN_FALSE, PLAIN_FLOAT, PLAIN_INT, PLAIN_NULL, PLAIN_TRUE
from eventset.inputs.yaml_errors import syntax_problem
from eventset.inputs.yaml_nodes import ComposeOnly, YamlDocument, compose, node_mark
from eventset.inputs.yaml_text import DEFAULT_LIMITS, Limits, Mark
from eventset.problems import Problem, problem

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
        root = compose(text)
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


def _anchors_and_aliases(text: str) -> Iterator[tuple[Mark, str]]:
    parser = ComposeOnly(text)
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
        at = node_mark(node)
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
            moved = node_mark(key_node)
            inner = node_mark(block.value[0][0])
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
        at = node_mark(again)
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
        if value in PLAIN_NULL:
            return None
        if value in PLAIN_TRUE:
            return True
        if value in PLAIN_FALSE:
            return False
        if PLAIN_INT.fullmatch(value):
            try:
                return int(value)
            except ValueError:  # over Python's digits for int() (sys.get_int_max_str_digits)
                raise self._refuse(
                    "E112",
                    node,
                    f"A number of {len(value.lstrip('+-')):,} digits; the limit is "
                    f"{sys.get_int_max_str_digits():,}.",
                ) from None
        if PLAIN_FLOAT.fullmatch(value):
            return float(value)
        return value  # YAML 1.1 booleans (no, yes, on, off) and dates stay as written
