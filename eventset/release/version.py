"""Release numbers: semantic versions (X.Y.Z, optionally a pre-release such as 1.0.0-rc.1).

One type parses, orders and compares them everywhere (the CLI, the release rules, the registry
of published versions), with SemVer 2.0's precedence: a pre-release sorts before its release,
and pre-release parts compare numerically when both are numbers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

Bump = Literal["major", "minor", "patch"]
BUMP_ORDER: dict[Bump, int] = {"patch": 0, "minor": 1, "major": 2}
DEV_VERSION = "dev"  # the scratch build, replaced whole by every build; never published

_NUMBER = r"0|[1-9]\d*"
_IDENTIFIER = r"0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*"
PATTERN = rf"(?P<major>{_NUMBER})\.(?P<minor>{_NUMBER})\.(?P<patch>{_NUMBER})(?:-(?P<pre>(?:{_IDENTIFIER})(?:\.(?:{_IDENTIFIER}))*))?"
_VERSION = re.compile(PATTERN)


@functools.total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[int | str, ...] = ()  # pre-release identifiers; () for a release

    @classmethod
    def parse(cls, text: str) -> Version:
        """Raises ValueError with a message a user can act on."""
        found = _VERSION.fullmatch(text)
        if found is None:
            raise ValueError(
                f"version {text!r} is not X.Y.Z (a semantic version, optionally with a "
                "pre-release such as 1.0.0-rc.1)"
            )
        pre = tuple(
            int(part) if part.isdigit() else part
            for part in (found["pre"] or "").split(".")
            if part
        )
        return cls(int(found["major"]), int(found["minor"]), int(found["patch"]), pre)

    @classmethod
    def is_valid(cls, text: str) -> bool:
        return _VERSION.fullmatch(text) is not None

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return core + ("-" + ".".join(str(p) for p in self.pre) if self.pre else "")

    @property
    def release(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def _key(self) -> tuple[tuple[int, int, int], int, tuple[tuple[int, int | str], ...]]:
        # A release sorts after its pre-releases; numeric identifiers before alphanumeric ones.
        parts = tuple((0, p) if isinstance(p, int) else (1, p) for p in self.pre)
        return (self.release, 0 if self.pre else 1, parts)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def bump_from(self, old: Version) -> Bump | None:
        """The kind of bump from `old` to this version, or None when this one is not newer.

        Leaving a pre-release for its own release (1.0.0-rc.1 -> 1.0.0) or a later pre-release
        of it counts as a major bump: a pre-release promises nothing, so any change may follow.
        """
        if not old < self:
            return None
        if old.pre and old.release == self.release:
            return "major"
        if self.major > old.major:
            return "major"
        return "minor" if self.release[:2] > old.release[:2] else "patch"


def sort_versions(versions: list[str]) -> list[str]:
    """Version strings oldest first; strings that are not versions come last, by name."""
    valid = sorted((v for v in versions if Version.is_valid(v)), key=Version.parse)
    return valid + sorted(v for v in versions if not Version.is_valid(v))
