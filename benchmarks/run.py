"""Benchmarks of the targets (DESIGN section 9, issue 12), measured in one run on this machine.

    python benchmarks/run.py [--sizes 10000 100000] [--cold-sizes 1000000] [--jobs 2]
                             [--rounds 3] [--work DIR] [--extras]

Every corpus is SYNTHETIC (`eventset synth`), written under --work and never mixed into the
dataset. Commands run as subprocesses, each with a fresh document cache unless the case is
about the cache. Peak RSS is the largest process of the command (`ru_maxrss` from wait4).
Per corpus size: the libyaml floor (every annotation loaded with PyYAML's CSafeLoader in one
process) and a cold build, interleaved --rounds times, their ratio the ratio of their minima
(DESIGN: interleave the floor and the build, keep minima); then a rebuild after editing one
annotation, `validate FILE` of that file, `validate --changed --base HEAD` in a fresh clone with
no cache, and a rebuild after editing one place's registry entry; then `eventset --help`.
--cold-sizes adds sizes measured by one cold build alone (time and peak RSS, no floor). Beside
each size's (best) cold build, its CPU (every process's, from wait4) and what the machine's
disks read and wrote back over it (/proc/vmstat: a quiet machine's are the build's). Then the
growth of the cold build (the best of each size) from each size to the next.
Before the first floor (and before a --cold-sizes build) every file of the corpus is
read once, so each size is measured with its corpus in the page cache. The warm cases are
medians of three. --extras adds the Pandera, loader and frictionless rows.
Prints a Markdown table with each row's target and whether it was met, and beside every figure
the floor of its corpus measured in this run, the 1-minute load average over the case and the
commit measured ("+dirty" with uncommitted changes).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when called: the harness itself runs eventset as commands
    from eventset.validation.repository import Validation

HERE = Path(__file__).resolve().parent
EVENTSET = [sys.executable, "-m", "eventset"]


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one subprocess; wait4 gives that child's own rusage
    (its largest process, pool workers included once they are waited for)."""
    wall, usage, stdout = run_with_usage(args, env)
    return wall, usage.ru_maxrss / 1024, stdout


def run_with_usage(
    args: list[str], env: dict[str, str] | None = None
) -> tuple[float, resource.struct_rusage, str]:
    """(wall seconds, rusage, stdout) of one subprocess: its CPU includes its pool workers',
    which it waits for before it exits."""
    # Python as users run it: bytecode is cached after the first run (pip compiles it at install).
    # A machine that sets PYTHONDONTWRITEBYTECODE would recompile every module on every command,
    # about 0.4 s of each start-up, and measure that instead of eventset.
    environment = {**os.environ, **(env or {})}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(
            args, stdout=out, stderr=subprocess.PIPE, text=True, env=environment
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        errors = child.stderr.read() if child.stderr else ""
        out.seek(0)
        stdout = out.read()
    if child.returncode not in (0, 1):
        sys.stderr.write(stdout + errors)
        raise SystemExit(f"command failed: {' '.join(args)}")
    return wall, usage, stdout


def disk_pages() -> tuple[int, int] | None:
    """The kB the machine has read from and written to its disks so far (/proc/vmstat's pgpgin
    and pgpgout), or None where the kernel does not say: every process's, so only a quiet
    machine's figures are the command's."""
    try:
        lines = Path("/proc/vmstat").read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    counters = dict(line.split() for line in lines)
    return int(counters["pgpgin"]), int(counters["pgpgout"])


def cold_spool(root: Path, jobs: int, kept: Path) -> Validation:
    """A cold validation of `root` as a build runs it, its chunk files kept in `kept / "chunks"` and its cache (the snapshot, written and waited for)
    in `kept / "cache"`: what benchmarks of the build's later steps start from."""
    from eventset.validation.repository import validate_repository

    (kept / "chunks").mkdir(parents=True)
    os.environ["EVENTSET_CACHE_DIR"] = str(kept / "cache")
    validation = validate_repository(root, jobs=jobs, cache=True, spool=kept / "chunks")
    if validation.saving is not None:
        validation.saving.result()
    return validation


def commit_of() -> str:
    """The commit being measured (with "+dirty" when the worktree has uncommitted changes)."""
    where = ["git", "-C", str(HERE.parent)]
    head = subprocess.run(
        [*where, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
    )
    if head.returncode:
        return "unknown"
    dirty = subprocess.run(
        [*where, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
Row = tuple[str, str, str, str]  # case, measured, memory or ratio, target and verdict


class Rows(list[tuple[str, ...]]):
    """The rows of the table, each with what it was measured beside: the libyaml floor of the
    corpus being measured (set by bench_corpus), the machine's 1-minute load average as the case
    ends (so over the case) and the commit."""

    def __init__(self) -> None:
        super().__init__()
        self.floor = ""
        self.commit = commit_of()

    def add(self, row: Row) -> None:
        self.append((*row, self.floor, f"{os.getloadavg()[0]:.1f}", self.commit))
        # As it is measured too: a run of many minutes that fails late keeps what it measured.
        print("| " + " | ".join(self[-1]) + " |", file=sys.stderr, flush=True)


def _git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, env={**os.environ, **GIT_ENV}, capture_output=True)


def _verdict(ok: bool, target: str) -> str:
    return f"{target}: {'met' if ok else 'missed'}"


def _edit(annotation: Path, n: int = 0) -> str:
    """Edit one annotation as a contributor would (a comment line); returns the text before."""
    original = annotation.read_text(encoding="utf-8")
    annotation.write_text(original.replace("format: 1", f"format: 1\n# edited {n}", 1), "utf-8")
    return original


REPEATS = 3  # the warm cases are a second or less: each is the median of three edits and runs


def corpus_folder(work: Path, size: int) -> Path:
    """Where the synthetic corpus of `size` documents lives under `work`, named by a digest of
    the generator's code: a corpus made by an older `eventset synth` (which may, say, lack the
    outlet the meaning checks read) is never measured as if it were today's."""
    digest = hashlib.sha256((HERE.parent / "eventset" / "synth.py").read_bytes()).hexdigest()
    return work / f"corpus-{size}-{digest[:8]}"


def synthetic_corpus(work: Path, size: int, rows: Rows, *, git: bool = True) -> Path:
    """The synthetic corpus of `size` documents under `work`, written when missing (timed); with
    `git`, committed once as the base of the pull-request case (not timed)."""
    root = corpus_folder(work, size)
    if not root.exists():
        start = time.perf_counter()
        subprocess.run(
            [*EVENTSET, "synth", "--out", str(root), "--docs", str(size), "--seed", "1"], check=True
        )
        rows.add((f"synth {size:,} docs", f"{time.perf_counter() - start:.1f} s", "", ""))
    if git and not (root / ".git").exists():
        (root / ".gitignore").write_text("dist/\n", encoding="utf-8")
        _git("-C", str(root), "init", "-q", "-b", "main")
        _git("-C", str(root), "add", "-A")
        _git("-C", str(root), "commit", "-q", "-m", "synthetic corpus")
    return root


def read_corpus(root: Path, size: int, rows: Rows) -> None:
    """Every annotation and seed read once, so the floor and the cold build of every size start
    with the corpus in the page cache. Otherwise they measure the file system as much as the
    work: a file not in the cache costs about 200 us to read here and one in it about 20 us.
    A size whose corpus was last read hours ago (a million documents: 8.8 GB) would be read
    from disk while a smaller one, read by its floor a minute before, would not. The seconds
    are a row of their own (cold or not, whatever the machine left in its cache)."""
    start = time.perf_counter()
    files = 0
    for folder in (root / "data" / "annotations", root / "seeds"):
        with os.scandir(folder) as entries:
            for entry in entries:
                with Path(entry.path).open("rb") as file:
                    while file.read(1 << 20):
                        pass
                files += 1
    seconds = time.perf_counter() - start
    rows.add(
        (f"reading the corpus once {size:,} docs ({files:,} files)", f"{seconds:.1f} s", "", "")
    )


def libyaml_floor(root: Path) -> float:
    """The libyaml floor of the corpus: every annotation loaded with CSafeLoader, one process."""
    _, _, out = run([sys.executable, str(HERE / "libyaml_floor.py"), str(root)])
    floor: float = json.loads(out)["seconds"]
    return floor


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t:.1f}" for t in times)


# Peak RSS of a cold build (issue 27): under 1 GB up to 100,000 documents, under 4 GB at a million.
def _memory_target(size: int) -> float:
    return 1024 if size <= 100_000 else 4096


@dataclass(frozen=True)
class Cold:
    """One cold build: its seconds, peak RSS (MB), CPU seconds of every process (user, system)
    and the disks' GB read and written over it (None where unknown)."""

    wall: float
    rss: float
    user: float
    system: float
    disk: tuple[float, float] | None

    def cpu_and_disk(self) -> str:
        cpu = f"{self.user + self.system:.1f} s of CPU ({self.user:.1f} user, {self.system:.1f} system)"
        if self.disk is None:
            return cpu
        return f"{cpu}; the disks {self.disk[0]:.1f} GB read, {self.disk[1]:.1f} GB written"


def cold_build(
    root: Path, size: int, jobs: int, work: Path
) -> tuple[Cold, list[str], dict[str, str]]:
    """A cold build (a fresh document cache, no release), and the build command and
    environment the warm cases reuse."""
    cache = work / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(root / "dist", ignore_errors=True)
    env = {"EVENTSET_CACHE_DIR": str(cache)}
    build = [*EVENTSET, "build", "--root", str(root), "--jobs", str(jobs)]
    before = disk_pages()
    wall, usage, _ = run_with_usage(build, env)
    after = disk_pages()
    disk = None
    if before is not None and after is not None:
        disk = ((after[0] - before[0]) / 2**20, (after[1] - before[1]) / 2**20)
    cold = Cold(wall, usage.ru_maxrss / 1024, usage.ru_utime, usage.ru_stime, disk)
    return cold, build, env


def bench_cold(
    root: Path, size: int, jobs: int, work: Path, rows: Rows, rounds: int
) -> tuple[float, list[str], dict[str, str]]:
    """The cold build beside the libyaml floor, `rounds` times each, interleaved (floor, build,
    floor, build, ...), and the ratio of their minima (DESIGN section 9): on a shared machine
    the two meet its slow and fast minutes alike, where a lone pair's ratio moved by a tenth
    between runs an hour apart. With `rounds` 0 the build runs once and no floor is measured
    (a million documents: the floor alone takes ten minutes). Returns the fastest build's
    seconds, and the build command and environment the warm cases reuse (the last build's
    cache and release are theirs)."""
    floors: list[float] = []
    builds: list[Cold] = []
    for _ in range(max(rounds, 1)):
        if rounds:
            floors.append(libyaml_floor(root))
        measured, build, env = cold_build(root, size, jobs, work)
        builds.append(measured)
    colds = [measured.wall for measured in builds]
    peak = max(measured.rss for measured in builds)
    best = min(builds, key=lambda measured: measured.wall)
    memory = _memory_target(size)
    cold = best.wall
    ratio_text, ratio_ok, ratio_target = "", True, ""
    if not floors:
        rows.floor = "not measured"
    else:
        floor = min(floors)
        rows.floor = f"{floor:.1f} s ({size:,} docs)"
        rows.add(
            (
                f"libyaml floor {size:,} docs (CSafeLoader, one process; best of {rounds})",
                f"{floor:.1f} s ({_runs(floors)})",
                "",
                "",
            )
        )
        ratio_text = f"; {cold / floor:.2f}x the floor"
        if size >= 100_000:  # the ratio target is read at 100,000 documents and beyond
            ratio_ok, ratio_target = cold / floor <= 0.5, ", <= 0.5x floor"
    runs = f" ({_runs(colds)})" if len(colds) > 1 else ""
    of = f"; best of {len(colds)}" if len(colds) > 1 else ""
    rows.add(
        (
            f"cold build {size:,} docs (jobs {jobs}{of})",
            f"{cold:.1f} s{runs}, {size / cold:,.0f} docs/s",
            f"{peak:,.0f} MB{ratio_text}",
            _verdict(
                peak < memory and ratio_ok, f"< {memory / 1024:.0f} GB peak RSS{ratio_target}"
            ),
        )
    )
    rows.add(
        (
            f"the {'best ' if len(builds) > 1 else ''}cold build's CPU and disks",
            best.cpu_and_disk(),
            "",
            "",
        )
    )
    return cold, build, env


def bench_corpus(size: int, jobs: int, work: Path, rows: Rows, rounds: int) -> dict[str, float]:
    root = synthetic_corpus(work, size, rows)
    read_corpus(root, size, rows)
    cold, build, env = bench_cold(root, size, jobs, work, rows, rounds)
    annotation = sorted((root / "data" / "annotations").iterdir())[size // 2]
    original = annotation.read_text(encoding="utf-8")
    try:
        rebuilds, validations = [], []
        for n in range(REPEATS):
            annotation.write_text(original, encoding="utf-8")
            _edit(annotation, n)  # a different edit each time: every rebuild has work to do
            wall, rss_warm, _ = run(build, env)
            rebuilds.append((wall, rss_warm))
            one, _, _ = run([*EVENTSET, "validate", "--root", str(root), str(annotation)], env)
            validations.append(one)
        warm, rss_warm = sorted(rebuilds)[REPEATS // 2]
        one = sorted(validations)[REPEATS // 2]
        rows.add(
            (
                f"rebuild after one edit, {size:,} docs (median of {REPEATS})",
                f"{warm:.2f} s ({', '.join(f'{w:.2f}' for w, _ in rebuilds)})",
                f"{rss_warm:,.0f} MB",
                _verdict(warm < 2, "< 2 s"),
            )
        )
        rows.add(
            (
                f"validate one changed file, cache warm, {size:,} docs (median of {REPEATS})",
                f"{one:.2f} s ({', '.join(f'{v:.2f}' for v in validations)})",
                "",
                _verdict(one < 1, "< 1 s"),
            )
        )
    finally:
        annotation.write_text(original, encoding="utf-8")
    registry_edit = bench_registry_edit(root, build, env, rows, size)

    clone = work / f"clone-{size}"  # a fresh clone, as a CI runner checks out a pull request
    shutil.rmtree(clone, ignore_errors=True)
    _git("clone", "-q", str(root), str(clone))
    try:
        _edit(clone / "data" / "annotations" / annotation.name)
        empty = work / f"cache-empty-{size}"
        shutil.rmtree(empty, ignore_errors=True)
        changed, rss_changed, _ = run(
            [*EVENTSET, "validate", "--root", str(clone), "--changed", "--base", "HEAD"],
            {"EVENTSET_CACHE_DIR": str(empty), **GIT_ENV},
        )
    finally:
        shutil.rmtree(clone, ignore_errors=True)
    rows.add(
        (
            f"validate --changed, fresh clone, no cache, {size:,} docs",
            f"{changed:.2f} s",
            f"{rss_changed:,.0f} MB; {changed / cold:.2f}x the cold build",
            _verdict(changed < 15 and changed <= 0.25 * cold, "< 15 s, <= 0.25x cold build"),
        )
    )
    return {
        "cold": cold,
        "warm": warm,
        "one": one,
        "changed": changed,
        "registry": registry_edit,
    }


def bench_registry_edit(
    root: Path, build: list[str], env: dict[str, str], rows: Rows, size: int
) -> float:
    """A rebuild after one place's entry is edited (its name: the events there change), the
    median of three different edits; the registry is restored after."""
    places = root / "data" / "places.yaml"
    original = places.read_text(encoding="utf-8")
    run(build, env)  # the release is the base: the last edit's rebuild left it current
    try:
        timings = []
        for n in range(REPEATS):
            target = f"synthetic-place-{n * 7}"
            edited = original.replace(
                f'  - id: {target}\n    name: "', f'  - id: {target}\n    name: "Edited {n} ', 1
            )
            assert edited != original, target
            places.write_text(edited, encoding="utf-8")
            timings.append(run(build, env)[:2])
        wall, rss = sorted(timings)[REPEATS // 2]
    finally:
        places.write_text(original, encoding="utf-8")
    rows.add(
        (
            f"rebuild after one place's registry edit, {size:,} docs (median of {REPEATS})",
            f"{wall:.2f} s ({', '.join(f'{w:.2f}' for w, _ in timings)})",
            f"{rss:,.0f} MB",
            _verdict(wall < 3, "< 3 s"),
        )
    )
    return wall


def bench_help(rows: Rows) -> None:
    """`eventset --help` through the installed console script: the best of five (start-up is
    what is measured, not the machine's other load)."""
    script = Path(sys.executable).parent / "eventset"
    times = sorted(run([str(script), "--help"])[0] for _ in range(5))
    rows.add(
        (
            "`eventset --help` (best of 5)",
            f"{times[0]:.2f} s",
            f"median {times[2]:.2f} s",
            _verdict(times[0] < 0.25, "< 0.25 s"),
        )
    )


def bench_pandera(work: Path, rows: Rows) -> None:
    """Pandera on the largest table vs the same rules as hand-written polars expressions."""
    _, _, out = run([sys.executable, str(HERE / "pandera_vs_polars.py"), "--rows", "1000000"])
    result = json.loads(out)
    rows.add(
        (
            "Pandera vs polars, mentions 1M rows",
            f"{result['pandera_s']:.2f} s vs {result['polars_s']:.2f} s",
            f"ratio {result['ratio']:.2f}x",
            "",
        )
    )


def bench_load(work: Path, rows: Rows) -> None:
    _, _, out = run(
        [sys.executable, str(HERE / "load_release.py"), "--rows", "1000000", "--work", str(work)]
    )
    result = json.loads(out)
    rows.add(("load cached release, 1M mention rows", f"{result['load_s']:.2f} s", "", ""))


def bench_frictionless(size: int, work: Path, rows: Rows) -> None:
    """Our `eventset check` vs `frictionless validate` on the same release (with datapackage.json)."""
    out = work / f"release-out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    root = corpus_folder(work, size)
    run(
        [*EVENTSET, "release", "0.0.1", "--root", str(root), "--out", str(out)],
        {"EVENTSET_CACHE_DIR": str(work / "cache-release")},
    )
    release = out / "eventset-0.0.1"
    ours, _, _ = run([*EVENTSET, "check", str(release)])
    _, _, output = run([sys.executable, str(HERE / "frictionless_check.py"), str(release)])
    result = json.loads(output)
    if result.get("seconds") is None:
        rows.add(
            (
                f"check vs frictionless, {size:,} docs",
                f"ours {ours:.2f} s",
                result.get("note", "n/a"),
                "",
            )
        )
        return
    rows.add(
        (
            f"check vs frictionless validate, {size:,} docs",
            f"ours {ours:.2f} s vs {result['seconds']:.2f} s (valid: {result['valid']})",
            f"ratio {ours / result['seconds']:.2f}x",
            "",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    parser.add_argument(
        "--cold-sizes",
        type=int,
        nargs="*",
        default=[],
        help="Further sizes measured by a cold build alone (no floor, no warm cases), e.g. 1000000.",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Floors and cold builds per size, interleaved; the ratio is of their minima.",
    )
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "eventset-bench")
    parser.add_argument("--extras", action="store_true", help="Pandera, loader, frictionless rows.")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = Rows()
    timings = {
        size: bench_corpus(size, args.jobs, args.work, rows, args.rounds) for size in args.sizes
    }
    bench_help(rows)
    for size in args.cold_sizes:
        root = synthetic_corpus(args.work, size, rows, git=False)
        read_corpus(root, size, rows)
        timings[size] = {"cold": bench_cold(root, size, args.jobs, args.work, rows, 0)[0]}
        # Its cache and release are gigabytes at this size.
        shutil.rmtree(args.work / f"cache-{size}", ignore_errors=True)
        shutil.rmtree(root / "dist", ignore_errors=True)
    rows.floor = ""  # the growth rows compare cold builds, not a floor
    sizes = sorted(timings)
    for small, large in itertools.pairwise(sizes):
        ratio = timings[large]["cold"] / timings[small]["cold"]
        factor = large / small
        rows.add(
            (
                f"growth {small:,} -> {large:,} docs (cold build)",
                f"{ratio:.1f}x time for {factor:.0f}x docs",
                "",
                _verdict(ratio <= factor, "linear or better"),
            )
        )
    if args.extras and args.sizes:
        bench_pandera(args.work, rows)
        bench_load(args.work, rows)
        bench_frictionless(args.sizes[0], args.work, rows)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; ", end="")
    print(f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(
        "| case | time | memory / ratio | target | floor (this run) | load | commit |\n"
        "| --- | --- | --- | --- | --- | --- | --- |"
    )
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
