"""Document pages (the text with every mention highlighted, or only the quotes where the
licence withholds the text) and the paged list of documents."""

from __future__ import annotations

from collections.abc import Mapping
from hashlib import sha256
from pathlib import Path
from typing import Any

from eventset.explorer.context import PageContext
from eventset.explorer.index import actor_name, target_label
from eventset.explorer.links import Links
from eventset.explorer.text import Span, category, highlighted_html
from eventset.schema.vocab import vocabulary

DOCUMENTS_PER_PAGE = 500


def seed_text(seeds: Path | None, document: Mapping[str, Any]) -> str | None:
    """A withheld text from the local seed file, only when its bytes are the released ones."""
    if seeds is None:
        return None
    path = seeds / f"{document['document_id']}.txt"
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if "sha256:" + sha256(raw).hexdigest() != document["text_sha256"]:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(text) == document["char_count"] else None


def write(ctx: PageContext) -> None:
    site = ctx.site
    licences = vocabulary("licences")
    languages = vocabulary("languages")
    links = Links(site, 1)
    for document_id in ctx.share.mine(site.documents):
        document = site.documents[document_id]
        mentions = site.mentions_by_document.get(document_id, [])
        text = document["text"]
        text_source = "release"
        if text is None:
            text = seed_text(ctx.seeds, document)
            text_source = "seed" if text is not None else "withheld"
            ctx.writer.texts_from_seeds += text is not None
        spans = [
            Span(
                m["mention_id"],
                m["char_start"],
                m["char_end"],
                category(m["target_kind"], m["aspect"]),
            )
            for m in mentions
        ]
        licence = licences[document["licence"]] if document["licence"] in licences else None  # noqa: SIM401
        language = document["language"]
        ctx.render(
            f"documents/{document_id}.html",
            "document.html",
            title=document["title"],
            document=document,
            body=highlighted_html(text, spans) if text is not None else None,
            text_source=text_source,
            mentions=mentions,
            categories_of={
                m["mention_id"]: category(m["target_kind"], m["aspect"]) for m in mentions
            },
            actor_names={m["actor_id"]: actor_name(site, m["actor_id"]) for m in mentions},
            target_labels={
                m["mention_id"]: target_label(site, m["target_kind"], m["target_id"])
                for m in mentions
            },
            licence_title=(licence.fields.get("title") if licence else None) or document["licence"],
            licence_description=licence.description if licence else "",
            language_name=(
                languages[language].fields.get("name") if language in languages else language
            ),
            outlet=actor_name(site, document["outlet_id"]),
            links=links,
            codings_page=ctx.codings and (document.get("coding_count") or 0) >= 2,
        )
    if ctx.share.first:
        _write_list(ctx)


def _write_list(ctx: PageContext) -> None:
    site = ctx.site
    ids = list(site.documents)
    pages = max(1, -(-len(ids) // DOCUMENTS_PER_PAGE))
    for number in range(1, pages + 1):
        chunk = ids[(number - 1) * DOCUMENTS_PER_PAGE : number * DOCUMENTS_PER_PAGE]
        ctx.render(
            "documents/index.html" if number == 1 else f"documents/page-{number}.html",
            "documents.html",
            title="Documents",
            documents=[site.documents[d] for d in chunk],
            mention_counts={d: len(site.mentions_by_document.get(d, [])) for d in chunk},
            page=number,
            pages=pages,
            total=len(ids),
        )
