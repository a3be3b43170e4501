"""The dataset card's sections for analysts: what is in and why, how it was annotated and
reviewed, how shared events are merged, known limitations with their counts, other formats,
and where to report an error. Counts come from the tables, so they are true of each release."""

from __future__ import annotations

import polars as pl

from eventset.release.published import PROJECT_URL


def _n(frame: pl.DataFrame, condition: pl.Expr) -> int:
    return frame.filter(condition).height


def limitation_counts(tables: dict[str, pl.DataFrame]) -> list[tuple[str, int, int]]:
    """(what, how many, out of how many) for each known limitation."""
    docs, events, actors = tables["documents"], tables["events"], tables["actors"]
    assaults = events.filter(pl.col("event_type").cast(pl.String) == "ASSAULT")
    vague = pl.col("kind").cast(pl.String).is_in(["unidentified", "anonymous_source"])
    return [
        (
            "documents whose text is withheld (licence)",
            _n(docs, pl.col("text").is_null()),
            docs.height,
        ),
        ("events without a place", _n(events, pl.col("place_id").is_null()), events.height),
        ("events without coordinates", _n(events, pl.col("latitude").is_null()), events.height),
        (
            "events without a first possible day",
            _n(events, pl.col("date_start").is_null()),
            events.height,
        ),
        (
            "events without a fatality figure",
            _n(events, pl.col("fatalities_low").is_null() & pl.col("fatalities_best").is_null()),
            events.height,
        ),
        (
            "ASSAULT events whose ACLED event type the participants do not decide",
            _n(assaults, pl.col("acled_event_type").is_null()),
            assaults.height,
        ),
        (
            "ASSAULT events whose UCDP type of violence the participants do not decide",
            _n(assaults, pl.col("ucdp_type_of_violence").is_null()),
            assaults.height,
        ),
        ("actors that are unidentified or anonymous sources", _n(actors, vague), actors.height),
    ]


def analyst_sections(tables: dict[str, pl.DataFrame], directory: str) -> list[str]:
    lines = [
        "## Sources and inclusion criteria",
        "",
        "The sources are news documents and reports, each kept verbatim as a seed file with its "
        "publication date and title. A document is included when its annotation validates "
        "(every quote found in the text, every reference resolved, dates and figures "
        "plausible); an event is included when a document reports it as having happened (or "
        "as scheduled) and quotes the words that say so. Actors and places come from two "
        "registries of canonical entries; coordinates are recorded only where known, never "
        "estimated.",
        "",
        "## Annotation and review",
        "",
        "Annotators write one YAML file per document, stand-off and anchored by exact quotes "
        "(the build computes the offsets). Framing, allegations and competing figures are "
        "recorded as claims of whoever makes them, never as facts. `eventset validate` checks "
        "every file with located error codes; each change is a pull request that a reviewer "
        "checks against the seed text with the checklist in CONTRIBUTING.md, and the release is "
        "built and re-checked (`eventset check`) before it is published.",
        "",
        "## Events reported by several documents",
        "",
        "Documents reporting the same event share its id and must agree on its type, mode, date "
        "and place (the build refuses a disagreement). The merged row takes the summary of the "
        "earliest document, the most certain level any document gives, and a fatality range "
        "over every figure stated: low is the lowest figure, high the highest (null while no "
        "document gives an upper figure), best the lowest of the documents' best figures. "
        "`document_count` says how many documents report it; event_actors keeps every (actor, "
        "role) any document names.",
        "",
        "## Known limitations",
        "",
        "| limitation | count | of |",
        "| --- | ---: | ---: |",
        *[f"| {what} | {n:,} | {total:,} |" for what, n, total in limitation_counts(tables)],
        "",
        "Coordinates come from the nearest place up the place hierarchy that has them; "
        "`geo_precision` then says how coarse they are ('unknown' exactly when there is no "
        "place). Crosswalk columns are empty where the annotation does not decide them.",
        "",
        "## Other formats",
        "",
        "```sh",
        f"eventset export {directory} --format ucdp-ged --out ged.parquet  # or .csv",
        f"eventset export {directory} --format acled --out acled.csv",
        f"eventset export {directory} --format plover --out events.jsonl",
        "```",
        "",
        "Each export holds the rows the peer's own inclusion rules admit (UCDP GED: organised "
        "violence with at least one death; `--all` for the rest). Columns the dataset cannot "
        "fill stay empty; `docs/exports.md` in the repository gives each column's source or "
        "the reason it is empty. `eventset.flat(...)` gives one row per event in ACLED's shape "
        "(place, country, fatalities, principal actors, latest claim of responsibility). "
        "`frictionless validate "
        "datapackage.json` reads the Parquet files through the plugin shipped with eventset.",
        "",
        "## Reporting an error",
        "",
        f"Open an issue at {PROJECT_URL}/issues with the release version, the table and the id "
        "of the row (event_id, claim_id, mention_id, ...), and what the source says instead; "
        "corrections come in the next release and old ids are retired, never reused.",
        "",
    ]
    return lines
