"""The parsing floor of the issue-12 targets: every annotation loaded with PyYAML's CSafeLoader
(libyaml) in one process, nothing else. Prints JSON: {"seconds": ..., "files": ..., "bytes": ...}.

    python benchmarks/libyaml_floor.py CORPUS_ROOT
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml


def main() -> None:
    folder = Path(sys.argv[1]) / "data" / "annotations"
    start = time.perf_counter()
    files = size = 0
    for path in sorted(folder.iterdir()):
        raw = path.read_bytes()
        yaml.load(raw, Loader=yaml.CSafeLoader)
        files += 1
        size += len(raw)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "files": files, "bytes": size}))


if __name__ == "__main__":
    main()
