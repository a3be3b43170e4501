"""Benchmarks of the targets in DESIGN section 9, measured in one run on this machine.

    python benchmarks/run.py [--sizes 1000 10000 100000] [--jobs 2] [--work DIR]

Every corpus is SYNTHETIC (`eventset synth`), written under --work and never mixed into the
dataset. Commands run as subprocesses, each with a fresh document cache unless the case is
about the cache. Peak RSS is the largest process of the command (`ru_maxrss` from wait4).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVENTSET = [sys.executable, "-m", "eventset"]


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one subprocess; wait4 gives that child's own rusage
    (its largest process, pool workers included once they are waited for)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(
            args, stdout=out, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
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
    return wall, usage.ru_maxrss / 1024, stdout


def bench_corpus(
    size: int, jobs: int, work: Path, rows: list[tuple[str, str, str]]
) -> dict[str, float]:
    root = work / f"corpus-{size}"
    if not root.exists():
        start = time.perf_counter()
        subprocess.run(
            [*EVENTSET, "synth", "--out", str(root), "--docs", str(size), "--seed", "1"], check=True
        )
        rows.append((f"synth {size:,} docs", f"{time.perf_counter() - start:.1f} s", ""))
    cache = work / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(root / "dist", ignore_errors=True)
    env = {"EVENTSET_CACHE_DIR": str(cache)}
    wall, rss, _ = run([*EVENTSET, "build", "--root", str(root), "--jobs", str(jobs)], env)
    rows.append(
        (
            f"cold build {size:,} docs (jobs {jobs})",
            f"{wall:.1f} s, {size / wall:,.0f} docs/s",
            f"{rss:,.0f} MB",
        )
    )
    annotation = sorted((root / "data" / "annotations").iterdir())[size // 2]
    original = annotation.read_text(encoding="utf-8")
    annotation.write_text(original.replace("format: 1", "format: 1\n# edited", 1), encoding="utf-8")
    try:
        warm, rss_warm, _ = run([*EVENTSET, "build", "--root", str(root), "--jobs", str(jobs)], env)
        rows.append(
            (f"rebuild after one edit, {size:,} docs", f"{warm:.2f} s", f"{rss_warm:,.0f} MB")
        )
        one, _, _ = run([*EVENTSET, "validate", "--root", str(root), str(annotation)], env)
        rows.append((f"validate one changed file, {size:,} docs", f"{one:.2f} s", ""))
    finally:
        annotation.write_text(original, encoding="utf-8")
    return {"cold": wall, "warm": warm, "one": one}


def bench_pandera(work: Path, rows: list[tuple[str, str, str]]) -> None:
    """Pandera on the largest table vs the same rules as hand-written polars expressions."""
    _, _, out = run([sys.executable, str(HERE / "pandera_vs_polars.py"), "--rows", "1000000"])
    result = json.loads(out)
    rows.append(
        (
            "Pandera vs polars, mentions 1M rows",
            f"{result['pandera_s']:.2f} s vs {result['polars_s']:.2f} s",
            f"ratio {result['ratio']:.2f}x",
        )
    )


def bench_load(work: Path, rows: list[tuple[str, str, str]]) -> None:
    _, _, out = run(
        [sys.executable, str(HERE / "load_release.py"), "--rows", "1000000", "--work", str(work)]
    )
    result = json.loads(out)
    rows.append(("load cached release, 1M mention rows", f"{result['load_s']:.2f} s", ""))


def bench_frictionless(size: int, work: Path, rows: list[tuple[str, str, str]]) -> None:
    """Our `eventset check` vs `frictionless validate` on the same release (with datapackage.json)."""
    out = work / f"release-out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    root = work / f"corpus-{size}"
    run(
        [*EVENTSET, "release", "0.0.1", "--root", str(root), "--out", str(out)],
        {"EVENTSET_CACHE_DIR": str(work / "cache-release")},
    )
    release = out / "eventset-0.0.1"
    ours, _, _ = run([*EVENTSET, "check", str(release)])
    _, _, output = run([sys.executable, str(HERE / "frictionless_check.py"), str(release)])
    result = json.loads(output)
    if result.get("seconds") is None:
        rows.append(
            (
                f"check vs frictionless, {size:,} docs",
                f"ours {ours:.2f} s",
                result.get("note", "n/a"),
            )
        )
        return
    rows.append(
        (
            f"check vs frictionless validate, {size:,} docs",
            f"ours {ours:.2f} s vs {result['seconds']:.2f} s (valid: {result['valid']})",
            f"ratio {ours / result['seconds']:.2f}x",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "eventset-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    timings = {size: bench_corpus(size, args.jobs, args.work, rows) for size in args.sizes}
    if len(args.sizes) >= 2:
        small, large = args.sizes[-2], args.sizes[-1]
        ratio = timings[large]["cold"] / timings[small]["cold"]
        rows.append(
            (
                f"growth {small:,} -> {large:,} docs",
                f"{ratio:.1f}x time for {large / small:.0f}x docs",
                "",
            )
        )
    bench_pandera(args.work, rows)
    bench_load(args.work, rows)
    bench_frictionless(args.sizes[0], args.work, rows)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print("| case | time | memory / ratio |\n| --- | --- | --- |")
    for case, value, extra in rows:
        print(f"| {case} | {value} | {extra} |")


if __name__ == "__main__":
    main()
