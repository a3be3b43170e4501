"""Tables -> annotations -> tables is the identity (eventset.tables.decompile)."""

from __future__ import annotations

import shutil

from hypothesis import given
from polars.testing import assert_frame_equal

from eventset.pipeline import build
from eventset.tables.decompile import decompile, read_texts
from eventset.testing import Corpus, corpora
from tests.property.helpers import built, workspace


@given(corpora(shared_event=True))
def test_decompiled_annotations_build_the_same_tables(corpus: Corpus) -> None:
    with built(corpus) as (root, first), workspace() as tmp:
        texts = read_texts(root, first.tables["documents"].get_column("document_id").to_list())
        yaml_text = decompile(first.tables, texts).files()
        copy = tmp / "repo"
        shutil.copytree(root / "seeds", copy / "seeds")
        for name, text in yaml_text.items():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_text(text, encoding="utf-8")
        second = build(copy, tmp / "dist", "dev", cache=False)
        # The one warning decompiling may cause: an event several documents report carries
        # the merged figures in each, which its own quote may not write (W604); the tables
        # keep no document's own figures.
        assert {p.code for p in second.validation.problems} <= {"W604"}
        assert second.validation.ok
        assert second.failures == []
        for name, frame in first.tables.items():
            other = second.tables[name]
            if name == "documents":
                # The annotation files differ in form (selectors, defaults), so their hash does.
                frame, other = frame.drop("annotation_sha256"), other.drop("annotation_sha256")
            assert_frame_equal(frame, other, check_exact=True)
        # A second round changes nothing at all: decompiled annotations are a fixed point.
        assert decompile(second.tables, texts).files() == yaml_text
