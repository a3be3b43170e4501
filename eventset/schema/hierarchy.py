"""Walking a registry's `parent` links safely: every walk up a hierarchy goes through here.

A registry that was never validated may hold a cycle (a -> b -> a) or a chain longer than any
real hierarchy; a walk must still end. `ancestors` stops at the first id it has seen before
and after `MAX_DEPTH` steps, so locating an event, an actor's affiliation or a page of the
site can never hang, whatever the registry holds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

# Deeper than any real hierarchy (site < locality < admin2 < admin1 < country, or an actor's
# chain of affiliations), small enough that a walk is cheap even over a million entries.
MAX_DEPTH = 64


def ancestors(start: str, parents: Mapping[str, str | None]) -> list[str]:
    """The parent, grandparent, ... of `start`, nearest first: the chain ends at an entry with
    no parent, at an id the mapping does not know, before an id already walked (a cycle), or
    after MAX_DEPTH steps. `start` itself is never in the result."""
    chain: list[str] = []
    seen = {start}
    current = parents.get(start)
    while current is not None and current not in seen and len(chain) < MAX_DEPTH:
        chain.append(current)
        seen.add(current)
        current = parents.get(current)
    return chain


def lineage(start: str, parents: Mapping[str, str | None]) -> list[str]:
    """`start` followed by its ancestors."""
    return [start, *ancestors(start, parents)]


def cycles(parents: Mapping[str, str | None]) -> Iterator[list[str]]:
    """Each cycle of the parent links once, as the ids around it starting from the smallest
    (a self-parent is a cycle of one). Linear in the number of entries."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in sorted(parents):
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in parents and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            loop = walk[walk.index(node) :]
            first = loop.index(min(loop))
            yield loop[first:] + loop[:first]
        for done in walk:
            state[done] = 2


def depths(parents: Mapping[str, str | None]) -> dict[str, int]:
    """How many ancestors each entry has (as `ancestors` would walk them without its bound),
    for every entry whose chain ends; entries on a cycle, or below one, are left out. Linear in
    the number of entries, so a registry can be checked against MAX_DEPTH before any walk
    would silently stop there."""
    depth: dict[str, int] = {}
    looped: set[str] = set()
    for start in parents:
        walk: list[str] = []
        on_walk: set[str] = set()
        node: str | None = start
        while (
            node is not None
            and node in parents
            and node not in depth
            and node not in looped
            and node not in on_walk
        ):
            walk.append(node)
            on_walk.add(node)
            node = parents[node]
        if node is not None and (node in looped or node in on_walk):
            looped.update(walk)
            continue
        # The chain ends at no parent, at an entry already measured, or at an id the mapping
        # does not know (which `ancestors` lists, so it counts).
        if node is None:
            below = 0
        elif node in depth:
            below = depth[node] + 1
        else:
            below = 1
        for entry in reversed(walk):
            depth[entry] = below
            below += 1
    return depth
