"""Every generated corpus validates, builds, and its tables pass every contract."""

from __future__ import annotations

from hypothesis import Phase, given, settings

from eventset.pipeline import build
from eventset.schema.contracts import validate_frame
from eventset.schema.integrity import cross_table_failures
from eventset.schema.tables import TABLES
from eventset.testing import Corpus, corpora, dump_yaml, model_data, write_corpus, write_files
from eventset.validation.repository import validate_repository
from tests.property.helpers import built, workspace


@given(corpora())
def test_every_generated_corpus_validates(corpus: Corpus) -> None:
    with workspace() as tmp:
        root = write_corpus(corpus, tmp)
        result = validate_repository(root)
    assert result.problems == []
    assert result.files_checked == len(corpus.documents) + 2


@given(corpora())
def test_every_generated_corpus_builds_and_passes_every_contract(corpus: Corpus) -> None:
    with built(corpus) as (_, result):
        assert sorted(result.tables) == sorted(table.name for table in TABLES)
        for name, frame in result.tables.items():
            assert validate_frame(name, frame) == [], name
        assert cross_table_failures(result.tables) == []


@given(corpora())
def test_every_generated_document_is_labelled_synthetic(corpus: Corpus) -> None:
    for document in corpus.documents:
        assert document.id.startswith("synthetic_")
        assert document.annotation.document.title.startswith("SYNTHETIC ")
        assert document.text.startswith(
            f" date {document.annotation.document.published} SYNTHETIC "
        )


@settings(phases=[Phase.generate], max_examples=1)
@given(corpora(min_documents=2, max_documents=2, min_events=1, max_events=1, shared_event=True))
def test_partial_fatality_figures_from_two_documents_merge_into_an_ordered_range(
    corpus: Corpus,
) -> None:
    files = corpus.files()
    for document, figures in zip(corpus.documents, ({"high": 0}, {"best": 12}), strict=True):
        annotation = model_data(document.annotation)
        event = annotation["events"][0]
        # derived: the figures are set here, not written in the quoted words (W604)
        event["fatalities"] = {**figures, "derived": True, "evidence": [event["evidence"][0]]}
        files[f"data/annotations/{document.id}.yaml"] = dump_yaml(annotation).encode("utf-8")
    with workspace() as tmp:
        write_files(tmp / "repo", files)
        result = build(tmp / "repo", tmp / "dist", "dev", cache=False)
    assert result.validation.problems == []
    assert result.failures == []
