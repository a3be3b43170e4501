"""Mutation testing of the data path: `./dev mutate [MODULE ...]`.

1. One coverage run of the test suite records, for every line, which tests ran it (contexts
   named by tools/mutate_contexts.py) and how long each test took.
2. Each mutant of a module (tools/mutants.py) runs against only the tests covering its lines, in
   a fresh pytest process that imports the mutated text in place of the module
   (tools/mutate_site/sitecustomize.py), with `-x` and a fixed Hypothesis seed.
3. A mutant is killed when a test fails, survives when they all pass, and times out when its run
   exceeds 3x the baseline time of its tests plus 10 s: a timeout is never counted as killed,
   nor is a run that errs (e.g. a test id that no longer exists: rerun the coverage after
   editing tests, do not reuse it).

Mutants listed in tools/equivalent-mutants.txt (reviewed: one reason each) are left out of the
score. The score is killed / every other mutant.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.mutants import Mutant, mutants

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "dist" / "mutate"
EQUIVALENT = REPO / "tools" / "equivalent-mutants.txt"
# The modules the data passes through, from annotation to release tables (docs/architecture.md).
DATA_PATH = (
    "eventset/validation/quotes.py",
    "eventset/validation/document_checks.py",
    "eventset/validation/registry_checks.py",
    "eventset/validation/corpus_checks.py",
    "eventset/tables/compile.py",
    "eventset/tables/assemble.py",
    "eventset/schema/integrity.py",
    "eventset/release/retirements.py",
)
_RUNNING: set[int] = set()  # process groups of the mutant runs in flight
# The tests of those modules, their properties and the tampered-release checks: the coverage run
# takes about a minute, against about four for the whole suite (`--tests tests`), whose extra
# tests (CLI, workflow, release metadata) are slow and add few kills on the data path.
DATA_PATH_TESTS = (
    "tests/tables",
    "tests/schema",
    "tests/validation",
    "tests/property",
    "tests/release/test_tampered.py",
    "tests/release/test_retirements.py",
)
TIMEOUT_FACTOR = 3.0
TIMEOUT_MARGIN = 10.0  # seconds, for process start-up jitter on a busy machine
HYPOTHESIS_SEED = "0"


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed | survived | timed out | no tests | error | equivalent
    seconds: float = 0.0
    tests: int = 0
    detail: str = ""
    killer: str = ""  # the (fastest) test that failed


@dataclass
class Coverage:
    lines: dict[str, dict[int, set[str]]]  # file -> line -> tests
    seconds: dict[str, float]  # test -> baseline seconds (setup + call + teardown)
    fixtures: dict[str, float]  # fixture -> seconds of its setups
    uses: dict[str, list[str]]  # test -> fixtures
    startup: float
    without: tuple[str, ...] = ()  # test id prefixes left out (e.g. to score an older suite)


def resolve(names: Iterable[str]) -> list[str]:
    """Module arguments as repository paths: a path, a dotted name or a data-path module's stem."""
    out = []
    for name in names:
        candidates = [name, name.replace(".", "/") + ".py"]
        candidates += [p for p in DATA_PATH if Path(p).stem == name]
        found = next((c for c in candidates if (REPO / c).is_file() and c.endswith(".py")), None)
        if found is None:
            raise SystemExit(
                f"mutate: no module {name!r} (a path, a dotted name or one of "
                f"{', '.join(Path(p).stem for p in DATA_PATH)})"
            )
        out.append(str(Path(found)))
    return out


def _python_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [*extra.pop("PREPEND", "").split(os.pathsep), str(REPO), env.get("PYTHONPATH", "")]
    ).strip(os.pathsep)
    env.update(extra)
    return env


def run_coverage(tests: list[str]) -> None:
    """The suite under coverage with per-test contexts; fails loudly if the suite fails."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / "coverage.db"
    data.unlink(missing_ok=True)
    env = _python_env(EVENTSET_MUTATE_TESTS_JSON=str(OUT / "tests.json"))
    command = [
        sys.executable, "-m", "coverage", "run", f"--data-file={data}", "--source=eventset",
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tools.mutate_contexts",
        f"--hypothesis-seed={HYPOTHESIS_SEED}", *tests,
    ]  # fmt: skip
    print(f"mutate: coverage run of {' '.join(tests)} ...", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit("mutate: the test suite fails without mutants; fix that first.")
    print(f"mutate: coverage run took {time.perf_counter() - started:.0f} s", flush=True)


def load_coverage(files: list[str]) -> Coverage:
    import coverage

    recorded = json.loads((OUT / "tests.json").read_text("utf-8"))
    tests: dict[str, dict[str, Any]] = recorded["tests"]
    users: dict[str, set[str]] = {}
    for test, facts in tests.items():
        for fixture in facts["fixtures"]:
            users.setdefault(fixture, set()).add(test)
    data = coverage.CoverageData(basename=str(OUT / "coverage.db"))
    data.read()
    lines: dict[str, dict[int, set[str]]] = {}
    for file in files:
        by_line = data.contexts_by_lineno(str(REPO / file))
        mapped: dict[int, set[str]] = {}
        import_time: set[int] = set()
        for line, contexts in by_line.items():
            chosen: set[str] = set()
            for context in contexts:
                if context.startswith("fixture:"):
                    chosen |= users.get(context.removeprefix("fixture:"), set())
                elif context in tests:
                    chosen.add(context)
                else:
                    import_time.add(line)
            mapped[line] = chosen
        # Lines run only at import (module constants) serve every test of the module.
        everyone = set().union(*mapped.values()) if mapped else set()
        for line in import_time:
            mapped[line] = mapped[line] | everyone
        lines[file] = mapped
    return Coverage(
        lines,
        {test: facts["seconds"] for test, facts in tests.items()},
        recorded["fixtures"],
        {test: facts["fixtures"] for test, facts in tests.items()},
        _startup_seconds(),
    )


def _startup_seconds() -> float:
    """What a pytest process costs before its first test: collecting the whole suite."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--co", "-p", "no:cacheprovider", "tests"],
        cwd=REPO, env=_python_env(), capture_output=True, check=False,
    )  # fmt: skip
    return time.perf_counter() - started


def read_equivalent(path: Path) -> dict[str, str]:
    """`<file>:<line>:<column> <mutation> -- <reason>` per line; # starts a comment line."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, reason = line.partition(" -- ")
        if not sep or not reason.strip():
            raise SystemExit(f"{path.name}:{number}: an equivalent mutant needs ' -- <reason>'.")
        out[key.strip()] = reason.strip()
    return out


def _covering(mutant: Mutant, cov: Coverage) -> set[str]:
    by_line = cov.lines.get(mutant.path, {})
    tests: set[str] = set()
    for line in range(mutant.line, mutant.end_line + 1):
        tests |= by_line.get(line, set())
    return {t for t in tests if not t.startswith(cov.without)}


def _timeout(tests: set[str], cov: Coverage) -> float:
    fixtures = {f for t in tests for f in cov.uses.get(t, [])}
    baseline = cov.startup + sum(cov.seconds.get(t, 0.0) for t in tests)
    baseline += sum(cov.fixtures.get(f, 0.0) for f in fixtures)
    return TIMEOUT_FACTOR * baseline + TIMEOUT_MARGIN


def run_mutant(mutant: Mutant, cov: Coverage, module: str) -> Outcome:
    tests = _covering(mutant, cov)
    if not tests:
        return Outcome(mutant, "no tests")
    limit = _timeout(tests, cov)
    with tempfile.TemporaryDirectory(prefix="eventset-mutant-") as tmp:
        source = Path(tmp) / "mutant.py"
        source.write_text(mutant.source, encoding="utf-8")
        env = _python_env(
            PREPEND=str(REPO / "tools" / "mutate_site"),
            EVENTSET_MUTANT_MODULE=module,
            EVENTSET_MUTANT_SOURCE=str(source),
            HYPOTHESIS_STORAGE_DIRECTORY=str(Path(tmp) / "hypothesis"),
            EVENTSET_HYPOTHESIS_PROFILE="mutate",
        )
        command = [
            sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
            f"--hypothesis-seed={HYPOTHESIS_SEED}",
            # Fastest first: with -x, a mutant a unit test kills costs only that test.
            *sorted(tests, key=lambda t: (cov.seconds.get(t, 0.0), t)),
        ]  # fmt: skip
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        _RUNNING.add(process.pid)
        try:
            output, _ = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return Outcome(mutant, "timed out", time.perf_counter() - started, len(tests))
        finally:
            _RUNNING.discard(process.pid)
        seconds = time.perf_counter() - started
    lines = output.decode(errors="replace").strip().splitlines() if output else []
    status = {0: "survived", 1: "killed", 2: "killed"}.get(process.returncode, "error")
    if status == "error" and any("while loading conftest" in line for line in lines):
        status = "killed"  # the mutant breaks importing the package: every test would fail
    killer = next((line.split()[1] for line in lines if line.startswith(("FAILED ", "ERROR "))), "")
    return Outcome(mutant, status, seconds, len(tests), " ".join(lines[-1:]), killer)


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def mutate_module(
    path: str,
    cov: Coverage,
    equivalent: dict[str, str],
    workers: int,
    killed_before: dict[str, dict[str, Any]],
) -> list[Outcome]:
    text = (REPO / path).read_text(encoding="utf-8")
    todo = list(mutants(path, text))
    outcomes = [
        Outcome(m, "equivalent", detail=equivalent[m.key]) for m in todo if m.key in equivalent
    ]
    pending = [m for m in todo if m.key not in equivalent]
    # Killed in an earlier run by a test still in play: tests were only added since, so it stays
    # killed, and only the others run again.
    for m in pending:
        if m.key in killed_before:
            old = killed_before[m.key]
            outcomes.append(
                Outcome(m, "killed", old["seconds"], old["tests"], old["detail"], old["killer"])
            )
    pending = [m for m in pending if m.key not in killed_before]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes += pool.map(lambda m: run_mutant(m, cov, module_name(path)), pending)
    return sorted(outcomes, key=lambda o: (o.mutant.line, o.mutant.column, o.mutant.description))


def score(outcomes: list[Outcome]) -> tuple[Counter[str], float]:
    counts = Counter(o.status for o in outcomes)
    # Only a failing test kills: a mutant no test runs, or whose run errs, counts against.
    scored = sum(n for status, n in counts.items() if status != "equivalent")
    return counts, (counts["killed"] / scored if scored else 1.0)


def report(path: str, outcomes: list[Outcome], seconds: float) -> None:
    counts, rate = score(outcomes)
    print(
        f"{path}: {rate:.0%} killed ({counts['killed']} killed, {counts['survived']} survived, "
        f"{counts['timed out']} timed out, {counts['no tests']} not covered, "
        f"{counts['error']} errors, {counts['equivalent']} equivalent) in {seconds:.0f} s",
        flush=True,
    )
    lines = (REPO / path).read_text(encoding="utf-8").splitlines()
    for o in outcomes:
        if o.status in ("survived", "timed out", "no tests", "error"):
            code = lines[o.mutant.line - 1].strip()
            extra = f" [{o.detail}]" if o.status == "error" else ""
            print(f"  {o.status:9} {o.mutant.key}  |  {code}{extra}")


def _stop(signum: int, frame: object) -> None:
    """Interrupted: end the mutant runs in flight (each is its own process group), then exit."""
    for group in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    parser = argparse.ArgumentParser(prog="./dev mutate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules", nargs="*", help="paths, dotted names or stems (default: the data path)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--tests",
        nargs="+",
        default=list(DATA_PATH_TESTS),
        help="test paths of the coverage run (default: the data path's; `tests` for all)",
    )
    parser.add_argument(
        "--reuse-coverage", action="store_true", help="reuse dist/mutate/ from the last run"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument(
        "--without", nargs="+", default=[], metavar="TESTS",
        help="leave tests under these paths out (e.g. to score the suite before new tests)",
    )  # fmt: skip
    parser.add_argument("--equivalent", type=Path, default=EQUIVALENT)
    parser.add_argument(
        "--rerun-from", type=Path, metavar="REPORT",
        help="keep the mutants this report.json has killed (by a test not left out with "
        "--without) and run only the others: after adding tests, or to score an older suite",
    )  # fmt: skip
    args = parser.parse_args(argv)
    files = resolve(args.modules) if args.modules else list(DATA_PATH)
    equivalent = read_equivalent(args.equivalent)
    if args.list:
        for file in files:
            for m in mutants(file, (REPO / file).read_text(encoding="utf-8")):
                print(m.key + ("  (equivalent)" if m.key in equivalent else ""))
        return 0
    started = time.perf_counter()
    if not (args.reuse_coverage and (OUT / "tests.json").exists()):
        run_coverage(args.tests)
    cov = load_coverage(files)
    cov.without = tuple(args.without)
    killed_before: dict[str, dict[str, Any]] = {}
    if args.rerun_from is not None:
        previous = json.loads(args.rerun_from.read_text("utf-8"))
        for module in previous.values():
            for entry in module["mutants"]:
                killer = entry.get("killer", "")
                left_out = cov.without and (not killer or killer.startswith(cov.without))
                if entry["status"] == "killed" and not left_out:
                    killed_before[entry["key"]] = entry
    known: set[str] = set()
    results: dict[str, Any] = {}
    total: list[Outcome] = []
    for file in files:
        module_started = time.perf_counter()
        outcomes = mutate_module(file, cov, equivalent, args.workers, killed_before)
        known |= {o.mutant.key for o in outcomes}
        seconds = time.perf_counter() - module_started
        report(file, outcomes, seconds)
        total += outcomes
        counts, rate = score(outcomes)
        results[file] = {
            "score": rate, "seconds": seconds, **counts,
            "mutants": [
                {"key": o.mutant.key, "status": o.status, "seconds": round(o.seconds, 1),
                 "tests": o.tests, "detail": o.detail, "killer": o.killer}
                for o in outcomes
            ],
        }  # fmt: skip
    stale = [key for key in equivalent if key.split(":")[0] in files and key not in known]
    for key in stale:
        print(f"  stale equivalent-mutant entry (no such mutant any more): {key}")
    counts, rate = score(total)
    elapsed = time.perf_counter() - started
    print(f"total: {rate:.0%} killed of {sum(counts.values()) - counts['equivalent']} "
          f"non-equivalent mutants in {elapsed:.0f} s")  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    name = "report-without.json" if args.without else "report.json"
    if args.rerun_from is not None and args.rerun_from.resolve() == (OUT / name).resolve():
        name = name.replace(".json", "-rerun.json")
    (OUT / name).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
