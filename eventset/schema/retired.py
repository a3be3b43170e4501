"""data/retired.yaml: ids of events, claims and documents that left the dataset, and why.

Actors and places keep their retired ids in their own registries (`retired:` in
data/actors.yaml and data/places.yaml). Events and claims are defined inside annotations, which
are edited and deleted with their documents, so their retirements need a home of their own: this
file. A release refuses to drop an id that has no retirement record, so users can always map an
id of an older release to its successor (or learn that it was withdrawn, and why).
"""

from __future__ import annotations

from pydantic import Field

from eventset.schema.fields import DocumentId, FormatVersion, Model, Text
from eventset.schema.registry import Retired


class RetiredDocument(Model):
    """A document id that is no longer in the dataset."""

    id: DocumentId = Field(description="The retired document id; never reused.")
    replaced_by: DocumentId | None = Field(
        description="The document that replaces it; null when it was withdrawn without successor."
    )
    reason: Text = Field(description="Why it was retired (duplicate, withdrawn, licence).")


class RetiredIds(Model):
    """data/retired.yaml"""

    format: FormatVersion = Field(description="Format version of this file.")
    events: list[Retired] = Field(default_factory=list, max_length=1_000_000)
    claims: list[Retired] = Field(default_factory=list, max_length=1_000_000)
    documents: list[RetiredDocument] = Field(default_factory=list, max_length=1_000_000)
