"""The per-document work of a cold build, in one process: what a document costs and where it goes.

    python benchmarks/per_document.py CORPUS_ROOT [--docs 2000] [--repeat 5] [--breakdown]

The first `--docs` annotations of the corpus (and their seeds) are read into memory once; then,
`--repeat` times each, `process_document` runs over all of them, `process_chunk` over chunks
of a worker's size (runner._CHUNK; a worker's loop: the same plus the chunk's frames and their
Arrow IPC bytes), and PyYAML's CSafeLoader loads the same annotations (the libyaml floor's own
work). Times are the CPU time of this process (`time.process_time`), not the wall clock: on a
shared machine the wall clock of one process moves with the others' load, its CPU time far
less. Prints the median over the repeats of the mean per document, and the median per
document, with the 1-minute load average. `--breakdown` times each step of `process_document`
(the functions wrapped with a timer where their callers look them up) and prints its share;
`--profile` prints cProfile's top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from run import commit_of

from eventset.validation.document import process_document
from eventset.validation.runner import _CHUNK, process_chunk

# The steps of process_document, timed by wrapping each function where its caller looks it up:
# (shown name, calling module, function name). Nested steps follow their parent.
STEPS = (
    ("parsing the YAML", "eventset.inputs.parse", "load_yaml"),
    ("  decoding the bytes, limits", "eventset.inputs.yamlfile", "decode_text"),
    (
        "  fast path (subset check, rapidyaml, its JSON decoded, walks)",
        "eventset.inputs.yamlfile",
        "fast_data",
    ),
    ("  of which the subset check", "eventset.inputs.yaml_fast", "in_fast_subset"),
    ("  of which rapidyaml parse and emit", "eventset.inputs.yaml_fast", "parse_and_emit"),
    ("  libyaml (files outside the subset)", "eventset.inputs.yamlfile", "load_with_libyaml"),
    ("parse_model (YAML and pydantic)", "eventset.validation.document", "parse_model"),
    ("collecting references", "eventset.validation.document", "collect_references"),
    ("the seed (decode, header, sha256)", "eventset.validation.document", "parse_seed"),
    ("form checks and evidence", "eventset.validation.document", "check_annotation"),
    ("  of which resolving evidence", "eventset.validation.document_checks", "resolve_evidence"),
    ("meaning checks (cue words)", "eventset.validation.document", "check_meaning"),
    ("compiling rows", "eventset.validation.document", "compile_document"),
    ("the annotation's sha256", "eventset.validation.document", "sha256_of"),
)

Document = tuple[str, bytes, bytes | None]


def documents_of(root: Path, count: int) -> list[Document]:
    annotations = sorted((root / "data" / "annotations").glob("*.yaml"))[:count]
    out: list[Document] = []
    for path in annotations:
        seed = root / "seeds" / f"{path.stem}.txt"
        shown = path.relative_to(root).as_posix()
        out.append((shown, path.read_bytes(), seed.read_bytes() if seed.exists() else None))
    return out


def per_document(run: Callable[[Document], object], documents: list[Document]) -> list[float]:
    times: list[float] = []
    clock = time.process_time
    for document in documents:
        start = clock()
        run(document)
        times.append(clock() - start)
    return times


def chunked(documents: list[Document]) -> float:
    """Seconds for `process_chunk` over the documents in a worker's chunks (runner._CHUNK), files read from memory."""
    by_path = {f"mem:{file}": raw for file, raw, _ in documents}
    by_path.update({f"seed:{file}": seed for file, _, seed in documents if seed is not None})
    tasks = [
        (file, f"mem:{file}", f"seed:{file}" if seed is not None else None, "")
        for file, _, seed in documents
    ]

    def read(path: str | None, limit: int) -> bytes | None:
        return None if path is None else by_path[path]

    start = time.process_time()
    for i in range(0, len(tasks), _CHUNK):
        process_chunk(tasks[i : i + _CHUNK], frozenset(), "bench", read=read)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--breakdown", action="store_true", help="time each step")
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions")
    args = parser.parse_args()
    documents = documents_of(args.root, args.docs)
    count = len(documents)

    def document(d: Document) -> object:
        return process_document(*d)

    def floor(d: Document) -> object:
        return yaml.load(d[1], Loader=yaml.CSafeLoader)

    per_doc: dict[str, list[float]] = {"process_document": [], "CSafeLoader": []}
    means: dict[str, list[float]] = {"process_document": [], "CSafeLoader": [], "process_chunk": []}
    per_document(document, documents[:200])  # warm: imports, compiled patterns, pydantic
    for _ in range(args.repeat):
        for name, run in (("process_document", document), ("CSafeLoader", floor)):
            times = per_document(run, documents)
            per_doc[name].append(statistics.median(times))
            means[name].append(sum(times) / count)
        means["process_chunk"].append(chunked(documents) / count)
    load = os.getloadavg()[0]
    print(f"{count} documents of {args.root}, {args.repeat} repeats; ", end="")
    print(f"load {load:.1f}; commit {commit_of()}")
    print("| work | mean ms a document (median of repeats) | median ms a document |")
    print("| --- | --- | --- |")
    for name, values in means.items():
        median = f"{statistics.median(per_doc[name]) * 1e3:.3f}" if name in per_doc else ""
        print(f"| {name} | {statistics.median(values) * 1e3:.3f} | {median} |")
    if args.breakdown:
        print()
        print_breakdown(documents, document)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for d in documents:
            process_document(*d)
        profile.disable()
        print()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


def print_breakdown(documents: list[Document], run: Callable[[Document], object]) -> None:
    """Each step's share of process_document, in CPU time: the functions wrapped with a timer
    where process_document (or its callees) look them up, the documents run three times."""
    spent = dict.fromkeys(range(len(STEPS)), 0)
    saved = []
    for index, (_, module_name, name) in enumerate(STEPS):
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        saved.append((module, name, original))
        setattr(module, name, _timed(original, spent, index))
    try:
        clock = time.process_time_ns
        whole = 0
        for _ in range(3):
            for d in documents:
                start = clock()
                run(d)
                whole += clock() - start
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)
    per_document = 3 * len(documents)
    print(f"process_document, timed steps: {whole / per_document / 1e6:.3f} ms a document")
    print("| step | ms a document | share |\n| --- | --- | --- |")
    for index, (shown, _, _) in enumerate(STEPS):
        ns = spent[index] / per_document
        print(f"| {shown} | {ns / 1e6:.3f} | {spent[index] / whole:.0%} |")
    # pydantic's share is parse_model's less the YAML parse inside it.
    names = [name for _, _, name in STEPS]
    pydantic = spent[names.index("parse_model")] - spent[names.index("load_yaml")]
    print(
        f"| pydantic models (parse_model less the YAML) | {pydantic / per_document / 1e6:.3f} ",
        end="",
    )
    print(f"| {pydantic / whole:.0%} |")


def _timed(function: Callable[..., Any], spent: dict[int, int], index: int) -> Callable[..., Any]:
    clock = time.process_time_ns

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[index] += clock() - start

    return timed


if __name__ == "__main__":
    main()
