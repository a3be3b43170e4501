"""Where a repository keeps its inputs: seeds, annotations and registries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """Where inputs live under a repository root."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def annotations(self) -> Path:
        return self.root / "data" / "annotations"

    @property
    def codings(self) -> Path:
        """Independent codings: data/codings/<coder>/<document_id>.yaml (never built)."""
        return self.root / "data" / "codings"

    @property
    def actors(self) -> Path:
        return self.root / "data" / "actors.yaml"

    @property
    def places(self) -> Path:
        return self.root / "data" / "places.yaml"

    @property
    def retired(self) -> Path:
        return self.root / "data" / "retired.yaml"

    def needs_corpus(self, targets: Sequence[Path]) -> bool:
        """Whether `validate` of these files validates the whole corpus (a folder among them,
        or an independent coding) rather than the files alone (validation/changed.py
        `validate_files`)."""
        for target in targets:
            path = target if target.is_absolute() else Path.cwd() / target
            if path.is_dir() or path.parent.parent == self.codings:
                return True
        return False

    def annotation_of(self, document_id: str) -> Path:
        return self.annotations / f"{document_id}.yaml"

    def coding_of(self, coder: str, document_id: str) -> Path:
        return self.codings / coder / f"{document_id}.yaml"

    def shown(self, path: Path) -> str:
        """A path as messages show it: relative to the root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
