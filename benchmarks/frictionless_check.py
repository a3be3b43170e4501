"""Time `frictionless validate` on a release's datapackage.json (prints JSON).

python benchmarks/frictionless_check.py RELEASE_DIR
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    release = Path(sys.argv[1])
    descriptor = release / "datapackage.json"
    if not descriptor.exists():
        print(
            json.dumps(
                {
                    "seconds": None,
                    "note": "no datapackage.json in this release (build with `eventset release`)",
                }
            )
        )
        return
    import frictionless

    start = time.perf_counter()
    report = frictionless.validate(str(descriptor))
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "valid": report.valid}))


if __name__ == "__main__":
    main()
