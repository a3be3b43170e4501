"""One annotation session: the three files it may write, their history, and what the page shows.

The files on disk are the truth. Every request reads them afresh; a change carries the version
(sha256 of the three files) the page last saw, and a file changed meanwhile (a hand edit in an
editor) refuses the change, so newer work is never overwritten: the page reloads instead. Undo
and redo are stacks of whole-file versions written by this session; a hand edit clears them,
since restoring an older version would then undo the annotator's own edit too.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventset.annotator.actions import FORM, Files, RefusedError, apply, checked
from eventset.annotator.fixes import Fix, find_fixes
from eventset.annotator.page import Shown, page_state
from eventset.annotator.yaml_patch import patched_text, plain
from eventset.inputs.files import leaves_repository, limits_of, read_bounded
from eventset.inputs.layout import Layout
from eventset.inputs.seeds import Seed, parse_seed
from eventset.inputs.yamlfile import DEFAULT_LIMITS, YamlDocument, load_yaml
from eventset.problems import Problem, problem
from eventset.schema.fields import DOCUMENT_ID_PATTERN
from eventset.schema.yaml_writer import block_yaml
from eventset.workbench.starter import starter_annotation

Texts = tuple[bytes, bytes, bytes]  # annotation, actors, places


class ConflictError(Exception):
    """The files changed on disk since the page's version."""


class SessionError(Exception):
    """The session cannot start (no seed, a path outside the repository)."""


def version_of(texts: Texts) -> str:
    digest = hashlib.sha256()
    for raw in texts:
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def _header(text: str) -> str:
    """The comment lines at the top of a file, kept when a file has to be written whole."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def written_text(old_text: str, old: dict[str, Any], new: dict[str, Any], file: str) -> str:
    """The new text of a file: `old_text` patched where the data changed, verified to read back
    as `new`; should the patch ever read back otherwise, the file is written whole (its header
    comments kept) rather than wrong."""
    text = patched_text(old_text, old, new)
    doc, _ = load_yaml(text.encode(), file)
    if doc is not None and doc.data == plain(new):
        return text
    return _header(old_text) + block_yaml(new)


@dataclass
class Session:
    root: Path
    document_id: str
    seed: Seed
    paths: tuple[Path, Path, Path]
    undo: list[Texts] = field(default_factory=list)
    redo: list[Texts] = field(default_factory=list)
    rejected: set[tuple[str, str, int, int]] = field(default_factory=set)
    written: str | None = None  # the version this session last wrote
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, root: Path, document_id: str) -> Session:
        """A session for `document_id`, creating its annotation (the document block, no
        proposals: the page proposes) when there is none yet."""
        if not re.fullmatch(DOCUMENT_ID_PATTERN, document_id):
            raise SessionError(f"{document_id!r} is not a document id (the stem of a seed file)")
        layout = Layout(root)
        seed_path = layout.seeds / f"{document_id}.txt"
        paths = (layout.annotation_of(document_id), layout.actors, layout.places)
        for path in (seed_path, *paths):
            refused = leaves_repository(layout, path)
            if refused is not None or path.parent.resolve() not in {
                layout.seeds.resolve(),
                layout.annotations.resolve(),
                (layout.root / "data").resolve(),
            }:
                raise SessionError(f"{layout.shown(path)} is not inside the repository's inputs")
        try:
            seed_raw = read_bounded(seed_path, DEFAULT_LIMITS.max_bytes)
        except OSError as err:
            raise SessionError(f"no seed {layout.shown(seed_path)}: {err.strerror}") from None
        seed, problems = parse_seed(document_id, seed_raw, layout.shown(seed_path))
        if seed is None:
            raise SessionError("; ".join(p.message for p in problems))
        session = cls(root, document_id, seed, paths)
        if not paths[0].exists():
            paths[0].parent.mkdir(parents=True, exist_ok=True)
            session._write(paths[0], starter_annotation(seed).encode())
        return session

    @property
    def layout(self) -> Layout:
        return Layout(self.root)

    def read(self) -> Texts:
        raw = []
        for path in self.paths:
            try:
                raw.append(read_bounded(path, limits_of(self.layout, path).max_bytes))
            except FileNotFoundError:
                raw.append(b"")
        texts: Texts = (raw[0], raw[1], raw[2])
        current = version_of(texts)
        if self.written is not None and current != self.written:
            self.undo.clear()  # edited by hand: the history no longer leads to this file
            self.redo.clear()
        self.written = current
        return texts

    def _loaded(self, texts: Texts) -> tuple[list[YamlDocument | None], list[Problem]]:
        docs: list[YamlDocument | None] = []
        problems: list[Problem] = []
        for path, raw in zip(self.paths, texts, strict=True):
            doc, found = load_yaml(raw, self.layout.shown(path), limits_of(self.layout, path))
            docs.append(doc)
            problems += found
        return docs, problems

    def _write(self, path: Path, raw: bytes) -> None:
        """Atomically: a reader (the validator, an editor) never sees half a file."""
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(raw)
            if path.exists():
                Path(temporary).chmod(path.stat().st_mode & 0o777)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _replace(self, old: Texts, new: Texts) -> None:
        for path, before, after in zip(self.paths, old, new, strict=True):
            if before != after:
                self._write(path, after)
        self.written = version_of(new)

    def _current(self, version: str) -> Texts:
        texts = self.read()
        if version_of(texts) != version:
            raise ConflictError("the files changed on disk since the page loaded them")
        return texts

    def version(self) -> str:
        """The version of the files on disk: the page polls it to notice a hand edit."""
        with self.lock:
            return version_of(self.read())

    def perform(self, action: dict[str, Any], version: str, *, dry: bool = False) -> dict[str, Any]:
        """Apply one action to the files on disk, or refuse it (ConflictError, RefusedError); `dry` only
        checks it, for a form that validates as the annotator types."""
        with self.lock:
            if dry:  # checked against the files as they are: a check never conflicts
                texts = self.read()
                if action.get("action") not in {"reject", "fix"}:
                    docs, _ = self._loaded(texts)
                    if all(doc is not None for doc in docs):
                        apply(
                            Files(*(doc.data for doc in docs if doc is not None)),
                            self.seed.text,
                            action,
                        )
                return {}
            texts = self._current(version)
            if action.get("action") == "reject":
                key = (str(action.get("target")), str(action.get("id")))
                self.rejected.add((*key, int(action.get("start", -1)), int(action.get("end", -1))))
                return self._state()
            docs, problems = self._loaded(texts)
            if problems or any(doc is None or not isinstance(doc.data, dict) for doc in docs):
                raise RefusedError(
                    problems or [problem("E113", FORM, 1, 1, "A file holds no data.")]
                )
            files = Files(*(doc.data for doc in docs if doc is not None))
            if action.get("action") == "fix":
                new = checked(self._fixed(files, action))
            else:
                new = apply(files, self.seed.text, action)
            old_data = (files.annotation, files.actors, files.places)
            new_data = (new.annotation, new.actors, new.places)
            out = []
            for path, raw, before, after in zip(self.paths, texts, old_data, new_data, strict=True):
                if plain(before) == plain(after):
                    out.append(raw)
                else:
                    shown = self.layout.shown(path)
                    out.append(written_text(raw.decode(), before, after, shown).encode())
            result: Texts = (out[0], out[1], out[2])
            if result != texts:
                self.undo.append(texts)
                self.redo.clear()
                self._replace(texts, result)
            return self._state()

    def _fixed(self, files: Files, action: dict[str, Any]) -> Files:
        offered = {fix.key: fix for fix in self._fixes(files)}
        fix: Fix | None = offered.get(str(action.get("fix")))
        if fix is None:
            raise RefusedError([problem("E203", FORM, 1, 1, "That fix is no longer offered.")])
        return fix.apply(files)

    def _fixes(self, files: Files) -> list[Fix]:
        return find_fixes(files.annotation, self.seed)

    def step(self, back: bool, version: str) -> dict[str, Any]:
        """Undo (back) or redo one action."""
        with self.lock:
            texts = self._current(version)
            source, target = (self.undo, self.redo) if back else (self.redo, self.undo)
            if source:
                previous = source.pop()
                target.append(texts)
                self._replace(texts, previous)
            return self._state()

    def state(self) -> dict[str, Any]:
        """Everything the page shows, for the files as they are on disk now."""
        with self.lock:
            return self._state()

    def _state(self) -> dict[str, Any]:
        texts = self.read()
        docs, problems = self._loaded(texts)
        files = None
        if not problems and all(doc is not None for doc in docs):
            files = Files(*(doc.data for doc in docs if doc is not None))
        return page_state(
            Shown(
                self.seed,
                self.root,
                self.paths,
                texts[0],
                files,
                problems,
                self._fixes(files) if files is not None else [],
                set(self.rejected),
                (len(self.undo), len(self.redo)),
                version_of(texts),
            )
        )
