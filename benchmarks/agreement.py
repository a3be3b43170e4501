"""`eventset agree` on a SYNTHETIC corpus coded twice: 10,000 documents, two codings each.

    ./dev python benchmarks/agreement.py [--docs 10000] [--jobs 2] [--work DIR]

The corpus comes from `eventset synth --coders 2 --disagreement 0.1`, written under --work and
never mixed into the dataset. `eventset agree` runs as a subprocess, as a user runs it: first
with an empty document cache (every coding parsed and checked), then again with the cache warm.
Then the same run in-process, phase by phase. Prints Markdown tables of one run; nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

EVENTSET = str(Path(sys.executable).parent / "eventset")


def run_agree(root: Path, cache: Path, jobs: int) -> tuple[float, str]:
    env = {**os.environ, "EVENTSET_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    done = subprocess.run(
        [EVENTSET, "agree", "--root", str(root), "--format", "json", "--jobs", str(jobs)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"eventset agree failed:\n{done.stderr}")
    return elapsed, done.stdout


def phases(root: Path, jobs: int) -> list[tuple[str, float]]:
    from eventset.agreement.align import align, coding_units
    from eventset.agreement.score import score
    from eventset.inputs.layout import Layout
    from eventset.validation.codings import list_codings, process_codings

    layout = Layout(root)
    timings: list[tuple[str, float]] = []
    start = time.perf_counter()
    codings, _ = list_codings(layout)
    timings.append(("list codings", time.perf_counter() - start))
    start = time.perf_counter()
    results = process_codings(layout, codings, jobs=jobs, cache=True)
    tables = results.tables()
    timings.append(("read codings (cache warm)", time.perf_counter() - start))
    start = time.perf_counter()
    by_document = defaultdict(list)
    for coding in codings:
        by_document[coding.document_id].append(coding_units(coding.coder, tables[coding.file]))
    alignments = [align(doc, found) for doc, found in sorted(by_document.items())]
    timings.append(("units and alignment", time.perf_counter() - start))
    start = time.perf_counter()
    score(alignments)
    timings.append(("alpha per field, 1,000 bootstrap resamples", time.perf_counter() - start))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="eventset-agree-bench-"))
    root = work / f"synthetic-{args.docs}"
    if not (root / "data" / "codings").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(
            [EVENTSET, "synth", "--out", str(root), "--docs", str(args.docs), "--coders", "2",
             "--disagreement", "0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    cold, _ = run_agree(root, cache, args.jobs)
    warm, _ = run_agree(root, cache, args.jobs)
    os.environ["EVENTSET_CACHE_DIR"] = str(cache)
    timings = phases(root, args.jobs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"## `eventset agree`, {args.docs:,} documents coded twice ({2 * args.docs:,} codings)")
    print()
    print("| case | seconds |")
    print("| --- | ---: |")
    print(f"| `eventset agree`, empty cache | {cold:.1f} |")
    print(f"| `eventset agree`, cache warm | {warm:.1f} |")
    for name, seconds in timings:
        print(f"| in-process: {name} | {seconds:.2f} |")
    print()
    print(f"Peak memory of the in-process run: {peak:,.0f} MB.")


if __name__ == "__main__":
    main()
