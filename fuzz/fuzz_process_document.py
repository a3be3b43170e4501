"""atheris (libFuzzer) target for the YAML -> models -> semantic checks path.

Outside the test suite and the lockfile: install atheris yourself, then run from the repo root

    PYTHONPATH=<dir with atheris> .venv/bin/python fuzz/fuzz_process_document.py \
        -max_total_time=300 -rss_limit_mb=1024 -timeout=20 [corpus_dir]

libFuzzer bounds time (-timeout) and memory (-rss_limit_mb) per input. The seed annotation is
the starting point; any exception or a problem without a catalogued code and a location is a
crash.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from eventset.problems import CODES
    from eventset.validation.document import process_document

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "000_e3ff97cd28be607c"
FILE = f"data/annotations/{SEED_ID}.yaml"
SEED = (ROOT / "seeds" / f"{SEED_ID}.txt").read_bytes()


def test_one_input(raw: bytes) -> None:
    result = process_document(FILE, raw, SEED)
    for p in result.problems:
        if p.code not in CODES or p.line < 1 or p.column < 1:
            raise AssertionError(f"unlocated or uncatalogued problem: {p}")


def main() -> None:
    corpus = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    if not corpus:
        corpus = [tempfile.mkdtemp(prefix="eventset-fuzz-")]
        sys.argv.append(corpus[0])
    start = Path(corpus[0])
    start.mkdir(parents=True, exist_ok=True)
    if not any(start.iterdir()):  # begin at the gold annotation so mutations stay near valid input
        (start / "gold.yaml").write_bytes((ROOT / FILE).read_bytes())
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
