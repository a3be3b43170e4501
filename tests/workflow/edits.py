"""Edits to a generated corpus (SYNTHETIC documents, test-only) for the tests that compare a
partial run with a whole one: documents added, edited or deleted; registry entries renamed or
removed; seeds rewritten, removed or replaced by what is not a regular file."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

from eventset.synth import write_corpus

DOCS, HELD_BACK = 24, 4  # the corpus at the base, and documents kept aside to be added later


def write_base(root: Path) -> None:
    """The corpus at the base in `root`, and documents kept aside in `root.parent / "held"`."""
    write_corpus(root, DOCS + HELD_BACK, 11)
    held = root.parent / "held"
    for folder, suffix in (("data/annotations", ".yaml"), ("seeds", ".txt")):
        (held / folder).mkdir(parents=True)
        for path in sorted((root / folder).glob(f"*{suffix}"))[DOCS:]:
            path.rename(held / folder / path.name)


def annotation_files(root: Path) -> list[Path]:
    return sorted((root / "data" / "annotations").glob("*.yaml"))


def ids_in(root: Path, pattern: str) -> list[str]:
    found: set[str] = set()
    for path in annotation_files(root):
        found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return sorted(found)


def replace_first(path: Path, pattern: str, new: Callable[[re.Match[str]], str]) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, new, text, count=1), encoding="utf-8")


def edit(root: Path, held: Path, kind: str, pick: int) -> None:
    docs = annotation_files(root)
    doc = docs[pick % len(docs)]
    if kind == "add":
        extra = sorted((held / "data" / "annotations").glob("*.yaml"))
        new = extra[pick % len(extra)]
        shutil.copy(new, root / "data" / "annotations" / new.name)
        shutil.copy(held / "seeds" / f"{new.stem}.txt", root / "seeds" / f"{new.stem}.txt")
    elif kind == "delete":
        doc.unlink()
    elif kind == "event_date":  # now disagrees with every other report of the event
        replace_first(doc, r"start: \d{4}-", lambda m: "start: 1999-")
    elif kind == "event_id":  # defines a new event; claims about the old one lose it
        replace_first(doc, r"- id: (synthetic-event-\d+)", lambda m: f"- id: {m[1]}x")
    elif kind == "claim_id":  # takes another document's claim id
        claims = ids_in(root, r"synthetic-claim-[\d-]+")
        replace_first(
            doc, r"- id: synthetic-claim-[\d-]+", lambda m: f"- id: {claims[pick % len(claims)]}"
        )
    elif kind == "unknown_actor":
        replace_first(doc, r"actor: synthetic-actor-\d+", lambda m: "actor: synthetic-actor-x")
    elif kind == "summary":  # what only the events table says
        replace_first(doc, r'summary: "', lambda m: 'summary: "Edited. ')
    elif kind == "published":  # the document, its claims and mentions move to another year
        replace_first(doc, r"published: (\d{4})", lambda m: f"published: {int(m[1]) - 1}")
    elif kind == "touch":  # the same bytes written again: nothing changed
        doc.write_bytes(doc.read_bytes())
    elif kind == "broken_yaml":
        doc.write_text(doc.read_text(encoding="utf-8") + "events: [\n", encoding="utf-8")
    elif kind in {"rename_actor", "remove_actor", "rename_place", "remove_place"}:
        what = "actor" if kind.endswith("actor") else "place"
        registry = root / "data" / f"{what}s.yaml"
        used = ids_in(root, rf"synthetic-{what}-\d+")
        target = used[pick % len(used)]
        if kind.startswith("rename"):
            replace_first(registry, rf"- id: {target}\n", lambda m: f"- id: {target}-renamed\n")
        else:  # the entry: its id line and the indented lines under it
            replace_first(registry, rf"  - id: {target}\n(    .*\n)*", lambda m: "")
    elif kind in ENTRY_EDITS:
        edit_entry(root, kind, pick)
    elif kind == "registry_comment":  # no entry changes; the registry's bytes (and hash) do
        registry = root / "data" / ("actors.yaml" if pick % 2 else "places.yaml")
        registry.write_text(registry.read_text(encoding="utf-8") + f"# note {pick}\n", "utf-8")


# Edits of one registry entry that keep every id: what each changes is a column of the actors or
# places table, and for some the events at the place or with the actor (location columns, the
# participant crosswalks).
ENTRY_EDITS = {
    "actor_description": ("actor", "    description: Edited.\n"),
    "actor_alias": ("actor", '    aliases: ["Edited Alias"]\n'),
    "actor_kind": ("actor", "    kind: military\n"),  # the participant crosswalks change
    "actor_country": ("actor", "    country: SY\n"),
    "actor_parent": ("actor", "    parent: synthetic-actor-0\n"),
    "actor_added": ("actor", None),
    "place_admin1": ("place", "    admin1: Edited Governorate\n"),
    "place_name": ("place", "    name: Edited Town\n"),
    "place_coordinates": ("place", "    latitude: 33.25\n"),
    "place_parent": ("place", "    parent: synthetic-region\n"),  # a new enclosing place
    "place_removed_unused": ("place", None),
}


def edit_entry(root: Path, kind: str, pick: int) -> None:
    """One entry of a registry edited (a line added, or one of its lines replaced), an entry
    added, or an entry no annotation names removed."""
    what, line = ENTRY_EDITS[kind]
    registry = root / "data" / f"{what}s.yaml"
    text = registry.read_text(encoding="utf-8")
    if kind == "actor_added":
        registry.write_text(
            text + "  - id: synthetic-actor-new\n    name: New\n    kind: military\n",
            encoding="utf-8",
        )
        return
    if kind == "place_removed_unused":
        named = set(ids_in(root, r"synthetic-place-\d+"))
        unused = sorted(set(re.findall(r"id: (synthetic-place-\d+)\n", text)) - named)
        if unused:
            target = unused[pick % len(unused)]
            replace_first(registry, rf"  - id: {target}\n(    .*\n)*", lambda m: "")
        return
    # A named entry still in the registry (an earlier edit may have renamed or removed it).
    defined = set(re.findall(rf"  - id: (synthetic-{what}-\d+)\n", text))
    used = sorted(set(ids_in(root, rf"synthetic-{what}-\d+")) & defined)
    if not used:
        return
    target = used[pick % len(used)]
    assert line is not None
    if kind == "place_parent" and "id: synthetic-region\n" not in text:
        text += "  - id: synthetic-region\n    name: Region\n    kind: admin1\n    country: IQ\n"
    field = line.split(":")[0] + ":"
    entry = re.search(rf"  - id: {target}\n(    .*\n)*", text)
    assert entry is not None
    lines = [old for old in entry[0].splitlines(keepends=True) if not old.startswith(field)]
    registry.write_text(
        text[: entry.start()] + "".join(lines) + line + text[entry.end() :], encoding="utf-8"
    )


EDITS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "add", "delete", "event_date", "event_id", "claim_id", "unknown_actor",
                "broken_yaml", "rename_actor", "remove_actor", "rename_place", "remove_place",
                "summary", "published", "touch", "registry_comment", *ENTRY_EDITS,
            ]
        ),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=0,
    max_size=3,
)  # fmt: skip


def seed_files(root: Path) -> list[Path]:
    """The seeds that are regular files (an edit may have left a link, a folder or a FIFO,
    which reading would block on)."""
    return sorted(
        path for path in (root / "seeds").glob("*.txt") if path.is_file() and not path.is_symlink()
    )


def edit_seed(root: Path, kind: str, pick: int) -> None:
    """One seed edited (or an entry added to the seeds folder): its text, with or without its
    annotation's sha256 brought along, or the file replaced by a link, a folder or a FIFO."""
    seeds = seed_files(root)
    if kind == "orphan":  # a seed no annotation names, and a link named like nothing
        (root / "seeds" / f"orphan-{pick}.txt").write_text("Not annotated.\n", encoding="utf-8")
        link = root / "seeds" / f"notes-{pick}"
        if not link.is_symlink():
            link.symlink_to("elsewhere")
        return
    if not seeds:
        return
    seed = seeds[pick % len(seeds)]
    if kind == "append":  # its annotation's sha256 no longer matches: the document fails
        seed.write_text(seed.read_text(encoding="utf-8") + "One more line.\n", encoding="utf-8")
    elif kind == "rewrite":  # other words, its sha256 brought along: the document still passes
        raw = seed.read_bytes().replace(b" said ", b" stated ", 1)
        seed.write_bytes(raw)
        annotation = root / "data" / "annotations" / f"{seed.stem}.yaml"
        if annotation.is_file():
            digest = hashlib.sha256(raw).hexdigest()
            replace_first(
                annotation, r'sha256: "sha256:[0-9a-f]+"', lambda m: f'sha256: "sha256:{digest}"'
            )
    elif kind == "delete":
        seed.unlink()
    elif kind == "touch":
        seed.write_bytes(seed.read_bytes())
    elif kind == "link":  # to another seed: a link is refused wherever it points
        other = seeds[(pick + 1) % len(seeds)]
        seed.unlink()
        seed.symlink_to(other.name)
    elif kind == "folder":
        seed.unlink()
        seed.mkdir()
    elif kind == "fifo":
        seed.unlink()
        os.mkfifo(seed)


SEED_EDITS = st.lists(
    st.tuples(
        st.sampled_from(
            ["append", "rewrite", "delete", "touch", "link", "folder", "fifo", "orphan"]
        ),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=3,
)
