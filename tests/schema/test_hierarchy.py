"""Walks up a parent hierarchy end, on any registry."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from eventset.schema.hierarchy import MAX_DEPTH, ancestors, cycles, depths, lineage


def test_ancestors_nearest_first_and_bounded() -> None:
    parents = {"site": "town", "town": "province", "province": "country", "country": None}
    assert ancestors("site", parents) == ["town", "province", "country"]
    assert lineage("town", parents) == ["town", "province", "country"]
    assert ancestors("country", parents) == []
    assert ancestors("unknown", parents) == []
    chain = {f"p{i}": f"p{i + 1}" for i in range(1000)}
    assert len(ancestors("p0", chain)) == MAX_DEPTH


def test_cycles_are_found_once_and_walks_stop_on_them() -> None:
    parents: dict[str, str | None] = {"iraq": "kalsu", "kalsu": "babil", "babil": "iraq"}
    parents |= {"self": "self", "a": "b", "b": None, "into": "kalsu"}
    assert sorted(cycles(parents)) == [["babil", "iraq", "kalsu"], ["self"]]
    assert ancestors("into", parents) == ["kalsu", "babil", "iraq"]
    assert ancestors("self", parents) == []


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.none() | st.sampled_from("abcdefghz")))
def test_every_cycle_reported_is_a_real_cycle_and_walks_end(parents: dict[str, str | None]) -> None:
    found = list(cycles(parents))
    for loop in found:
        for here, there in zip(loop, loop[1:] + loop[:1], strict=True):
            assert parents[here] == there
    in_cycles = {node for loop in found for node in loop}
    for node in parents:
        walked = lineage(node, parents)
        assert len(walked) == len(set(walked)) <= len(parents) + 1
        # A node is on a cycle exactly when following its parents comes back to it.
        back = parents.get(walked[-1]) == node
        assert (node in in_cycles) == back


def test_depths_count_ancestors_and_leave_out_cycles() -> None:
    parents: dict[str, str | None] = {"site": "town", "town": "country", "country": None}
    parents |= {"orphan": "nowhere", "a": "b", "b": "a", "below": "a"}
    assert depths(parents) == {"site": 2, "town": 1, "country": 0, "orphan": 1}
    chain: dict[str, str | None] = {f"p{i}": f"p{i + 1}" for i in range(100_000)}
    assert depths(chain)["p0"] == 100_000


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.none() | st.sampled_from("abcdefghz")))
def test_depths_agree_with_the_walk(parents: dict[str, str | None]) -> None:
    in_cycles = {node for loop in cycles(parents) for node in loop}
    found = depths(parents)
    for node in parents:
        walked = ancestors(node, parents)
        ends = not walked or walked[-1] not in parents or parents[walked[-1]] is None
        assert (node in found) == (ends and node not in in_cycles)
        if node in found:
            assert found[node] == len(walked)
