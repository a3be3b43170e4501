"""Where a cold build's wall time and CPU go, step by step, in the command and in its workers.

    python benchmarks/build_steps.py CORPUS_ROOT [--jobs 2] [--drop-cache] [--spool auto|plain|lz4]

The corpus is built cold (a fresh document cache, the dev release in a temporary folder) in
this process, as `eventset build` does. Printed:

- the build's wall time; the whole machine's user, system, idle and I/O-wait CPU seconds over
  it (`/proc/stat`: a quiet machine's are the build's); the disks' reads and writes
  (`/proc/vmstat`); the command's peak RSS and the largest sum of the command's and its
  workers' resident sets (sampled twice a second);
- each step of the command (`STEPS`): when it started and ended (seconds from the start), its
  wall time and this process's CPU over it (every thread's). A step that is a generator shows
  the moment it was made only;
- each kind of task of the workers (`TASKS`, with the table it wrote where there is one):
  how many, their CPU (the worker's, every thread's) and their wall time, summed;
- the cycle collector's collections, by generation, in the command and in the workers: how
  many and their time (`gc.callbacks`; collections during the build's own imports included);
- where the workers wait: the build cut into phases at the first and last per-document chunk
  and the first and last task of the tail (`BUSY`), each phase's wall time and the workers'
  seconds in no task over it (the clock is the machine's monotonic one, the same in every
  process).

The workers' tasks are timed by wrapping their functions where a spawned worker looks them up
(this file is imported as the workers' `__mp_main__`), so this measures the code as it is, not
a copy of it; the wrappers cost about a microsecond a call. `--drop-cache` writes back and drops
the kernel's page, dentry and inode caches first (root only): the build then reads its corpus
and its own code from the disk, as after a reboot. `--spool plain` or `lz4` overrides the
build's choice of the chunk files' codec (`runner.spool_compression`), to measure either.
"""

from __future__ import annotations

import argparse
import collections
import functools
import gc
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (module, function) of the command's steps, as pipeline.build calls them.
STEPS = (
    ("eventset.validation.repository", "validate_repository"),
    ("eventset.validation.repository", "load_registries"),
    ("eventset.validation.repository", "list_inputs"),
    ("eventset.validation.runner", "run_documents"),
    ("eventset.validation.runner", "_collect"),
    ("eventset.validation.corpus_checks", "check_corpus"),
    ("eventset.pipeline", "_write"),
    ("eventset.release.months", "write_months"),
    ("eventset.pipeline", "provenance"),
    ("eventset.pipeline", "finish_release"),
    ("eventset.rebuild", "state_of"),
)
# (module, attribute, the table its arguments name) of the workers' tasks and their steps.
TASKS: tuple[tuple[str, str, Callable[[tuple[Any, ...]], str]], ...] = (
    ("eventset.validation.runner", "_process_chunk", lambda args: ""),
    ("eventset.release.months", "merge_bucket", lambda args: ""),
    ("eventset.release.months", "write_month", lambda args: str(args[0].table)),
    ("eventset.release.months", "_checked", lambda args: str(args[0].table)),
    ("eventset.release.months", "read_runs", lambda args: ""),
    ("eventset.release.months", "_spans_fail", lambda args: ""),
    ("eventset.release.write", "write_parquet", lambda args: str(args[2])),
    # Submitted from months.py, pickled by its own module's name.
    ("eventset.release.staged", "fails_across_months", lambda args: ""),
)
# The workers' tasks that are not steps of another: a worker in none of them waits.
BUSY = (
    "_process_chunk",
    "merge_bucket",
    "write_month",
    "Snapshot.write_frames",
    "fails_across_months",
)
_LOG = Path(tempfile.gettempdir()) / "eventset-build-steps"


Sums = dict[tuple[str, str], list[float]]  # (task, table) -> [count, CPU, wall]


def _sums() -> Sums:
    return collections.defaultdict(lambda: [0, 0.0, 0.0])


def _add(sums: Sums, key: tuple[str, str], count: float, cpu: float, wall: float) -> None:
    entry = sums[key]
    entry[0] += count
    entry[1] += cpu
    entry[2] += wall


def _timed(
    function: Callable[..., Any], record: Callable[[tuple[Any, ...], float, float], None]
) -> Any:
    """`function`, each call's arguments, wall time and CPU given to `record`."""

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            record(args, time.perf_counter() - wall, time.process_time() - cpu)

    return timed


def _in_worker() -> None:
    """In a spawned worker: its tasks timed, the sums written to a file of its own at exit."""
    import importlib
    import multiprocessing.util

    sums = _sums()
    busy: list[str] = []  # "task<TAB>start<TAB>end" of the BUSY tasks

    def wrapped(
        function: Callable[..., Any], name: str, table_of: Callable[[tuple[Any, ...]], str]
    ) -> Any:
        def record(args: tuple[Any, ...], wall: float, cpu: float) -> None:
            _add(sums, (name, table_of(args)), 1, cpu, wall)
            if name in BUSY:
                end = time.perf_counter()
                busy.append(f"{name}\t{end - wall:.4f}\t{end:.4f}\n")

        return _timed(function, record)

    for module_name, name, table_of in TASKS:
        module = importlib.import_module(module_name)
        setattr(module, name, wrapped(getattr(module, name), name, table_of))
    from eventset.validation import cache

    write = cache.Snapshot.write_frames
    cache.Snapshot.write_frames = wrapped(write, "Snapshot.write_frames", lambda args: "")  # type: ignore[method-assign]

    gc.callbacks.append(_collections(sums))

    def dump() -> None:
        lines = [f"{n}\t{t}\t{c:.0f}\t{cpu:.3f}\t{w:.3f}\n" for (n, t), (c, cpu, w) in sums.items()]
        (_LOG / f"{os.getpid()}.tsv").write_text("".join(lines), encoding="utf-8")
        (_LOG / f"{os.getpid()}.busy").write_text("".join(busy), encoding="utf-8")

    # A pool's worker leaves through os._exit: atexit handlers do not run, finalizers do.
    multiprocessing.util.Finalize(None, dump, exitpriority=100)


def _collections(sums: Sums) -> Callable[[str, dict[str, int]], None]:
    """A gc callback adding each collection of the cycle collector, by generation, to `sums` as
    a task of its own (its CPU taken as its wall time: it neither sleeps nor waits)."""
    started = [0.0]

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        spent = time.perf_counter() - started[0]
        _add(sums, ("the cycle collector", f"generation {info['generation']}"), 1, spent, spent)

    return collected


def _resident(pid: int) -> int:
    """Bytes resident in `pid` and its children (0 for a process gone meanwhile)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pages = 0
        for each in [pid, *map(int, children)]:
            pages += int(Path(f"/proc/{each}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _cpu() -> list[float]:
    """The machine's user (with nice), system, idle and I/O-wait seconds since boot."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:6]]
    user, nice, system, idle, iowait = (t / os.sysconf("SC_CLK_TCK") for t in ticks)
    return [user + nice, system, idle, iowait]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--drop-cache", action="store_true")
    parser.add_argument("--spool", choices=("auto", "plain", "lz4"), default="auto")
    args = parser.parse_args()
    import importlib
    import resource
    import shutil

    from run import commit_of, disk_pages

    _LOG.mkdir(exist_ok=True)
    for old in [*_LOG.glob("*.tsv"), *_LOG.glob("*.busy")]:
        old.unlink()
    spans: list[tuple[str, float, float, float]] = []
    start = 0.0
    for module_name, name in STEPS:
        module = importlib.import_module(module_name)
        function = getattr(module, name)

        def record(args: tuple[Any, ...], wall: float, cpu: float, name: str = name) -> None:
            spans.append((name, time.perf_counter() - wall - start, wall, cpu))

        timed = _timed(function, record)
        for other in list(sys.modules.values()):  # every module that imported it by name
            mine = getattr(other, "__name__", "").startswith("eventset")
            if mine and getattr(other, name, None) is function:
                setattr(other, name, timed)
    from eventset.collector import collect_less_often
    from eventset.pipeline import build
    from eventset.validation import runner

    collect_less_often()  # as the command's main does (cli.py)

    if args.spool != "auto":
        codec = None if args.spool == "plain" else "lz4"
        runner.spool_compression = lambda work: codec
    if args.drop_cache:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    peak = 0

    def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, _resident(os.getpid()))
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()
    own_collections = _sums()
    gc.callbacks.append(_collections(own_collections))
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["EVENTSET_CACHE_DIR"] = f"{scratch}/cache"
        cpu, disk = _cpu(), disk_pages()
        start = time.perf_counter()
        result = build(args.root, Path(scratch) / "out", "dev", jobs=args.jobs)
        ended = time.perf_counter()
        wall = ended - start
        used = [b - a for a, b in zip(cpu, _cpu(), strict=True)]
        after = disk_pages()
        read, written = (b - a for a, b in zip(disk or (0, 0), after or (0, 0), strict=True))
        shutil.rmtree(scratch, ignore_errors=True)
    assert result.ok, result.validation.problems[:3]
    time.sleep(2)  # the pool's workers are left to exit on their own (release/tasks.py)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"cold build of {args.root.name}, jobs {args.jobs}, spool {args.spool}: {wall:.1f} s; "
        f"commit {commit_of()}"
    )
    print(
        f"machine CPU: user {used[0]:.1f} s, system {used[1]:.1f} s, idle {used[2]:.1f} s, "
        f"I/O wait {used[3]:.1f} s; disks read {read / 2**20:.2f} GB, wrote "
        f"{written / 2**20:.2f} GB; command peak {own:,.0f} MB, with its workers "
        f"{peak / 2**20:,.0f} MB"
    )
    print("\n| step of the command | from | to | wall | its CPU |\n| --- | --- | --- | --- | --- |")
    for name, began, took, cpu_s in sorted(spans, key=lambda span: span[1]):
        print(f"| {name} | {began:.2f} | {began + took:.2f} | {took:.2f} | {cpu_s:.2f} |")
    for (task, table), (count, spent, _) in sorted(own_collections.items()):
        print(f"| {task}, {table} ({count:.0f}) | | | {spent:.2f} | {spent:.2f} |")
    sums = _sums()
    for log in _LOG.glob("*.tsv"):
        for line in log.read_text(encoding="utf-8").splitlines():
            task, table, calls, cpu_text, wall_text = line.split("\t")
            _add(sums, (task, table), int(calls), float(cpu_text), float(wall_text))
    print("\n| task of the workers | table | count | CPU | wall |\n| --- | --- | --- | --- | --- |")
    for (task, table), (count, task_cpu, task_wall) in sorted(sums.items()):
        print(f"| {task} | {table} | {count:.0f} | {task_cpu:.2f} | {task_wall:.2f} |")
    _print_waits(start, ended)


def _print_waits(start: float, end: float) -> None:
    """The build's phases (module docstring) and the workers' seconds in no task over each."""
    workers: list[list[tuple[str, float, float]]] = []
    for log in _LOG.glob("*.busy"):
        spans = [line.split("\t") for line in log.read_text(encoding="utf-8").splitlines()]
        workers.append([(task, float(a), float(b)) for task, a, b in spans])
    every = [span for spans in workers for span in spans]
    chunks = [span for span in every if span[0] == "_process_chunk"]
    if not chunks:
        return
    after = [span for span in every if span[0] != "_process_chunk" and span[1] >= chunks[0][1]]
    cuts = [start, min(a for _, a, _ in chunks), max(b for _, _, b in chunks)]
    if after:
        cuts += [min(a for _, a, _ in after), max(b for _, _, b in after)]
    cuts.append(end)
    names = ["before the first chunk", "the per-document step", "until the tail's first task"]
    names = [*names, "the tail", "after the tail"] if after else [*names[:2], "after the step"]
    print(f"\n| phase ({len(workers)} workers) | from | to | wall | the workers waiting |")
    print("| --- | --- | --- | --- | --- |")
    for name, a, b in zip(names, cuts, cuts[1:], strict=False):
        working = sum(max(0.0, min(b, y) - max(a, x)) for _, x, y in every)
        waiting = len(workers) * (b - a) - working
        print(f"| {name} | {a - start:.2f} | {b - start:.2f} | {b - a:.2f} | {waiting:.2f} s |")


if __name__ == "__main__":
    main()
elif __name__ == "__mp_main__":
    _in_worker()
