"""Time `eventset site` on a SYNTHETIC release (DESIGN 9: 10,000 documents under 30 s on 2 cores,
no page over 2 MB).

    python benchmarks/site.py --docs 10000 --work DIR [--jobs 2]     (prints JSON)

The corpus and its release are made once in DIR (`eventset synth`, then `eventset build`); the
site is written into a fresh folder each time. Besides the wall time the run reports the CPU
seconds of the command and its workers and the load average around it: on a shared machine
the wall time says more about the neighbours than about the site, and CPU seconds / cores is
what the build would take on idle cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def release_of(docs: int, work: Path) -> Path:
    corpus = work / f"synthetic-{docs}"
    release = corpus / "dist" / "eventset-dev"
    if (release / "manifest.json").is_file():
        return release
    shutil.rmtree(corpus, ignore_errors=True)
    eventset = [sys.executable, "-m", "eventset"]
    subprocess.run([*eventset, "synth", "--docs", str(docs), "--out", str(corpus)], check=True)
    subprocess.run(
        [*eventset, "build", "--root", str(corpus), "--out", str(corpus / "dist"), "-j", "2"],
        check=True,
        capture_output=True,
    )
    return release


def largest_file(root: Path) -> tuple[str, int]:
    sizes = ((p, p.stat().st_size) for p in root.rglob("*") if p.is_file())
    path, size = max(sizes, key=lambda item: item[1])
    return str(path.relative_to(root)), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    release = release_of(args.docs, args.work)
    out = args.work / f"site-{args.docs}"
    shutil.rmtree(out, ignore_errors=True)
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "eventset", "site", str(release)),
            *("--out", str(out), "--jobs", str(args.jobs)),
        ],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    page, size = largest_file(out)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "docs": args.docs,
                "jobs": args.jobs,
                "files": files,
                "site_bytes": sum(p.stat().st_size for p in out.rglob("*") if p.is_file()),
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "cpu_s_per_job": round(cpu / args.jobs, 2),
                "largest_file": page,
                "largest_bytes": size,
                "load_average_before": round(load_before, 2),
                "load_average_after": round(os.getloadavg()[0], 2),
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
