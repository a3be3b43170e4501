"""How much of the seed's gold annotation `eventset new` proposes, with the gold set aside.

    ./dev python benchmarks/proposal_seed.py

Prints mention recall and precision (a name proposed under two registry entries counts once per
entry), the gold claims a cue word in their sentence names and how many are proposed with the
gold's kind and claimant, and every claim and event candidate proposed. The thresholds are
asserted in tests/workbench/test_proposal.py, which this script reuses; nothing here is timed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.workbench.test_proposal import _proposal, claim_figures, seed_figures


def main() -> None:
    recall, precision, proposed, gold = seed_figures()
    print(f"mentions: recall {recall:.2f} of {gold} gold, precision {precision:.2f} of {proposed}")
    named, found, claims = claim_figures()
    print(f"claims: {found} of {named} cue-named gold claims proposed; {claims} proposed in all")
    seed, (_, _, events, proposals) = _proposal()
    for claim in proposals:
        quote = seed.text[claim.start : claim.end]
        print(f"  claim {claim.kind:<15} {claim.claimant:<25} {quote[:70]!r}")
    for event in events:
        mode = f"/{event.mode}" if event.mode else ""
        print(f"  event {event.type + mode:<20} triggers {', '.join(event.triggers[:4])}")


if __name__ == "__main__":
    main()
