"""`eventset validate` and `validate --changed`: first run (empty document cache) vs re-run.

    python benchmarks/changed_validate.py [--docs 300] [--work DIR]

Measured on the repository's own inputs and on a SYNTHETIC corpus (`eventset synth`) written
under --work, never mixed into the dataset. Each command runs as a subprocess, as a contributor
runs it, and in-process (imports already done) to show the validation work alone; the cache
is a fresh directory per case. Prints Markdown tables of one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVENTSET = str(Path(sys.executable).parent / "eventset")
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def timed(args: list[str], cwd: Path, cache: Path) -> float:
    env = {**os.environ, **GIT_ENV, "EVENTSET_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{args} failed:\n{done.stderr}")
    return elapsed


def first_and_rerun(name: str, args: list[str], cwd: Path, work: Path) -> str:
    cache = work / f"cache-{abs(hash((name, tuple(args))))}"
    shutil.rmtree(cache, ignore_errors=True)
    first = timed(args, cwd, cache)
    rerun = timed(args, cwd, cache)
    shown = " ".join(["eventset", *args[1:]])
    return f"| {name} | `{shown}` | {first:.2f} | {rerun:.2f} | {first / rerun:.1f}x |"


def in_process(name: str, root: Path, changed: bool, work: Path) -> str:
    """First run and re-run of the validation itself, without interpreter start and imports."""
    from eventset.validation.changed import validate_changed
    from eventset.validation.repository import validate_repository

    cache = work / f"cache-inproc-{abs(hash((name, changed)))}"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["EVENTSET_CACHE_DIR"] = str(cache)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        if changed:
            validate_changed(root)
        else:
            validate_repository(root, None, cache=True)
        times.append(time.perf_counter() - start)
    what = "validate_changed" if changed else "validate_repository(cache=True)"
    first, rerun = times
    return f"| {name} | `{what}` | {first:.3f} | {rerun:.3f} | {first / rerun:.1f}x |"


def git(root: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--work", type=Path, default=None)
    options = parser.parse_args()
    work = options.work or Path(tempfile.mkdtemp(prefix="eventset-bench-changed-"))
    work.mkdir(parents=True, exist_ok=True)

    corpus = work / "synthetic"
    shutil.rmtree(corpus, ignore_errors=True)
    subprocess.run(
        [EVENTSET, "synth", "--out", str(corpus), "--docs", str(options.docs), "--seed", "1"],
        check=True,
        capture_output=True,
    )
    git(corpus, "init", "-q", "-b", "main")
    git(corpus, "add", "-A")
    git(corpus, "commit", "-q", "-m", "synthetic corpus")
    edited = sorted((corpus / "data" / "annotations").glob("*.yaml"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")

    synthetic = f"synthetic, {options.docs} docs, 1 edited"
    rows = [
        first_and_rerun("repository (1 doc)", [EVENTSET, "validate"], REPO, work),
        first_and_rerun("repository (1 doc)", [EVENTSET, "validate", "--changed"], REPO, work),
        first_and_rerun(synthetic, [EVENTSET, "validate"], corpus, work),
        first_and_rerun(synthetic, [EVENTSET, "validate", "--changed"], corpus, work),
    ]
    header = "| corpus | {} | first run (s) | re-run (s) | first / re-run |\n| --- | --- | --- | --- | --- |"
    print("Subprocess (what a contributor waits for, interpreter start and imports included):\n")
    print(header.format("command"))
    print("\n".join(rows))
    import eventset.validation.changed  # noqa: F401  (imports outside the timings)

    inner = [
        in_process("repository (1 doc)", REPO, False, work),
        in_process("repository (1 doc)", REPO, True, work),
        in_process(synthetic, corpus, False, work),
        in_process(synthetic, corpus, True, work),
    ]
    print("\nIn-process (the validation work alone):\n")
    print(header.format("call"))
    print("\n".join(inner))
    if options.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
