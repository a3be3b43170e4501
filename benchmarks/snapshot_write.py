"""What writing the validation cache's snapshot costs, alone: `Snapshot.write` from a build's spool.

    python benchmarks/snapshot_write.py CORPUS_ROOT [--jobs 2] [--repeat 3] [--keep FOLDER]

The corpus is validated once, cold, with a spool (as `eventset build` does: the workers' chunk
files stay in a scratch folder, and the snapshot is written from them in a thread). Then, in
this process and with nothing else running in it, the snapshot is written `--repeat` times
more into fresh folders: from the chunk files (a cold build's write), and from the snapshot
itself with 1% of its entries dropped (a run that found 1% of the corpus changed and saves
again). Prints the median CPU time of this process (`time.process_time`: every thread's,
pyarrow's and polars' included) and wall time of each, the snapshot's bytes, the 1-minute
load average and the commit, and at the end this process's peak resident set (the writes' own
peak when the spool was kept by an earlier run: nothing else ran in this process).

`--keep FOLDER`: the spool and the first snapshot are kept there, and a later run given the
same folder writes from them without validating again (to compare two commits on the same
input; the folder's chunk files are only valid for the code that wrote them, so measure,
never build, with them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import polars as pl
from run import cold_spool, commit_of


def measured(write: Callable[[Path], None], scratch: Path, repeat: int) -> tuple[str, int]:
    cpu: list[float] = []
    wall: list[float] = []
    size = 0
    for number in range(repeat):
        target = scratch / f"{write.__name__}-{number}" / "snapshot"
        start, start_wall = time.process_time(), time.perf_counter()
        write(target)
        cpu.append(time.process_time() - start)
        wall.append(time.perf_counter() - start_wall)
        size = sum(path.stat().st_size for path in target.iterdir())
        shutil.rmtree(target.parent)
    shown = ", ".join(f"{c:.2f}" for c in cpu)
    return (
        f"{statistics.median(cpu):.2f} s CPU ({shown}), {statistics.median(wall):.2f} s wall",
        size,
    )


def spooled(root: Path, jobs: int, kept: Path) -> dict[str, list[str]]:
    """The chunk files of a cold validation of `root` in `kept` (frame name -> files), and the
    snapshot written from them in `kept / "snapshot"`: made now unless `kept` has them."""
    listed = kept / "files.json"
    if listed.is_file():
        files: dict[str, list[str]] = json.loads(listed.read_text())
        return files
    from eventset.validation.cache import default_cache_dir
    from eventset.validation.runner import corpus_snapshot

    validation = cold_spool(root, jobs, kept)
    corpus_snapshot(default_cache_dir(), root).directory.rename(kept / "snapshot")
    shutil.rmtree(kept / "cache")
    files = {name: list(part.files) for name, part in validation.parts.items()}
    listed.write_text(json.dumps(files))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="snapshot-write.") as folder:
        scratch = Path(folder)
        kept = args.keep.resolve() if args.keep is not None else scratch / "kept"
        files = spooled(args.root.resolve(), args.jobs, kept)
        from eventset.validation.cache import Snapshot, Spooled
        from eventset.validation.runner import empty_frames
        from eventset.validation.spooled import Spooled as SpooledFrame

        schemas = {name: frame.schema for name, frame in empty_frames().items()}
        built = Snapshot(kept / "snapshot", schemas)
        index = built.load_index()
        assert index is not None, "the build wrote no snapshot"
        parts = {name: SpooledFrame(schemas[name], tuple(files[name])) for name in schemas}
        keys = index.get_column("_key")
        kept_keys = keys.filter(pl.int_range(keys.len(), eager=True) % 100 != 0)  # 1% dropped
        resaved = {
            name: SpooledFrame(schemas[name], (), str(built.directory / f"{name}.arrow"), kept_keys)
            for name in schemas
        }
        smaller = index.filter(pl.col("_key").is_in(kept_keys.implode()))

        def cold(target: Path) -> None:
            frames: Mapping[str, Spooled] = parts
            Snapshot(target, schemas).write(index, frames)

        def resave(target: Path) -> None:
            frames: Mapping[str, Spooled] = resaved
            Snapshot(target, schemas).write(smaller, frames)

        cold(scratch / "warm-up" / "snapshot")  # the imports and first calls, not measured
        shutil.rmtree(scratch / "warm-up")
        load = os.getloadavg()[0]
        for name, write in (
            ("from the chunk files", cold),
            ("from a snapshot, 1% dropped", resave),
        ):
            figures, size = measured(write, scratch, args.repeat)
            print(
                f"| {index.height:,} docs | {name} | {figures} | {size / 1e6:,.0f} MB "
                f"| load {load:.1f} | {commit_of()} |",
                flush=True,
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident set of this process: {peak:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
