"""eventset: events, actors and claims traceable to the exact words of their sources."""

from __future__ import annotations

from typing import Any

__all__ = ["flat", "load", "versions"]


def load(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Load a release; see `eventset.release.load.load`. Imported lazily to keep `import eventset` fast."""
    from eventset.release.load import load as _load

    return _load(*args, **kwargs)


def flat(*args: Any, **kwargs: Any) -> Any:
    """A release's events as one flat table (place, country, fatalities, the principal actor
    on each side, the latest claim of responsibility); see `eventset.release.flat.flat`."""
    from eventset.release.flat import flat as _flat

    return _flat(*args, **kwargs)


def versions() -> list[str]:
    """The published release versions, oldest first; see `eventset.release.published.versions`."""
    from eventset.release.published import versions as _versions

    return _versions()
