"""libyaml's node tree (composed, never constructed) and the document located through it.

Every position the project reports is libyaml's: a file read by the fast path keeps its text,
and the tree is composed the first time a position is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml._yaml import CParser

from eventset.inputs.yaml_text import Mark

_KIND_TAG = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class ComposeOnly(CParser, yaml.constructor.BaseConstructor):
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


def compose(text: str) -> yaml.Node | None:
    composer = ComposeOnly(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


def node_mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


# Where a node sits in a YAML document: mapping keys and sequence indexes from the top.
YamlPath = tuple[str | int, ...]


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
            self.root = compose(self.text)
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
        return node_mark(node) if node is not None else Mark(1, 1)

    def key_mark(self, path: YamlPath) -> Mark:
        """The position of a mapping key, falling back to its value."""
        node, key_node = self._walk(path)
        if key_node is not None:
            return node_mark(key_node)
        return node_mark(node) if node is not None else Mark(1, 1)
