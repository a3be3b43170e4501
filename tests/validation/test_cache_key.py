"""The cache key holds everything that can change a verdict, the YAML parser choice included.

Issue 22: the key ignored which parser read a file, so a run under EVENTSET_YAML=libyaml was
served the verdict the fast path had cached (an E305 that libyaml's reading did not have).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eventset.inputs.yaml_fast import PARSER_ENV, fast_data
from eventset.inputs.yaml_text import Limits
from eventset.validation.cache import code_version
from eventset.validation.document import cache_key, digests_of
from eventset.validation.repository import validate_repository


def test_the_version_changes_with_the_parser_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PARSER_ENV, raising=False)
    fast = code_version()
    monkeypatch.setenv(PARSER_ENV, "libyaml")
    assert code_version() != fast
    monkeypatch.setenv(PARSER_ENV, "fast")
    assert code_version() == fast


def test_the_version_changes_with_the_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    before = code_version()
    monkeypatch.setattr("eventset.validation.cache.DEFAULT_LIMITS", Limits(max_depth=31))
    assert code_version() != before


def test_a_verdict_cached_under_one_parser_is_never_served_under_the_other(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PARSER_ENV, raising=False)

    def misreading(raw: bytes, text: str, limits: Limits) -> Any:
        """A fast path that reads a quote differently (what rapidyaml did to a block scalar at
        the end of a file): its verdict must stay with it."""
        data = fast_data(raw, text, limits)
        if data is not None and "events" in data:
            data["events"][0]["evidence"] = ["words the seed does not hold"]
        return data

    monkeypatch.setattr("eventset.inputs.yamlfile.fast_data", misreading)
    monkeypatch.setattr("eventset.inputs.yamlfile.FEW_BYTES", 0)  # the fast path from the start
    misread = validate_repository(repo, cache=True)
    assert "E301" in {p.code for p in misread.problems} and misread.processed == 1
    assert validate_repository(repo, cache=True).processed == 0  # the same choice: reused

    monkeypatch.setenv(PARSER_ENV, "libyaml")
    reference = validate_repository(repo, cache=True)
    assert reference.processed == 1
    assert reference.ok, reference.problems


def test_the_key_holds_each_part_and_a_missing_seed_is_no_seed_bytes() -> None:
    """The key is made of the files' digests (each file hashed once in a build); a missing seed
    keys apart from every seed, the empty one and one made of the old marker's bytes too."""
    key = cache_key("v", "a.yaml", b"raw", b"seed")
    assert key == cache_key("v", "a.yaml", b"raw", b"seed", digests_of(b"raw", b"seed"))
    others = [
        cache_key("w", "a.yaml", b"raw", b"seed"),
        cache_key("v", "b.yaml", b"raw", b"seed"),
        cache_key("v", "a.yaml", b"raw2", b"seed"),
        cache_key("v", "a.yaml", b"raw", b"seed2"),
        cache_key("v", "a.yaml", b"raw", None),
        cache_key("v", "a.yaml", b"raw", b""),
        cache_key("v", "a.yaml", b"raw", b"\x00missing"),
    ]
    assert len({key, *others}) == 1 + len(others)
