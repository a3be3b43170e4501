"""Strong scaling of `eventset build --engine dask` beside the local build, in one run.

    python benchmarks/dask_scaling.py [--docs 5000] [--workers 1 2] [--work DIR]

On one SYNTHETIC corpus (`eventset synth`), each case is a cold build (a fresh document cache,
a new numbered release) as a subprocess: the local build with --jobs W, then --engine dask on a
LocalCluster of W single-threaded worker processes. Every release's manifest (the sha256 of
every file) must equal the first one's, or the run stops: the engines are byte-identical or the
figures mean nothing. Beside every row: the libyaml floor of the same corpus (measured in the
same run), the machine's load average when the case started, and the commit measured. Prints
a Markdown table and the per-document cost behind the estimate in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run import EVENTSET, HERE, commit_of, corpus_folder, run


def _cold(root: Path, work: Path, name: str, extra: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS MB, manifest without provenance) of one cold build."""
    cache, out = work / f"cache-{name}", work / f"out-{name}"
    for folder in (cache, out):
        shutil.rmtree(folder, ignore_errors=True)
    wall, rss, _ = run(
        [*EVENTSET, "build", "--root", str(root), "--out", str(out), "--version", "1.0.0", *extra],
        {"EVENTSET_CACHE_DIR": str(cache)},
    )
    manifest = json.loads((out / "eventset-1.0.0" / "manifest.json").read_text(encoding="utf-8"))
    return wall, rss, json.dumps(manifest["files"], sort_keys=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "eventset-dask")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    root = corpus_folder(args.work, args.docs)
    if not root.exists():
        subprocess.run(
            [*EVENTSET, "synth", "--out", str(root), "--docs", str(args.docs), "--seed", "1"],
            check=True,
        )
    _, _, out = run([sys.executable, str(HERE / "libyaml_floor.py"), str(root)])
    floor = json.loads(out)["seconds"]
    commit = commit_of()
    rows, reference = [], None
    for workers in args.workers:
        for engine, extra in (
            ("local", ["--jobs", str(workers)]),
            ("dask", ["--engine", "dask", "--jobs", str(workers)]),
        ):
            load = os.getloadavg()[0]
            wall, rss, manifest = _cold(root, args.work, f"{engine}-{workers}", extra)
            if reference is None:
                reference = manifest
            elif manifest != reference:
                raise SystemExit(f"{engine} with {workers} workers wrote another release")
            rows.append((engine, workers, wall, rss, load))
    print(f"{args.docs:,} synthetic documents; commit {commit}; {os.cpu_count()} cores")
    print("| engine | workers | cold build | docs/s | peak RSS | floor | load (1 min) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for engine, workers, wall, rss, load in rows:
        print(
            f"| {engine} | {workers} | {wall:.1f} s ({wall / floor:.2f}x floor) "
            f"| {args.docs / wall:,.0f} | {rss:,.0f} MB | {floor:.1f} s | {load:.2f} |"
        )
    print("every release byte-identical (manifest sha256 of every file): yes")


if __name__ == "__main__":
    main()
