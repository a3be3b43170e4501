"""Relative links between the site's pages, and the names a link is labelled with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from eventset.explorer.index import SiteIndex


class Links:
    """Relative links from a page `depth` folders below the site root."""

    def __init__(self, site: SiteIndex, depth: int) -> None:
        self.site = site
        self.root = "../" * depth

    def event(self, event_id: str) -> str:
        return f"{self.root}events/{event_id}.html"

    def actor(self, actor_id: str) -> str:
        return f"{self.root}actors/{actor_id}.html"

    def place(self, place_id: str) -> str:
        return f"{self.root}places/{place_id}.html"

    def document(self, document_id: str) -> str:
        return f"{self.root}documents/{document_id}.html"

    def mention(self, mention: Mapping[str, Any]) -> str:
        return f"{self.document(mention['document_id'])}#{mention['mention_id']}"

    def claims_page(self, actor_id: str, page: int) -> str:
        if page <= 1:
            return self.actor(actor_id)
        return f"{self.root}actors/{actor_id}/claims-{page}.html"

    def claim(self, claim_id: str) -> str:
        claim = self.site.claims[claim_id]
        if claim["event_id"] is not None:
            return f"{self.event(claim['event_id'])}#{claim_id}"
        return (
            f"{self.claims_page(claim['claimant_id'], self.site.claim_page[claim_id])}#{claim_id}"
        )

    def target(self, kind: str, target_id: str) -> str:
        if kind == "actor":
            return self.actor(target_id)
        if kind == "place":
            return self.place(target_id)
        if kind == "event":
            return self.event(target_id)
        return self.claim(target_id)

    def events_list(self, **filters: str) -> str:
        """The events list with its filters set through the address, as its script reads them."""
        query = urlencode({name: value for name, value in filters.items() if value})
        return f"{self.root}events/index.html" + (f"?{query}" if query else "")
