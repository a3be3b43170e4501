"""What a full build's tail costs, alone: `write_months` from a build's spool, CPU and wall.

    python benchmarks/tail.py CORPUS_ROOT --keep FOLDER [--jobs 2] [--repeat 3]

The corpus is validated once, cold, with a spool (as `eventset build` does), and the spool kept
in FOLDER with the registries and the spooled frames' descriptions; a later run given the same
folder reuses them. Then `write_months` (the shuffle, merges and month tasks, with their
contracts and Parquet writes) runs `--repeat` times into fresh staging folders, each with a
pool of `--jobs` workers of its own (`--jobs 1`: in this process, for a profiler). Prints, per
run, the CPU time of this process and of the pool's workers (user + system, from
`getrusage`: the workers have ended when it is read), the wall time, the largest worker's peak
resident set, the 1-minute load and the commit. The chunk files are only valid for the code
that wrote them: compare commits that write them alike, and measure, never build, with them.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import pickle
import resource
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from run import cold_spool, commit_of


def spooled(root: Path, jobs: int, kept: Path) -> tuple[object, object, object, dict[str, int]]:
    """(parts, actors, places, coding counts) of a cold validation of `root`, spooled in `kept`
    (made now unless `kept` has them)."""
    saved = kept / "parts.pickle"
    if saved.is_file():
        return pickle.loads(saved.read_bytes())  # type: ignore[no-any-return]
    from eventset.agreement.counts import coding_counts
    from eventset.inputs.layout import Layout

    validation = cold_spool(root, jobs, kept)
    shutil.rmtree(kept / "cache")
    assert validation.ok, "the corpus does not validate"
    found = (validation.parts, validation.actors, validation.places, coding_counts(Layout(root)))
    saved.write_bytes(pickle.dumps(found))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--keep", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    parts, actors, places, counts = spooled(args.root.resolve(), args.jobs, args.keep.resolve())
    from eventset.release.months import write_months
    from eventset.release.tasks import warm
    from eventset.tables.assemble import merged_events

    for number in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="tail.", dir=args.keep) as folder:
            scratch = Path(folder)
            (scratch / "staging").mkdir()
            before = resource.getrusage(resource.RUSAGE_SELF)
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            # A pool of this run's own, left only once its workers have exited: the build's
            # (tasks.pool) does not wait for that, and their CPU is read when they are reaped.
            with contextlib.ExitStack() as stack:
                pooled: ProcessPoolExecutor | None = None
                if args.jobs > 1:
                    spawn = multiprocessing.get_context("spawn")
                    pooled = stack.enter_context(ProcessPoolExecutor(args.jobs, mp_context=spawn))
                    for _ in range(args.jobs):
                        pooled.submit(warm)
                months = write_months(
                    parts,  # type: ignore[arg-type]
                    actors,  # type: ignore[arg-type]
                    places,  # type: ignore[arg-type]
                    merged_events,
                    counts,
                    scratch / "spool",
                    scratch / "staging",
                    "dev",
                    args.jobs,
                    processes=pooled,
                )
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF)
            ended = resource.getrusage(resource.RUSAGE_CHILDREN)
            here = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            workers = ended.ru_utime + ended.ru_stime - children.ru_utime - children.ru_stime
            assert not months.suspect
            print(
                f"run {number}: this process {here:.2f} s CPU, workers {workers:.2f} s CPU, "
                f"{wall:.2f} s wall, largest worker {ended.ru_maxrss / 1024:,.0f} MB, "
                f"load {os.getloadavg()[0]:.1f}, {commit_of()}",
                flush=True,
            )


if __name__ == "__main__":
    main()
