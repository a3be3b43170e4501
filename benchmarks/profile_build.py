"""Where a cold build's time goes: the build run once under cProfile, its steps' cumulative times.

    python benchmarks/profile_build.py CORPUS_ROOT [--jobs 2] [--engine local|dask]

The corpus is built cold (a fresh document cache, a new numbered release in a temporary
folder). The workers' time shows as the parent waiting for their chunks (`run_documents`
less what follows it); everything else is this process. Prints one Markdown row per step, with
the machine's 1-minute load average and the commit beside them.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from functools import partial
from pathlib import Path

from run import commit_of

# (shown name, module file suffix, function name) of the steps of pipeline.build, in order.
STEPS = (
    ("registries and listing", "repository.py", "load_registries"),
    ("listing", "repository.py", "list_inputs"),
    ("per-document work (workers) and reading their frames", "runner.py", "_collect"),
    ("merging with the snapshot", "runner.py", "_merge_with_snapshot"),
    ("saving the snapshot", "cache.py", "save"),
    ("corpus checks", "corpus_checks.py", "check_corpus"),
    ("assembling the tables", "assemble.py", "assemble_tables"),
    ("  of which merging events", "assemble.py", "events_table"),
    ("Pandera contracts", "contracts.py", "validate_frame"),
    ("cross-table integrity", "integrity.py", "cross_table_failures"),
    ("writing the release", "write.py", "write_release"),
    ("  of which Parquet files", "write.py", "write_parquet"),
    ("  of which the manifest", "write.py", "manifest_of"),
    ("the build's state", "rebuild.py", "state_of"),
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["EVENTSET_CACHE_DIR"] = f"{scratch}/cache"
        from eventset.engines.dask_cluster import dask_engine
        from eventset.pipeline import Engine, build

        engine: Engine | None = None
        if args.engine == "dask":
            engine = partial(dask_engine, None, args.jobs, str(args.root.resolve()))
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.enable()
        result = build(args.root, Path(scratch) / "out", "1.0.0", jobs=args.jobs, engine=engine)
        profile.disable()
        wall = time.perf_counter() - start
    assert result.ok, result.validation.problems[:3]
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    cumulative: dict[tuple[str, str], float] = {}
    for (file, _, name), (_, _, _, total, _) in stats.items():
        key = (Path(file).name, name)
        cumulative[key] = max(cumulative.get(key, 0.0), total)
    load = os.getloadavg()[0]
    print(f"cold build, {args.engine}, jobs {args.jobs}: {wall:.2f} s (profiled); ", end="")
    print(f"load {load:.1f}; commit {commit_of()}")
    print("| step | seconds | share |\n| --- | --- | --- |")
    for shown, file, name in STEPS:
        seconds = cumulative.get((file, name), 0.0)
        print(f"| {shown} | {seconds:.2f} | {seconds / wall:.0%} |")


if __name__ == "__main__":
    main()
