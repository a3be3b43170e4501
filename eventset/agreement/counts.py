"""How many independent codings each document has: the documents table's `coding_count`.

Kept apart from the scoring (which needs numpy, scipy and the krippendorff package) so that
the build after an edit (rebuild.py) can count codings without importing any of that.
"""

from __future__ import annotations

from collections import Counter

from eventset.inputs.layout import Layout
from eventset.validation.codings import list_codings


def coding_counts(layout: Layout) -> dict[str, int]:
    """Codings per document (files at data/codings/<coder>/<document_id>.yaml). Lists files
    only; nothing is parsed (a coding with problems fails validation, and so the build)."""
    return dict(Counter(coding.document_id for coding in list_codings(layout)[0]))
