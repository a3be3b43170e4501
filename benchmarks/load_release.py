"""Time `eventset.load` of a cached release whose mentions table has 1M rows (SYNTHETIC).

    python benchmarks/load_release.py --rows 1000000 --work DIR     (prints JSON)

The release is made once from the seed build by repeating its mentions (with fresh ids) and is
then loaded the way a user loads a downloaded release: checksums verified, frames returned.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from eventset.release.load import load
from eventset.release.manifest import MANIFEST, sha256_file, table_files
from eventset.release.write import write_parquet

REPO = Path(__file__).resolve().parent.parent


def make_release(rows: int, work: Path) -> Path:
    target = work / f"release-{rows}"
    if (target / MANIFEST).exists():
        return target
    source = work / "seed-build"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(REPO / "seeds", source / "seeds")
    shutil.copytree(REPO / "data", source / "data")
    subprocess.run(
        [sys.executable, "-m", "eventset", "build", "--root", str(source)],
        check=True,
        capture_output=True,
    )
    built = source / "dist" / "eventset-dev"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(built, target)
    # The seed's mentions are one file (its document's year); the big table replaces it.
    listed = [entry["path"] for entry in json.loads((built / MANIFEST).read_text())["files"]]
    (part,) = table_files(listed)["mentions"]
    mentions = pl.read_parquet(built / part)
    copies = rows // mentions.height + 1
    big = (
        pl.concat([mentions] * copies)
        .head(rows)
        .with_row_index("i")
        .with_columns(
            pl.format("m{}", pl.col("i").cast(pl.String).str.zfill(16)).alias("mention_id")
        )
        .drop("i")
    )
    write_parquet(big, target / part, "mentions", "bench")
    manifest = json.loads((target / MANIFEST).read_text())
    for entry in manifest["files"]:
        path = target / entry["path"]
        entry["sha256"], entry["bytes"] = sha256_file(path), path.stat().st_size
        if entry["path"] == part:
            entry["rows"] = big.height
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    release = make_release(args.rows, args.work)
    load(path=release)  # warm the page cache, as a cached download would be
    times = []
    for _ in range(3):
        start = time.perf_counter()
        tables = load(path=release)
        times.append(time.perf_counter() - start)
    assert tables["mentions"].height == args.rows
    print(json.dumps({"rows": args.rows, "load_s": min(times)}))


if __name__ == "__main__":
    main()
