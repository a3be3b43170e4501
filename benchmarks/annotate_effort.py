"""Keys and clicks to annotate the seed's Kalsu Bridge bombing in `eventset annotate`, against the
characters of the same annotation typed as YAML (issue 28).

    ./dev python benchmarks/annotate_effort.py          (needs /usr/bin/chromium; prints JSON)

The browser replays the gestures of the end-to-end test (tests/annotator/kalsu.py: from an
empty annotation, the four name mentions, the event with its date, place, participants and
evidence, and the no-claim claim), counting every key and click. The YAML side is the same items
as the gold annotation writes them: every character but comments, counted twice, with the
indentation (a plain editor) and without it (an editor that indents). Free text (the two
summaries and two ids) is typed in both, so it is also reported apart: it is the floor neither
way of annotating can go under.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eventset.annotator.server import serve  # noqa: E402
from tests.annotator.kalsu import (  # noqa: E402
    CLAIM_ID,
    CLAIM_SUMMARY,
    EVENT_ID,
    EVENT_SUMMARY,
    MENTIONS,
    Counted,
    annotate_kalsu,
)

SEED_ID = "000_e3ff97cd28be607c"
GOLD = REPO / "data" / "annotations" / f"{SEED_ID}.yaml"


def _block(lines: list[str], first: str) -> list[str]:
    """The lines of the list item that starts with `first`, up to the next item at its indent."""
    start = next(i for i, line in enumerate(lines) if line.strip() == first)
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    return lines[start:end]


def gold_yaml() -> list[str]:
    """The gold's lines for the items annotated in the browser, comments and blank lines out."""
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    items = _block(lines, f"- id: {EVENT_ID}") + _block(lines, f"- id: {CLAIM_ID}")
    # The mentions, as a mention block of each entry with only the words annotated here.
    for kind, entry, words in MENTIONS:
        items += [f"  - {kind}: {entry}", "    mentions:", f'      - "{words}"']
    kept = [re.sub(r"\s+#.*$", "", line) for line in items if line.strip()]
    return [line for line in kept if not line.lstrip().startswith("#")]


def browser_effort() -> Counted:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "repo"
        shutil.copytree(REPO / "seeds", root / "seeds")
        shutil.copytree(REPO / "data", root / "data")
        (root / "data" / "annotations" / f"{SEED_ID}.yaml").unlink()
        server = serve(root, SEED_ID)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": 1300, "height": 1000})
                page.set_default_timeout(10_000)
                page.goto(server.url)
                counted = Counted(page)
                annotate_kalsu(counted)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return counted


def main() -> None:
    counted = browser_effort()
    lines = gold_yaml()
    with_indent = sum(len(line) + 1 for line in lines)
    without_indent = sum(len(line.lstrip()) + 1 for line in lines)
    free_text = len(EVENT_SUMMARY) + len(CLAIM_SUMMARY) + len(EVENT_ID) + len(CLAIM_ID)
    gestures = counted.keys + counted.clicks
    print(
        json.dumps(
            {
                "browser_keys": counted.keys,
                "browser_clicks": counted.clicks,
                "browser_gestures": gestures,
                "yaml_chars_with_indentation": with_indent,
                "yaml_chars_without_indentation": without_indent,
                "free_text_chars_typed_either_way": free_text,
                "ratio_browser_to_yaml_without_indentation": round(gestures / without_indent, 2),
                "ratio_beyond_free_text": round(
                    (gestures - free_text) / (without_indent - free_text), 2
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
