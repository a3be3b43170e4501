"""Release metadata generated from the table specs and the data: datapackage.json (Frictionless),
croissant.json (MLCommons Croissant 1.0), the dataset card README.md and CITATION.cff.

Everything here is a pure function of the version, the tables, the files already written and
the schema; nothing reads the clock, so the same inputs give the same bytes. Dates in the
metadata (coverage) come from the data.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl

from eventset.release.agreement_card import AGREEMENT_FILE, agreement_section
from eventset.release.card_sections import analyst_sections
from eventset.release.manifest import parts_sha256, release_paths, table_files
from eventset.release.published import PROJECT_URL
from eventset.schema.table_schema import table_schema
from eventset.schema.tables import SCHEMA_VERSION, TABLES, Column, Table
from eventset.schema.vocab import vocabulary

NAME = "eventset"
TITLE = "eventset: events, actors and claims traceable to their sources"
DESCRIPTION = (
    "A structured event dataset built from annotated news documents: events (merged across the "
    "documents that report them, with PLOVER types and ACLED, CAMEO, GTD and UCDP crosswalks), "
    "the actors taking part in them, the places they happened, and the claims sources make "
    "about them (who says what, through whom). Every fact links to the exact words of a source "
    "document (the mentions table, with Unicode code point offsets)."
)
KEYWORDS = ("events", "conflict", "political violence", "claims", "news", "PLOVER", "ACLED")
AUTHOR = "eventset developers"
# The licence of the dataset itself (annotations, registries, tables). Source texts keep their
# own licences, row by row in documents.licence; see the dataset card.
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"

CROISSANT_TYPES = {
    "string": "sc:Text",
    "int32": "sc:Integer",
    "int64": "sc:Integer",
    "float64": "sc:Float",
    "bool": "sc:Boolean",
    "date": "sc:Date",
    "list[string]": "sc:Text",  # repeated
}


def _source_licences(tables: dict[str, pl.DataFrame]) -> list[dict[str, Any]]:
    licences = vocabulary("licences")
    out = []
    for code in sorted(tables["documents"]["licence"].unique().to_list()):
        info = licences[code].fields
        entry: dict[str, Any] = {"name": info.get("spdx") or code, "title": info.get("title")}
        if info.get("url"):
            entry["path"] = info["url"]
        out.append(entry)
    return out


def datapackage(directory: Path, tables: dict[str, pl.DataFrame], version: str) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the tables already written to `directory`.

    A table's `path` lists its Parquet files (a multipart resource, one part per file), and its
    `hash` and `bytes` are those of the parts joined in that order: what Frictionless reads and
    measures for a multipart resource, so `frictionless validate` checks every byte of every
    table (each file's own sha256 is in manifest.json)."""
    files = table_files(release_paths(directory))
    resources = []
    for table in TABLES:
        parts = files[table.name]
        resource: dict[str, Any] = {
            "name": table.name,
            "profile": "tabular-data-resource",
            "path": parts,
            "scheme": "file",
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "title": table.name,
            "description": table.description,
        }
        resource["hash"], resource["bytes"] = parts_sha256(directory, parts)
        resource["schema"] = table_schema(table)
        if table.name == "documents":
            # The texts (where present) are under their publishers' licences, not the dataset's.
            resource["licenses"] = _source_licences(tables)
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "homepage": PROJECT_URL,
        "keywords": list(KEYWORDS),
        "licenses": [LICENCE],
        "contributors": [{"title": AUTHOR, "role": "author"}],
        "schema_version": SCHEMA_VERSION,
        "resources": resources,
    }


CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def _file_set_id(table: Table) -> str:
    return f"{table.name}-parquet-files"


def table_globs(table: Table) -> list[str]:
    """The table's Parquet files, unpartitioned or in hive partition folders, as globs."""
    return [f"{table.name}/*.parquet", f"{table.name}/**/*.parquet"]


def _croissant_field(table: Table, column: Column) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{table.name}/{column.name}",
        "name": column.name,
        "description": column.description,
        "dataType": CROISSANT_TYPES[column.dtype],
        "source": {
            "fileSet": {"@id": _file_set_id(table)},
            "extract": {"column": column.name},
        },
    }
    if column.dtype.startswith("list["):
        spec["repeated"] = True
    # Foreign keys are not written as Croissant `references`: mlcroissant 1.1 reads a reference
    # as a join to perform while reading records, and its joins fail on a self-reference
    # (actors.parent_id), on an all-null key column and on a record set with two references,
    # so the records could not be read. datapackage.json carries every foreign key.
    return spec


def croissant(
    tables: dict[str, pl.DataFrame],
    version: str,
    cite_as: str,
    released: dt.date | None = None,
    doi: str | None = None,
) -> dict[str, Any]:
    """The MLCommons Croissant 1.0 JSON-LD description of a release: a FileSet per table (the
    Parquet files of its folder, found by glob beside croissant.json; their checksums are in
    manifest.json, since a FileSet carries none)."""
    files = [
        {
            "@type": "cr:FileSet",
            "@id": _file_set_id(table),
            "name": _file_set_id(table),
            "description": f"The {table.name} table: the Parquet files (zstd) in {table.name}/.",
            "encodingFormat": "application/x-parquet",
            "includes": table_globs(table),
        }
        for table in TABLES
    ]
    record_sets = []
    for table in TABLES:
        record_set: dict[str, Any] = {
            "@type": "cr:RecordSet",
            "@id": table.name,
            "name": table.name,
            "description": table.description,
            "field": [_croissant_field(table, c) for c in table.columns],
        }
        key = [{"@id": f"{table.name}/{k}"} for k in table.primary_key]
        record_set["key"] = key[0] if len(key) == 1 else key
        record_sets.append(record_set)
    coverage = time_coverage(tables)
    dataset: dict[str, Any] = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": NAME,
        "description": DESCRIPTION,
        "url": PROJECT_URL,
        "version": version,
        "license": LICENCE["path"],
        "creator": {"@type": "sc:Organization", "name": AUTHOR, "url": PROJECT_URL},
        "keywords": list(KEYWORDS),
        "citeAs": cite_as,
        "isLiveDataset": False,
        "distribution": files,
        "recordSet": record_sets,
    }
    if released is not None:
        dataset["datePublished"] = released.isoformat()
    if doi is not None:
        dataset["identifier"] = f"https://doi.org/{doi}"
    if coverage is not None:
        dataset["temporalCoverage"] = f"{coverage[0].isoformat()}/{coverage[1].isoformat()}"
    countries = place_countries(tables)
    if countries:
        dataset["spatialCoverage"] = [
            {"@type": "sc:Country", "name": name, "identifier": code} for code, name in countries
        ]
    return dataset


def time_coverage(tables: dict[str, pl.DataFrame]) -> tuple[dt.date, dt.date] | None:
    """First and last day of any event (date_start or date_end), or None without dated events."""
    events = tables["events"]
    dates = pl.concat([events["date_start"], events["date_end"]]).drop_nulls()
    if dates.is_empty():
        return None
    low, high = dates.min(), dates.max()
    assert isinstance(low, dt.date) and isinstance(high, dt.date)
    return low, high


def published_range(tables: dict[str, pl.DataFrame]) -> tuple[dt.date, dt.date] | None:
    published = tables["documents"]["published"].drop_nulls()
    if published.is_empty():
        return None
    low, high = published.min(), published.max()
    assert isinstance(low, dt.date) and isinstance(high, dt.date)
    return low, high


def place_countries(tables: dict[str, pl.DataFrame]) -> list[tuple[str, str]]:
    """(ISO code, name) of every country a place of the release is in, sorted by code."""
    countries = vocabulary("countries")
    codes = sorted(tables["places"]["country"].drop_nulls().unique().to_list())
    return [(code, str(countries[code].fields.get("name", code))) for code in codes]


DOI_PATTERN = r"^10\.[0-9]{4,9}/\S+$"


def citation_cff(version: str, released: dt.date | None = None, doi: str | None = None) -> str:
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below."',
        "type: dataset",
        f'title: "{TITLE}"',
        f'version: "{version}"',
        *([f"date-released: {released.isoformat()}"] if released is not None else []),
        *([f'doi: "{doi}"'] if doi is not None else []),
        "authors:",
        f'  - name: "{AUTHOR}"',
        f"license: {LICENCE['name']}",
        f'url: "{PROJECT_URL}"',
        f'repository-code: "{PROJECT_URL}"',
        f'abstract: "{DESCRIPTION}"',
        "keywords:",
        *[f'  - "{k}"' for k in KEYWORDS],
    ]
    return "\n".join(lines) + "\n"


def cite_as(version: str, released: dt.date | None = None, doi: str | None = None) -> str:
    """A BibTeX entry, for the card and Croissant's citeAs: the release's year and date when
    known, and its DOI once one exists."""
    key = f"eventset_{version.replace('.', '_')}"
    fields = [
        f"  title = {{{TITLE}}}",
        f"  author = {{{{{AUTHOR}}}}}",
        *(
            [f"  year = {{{released.year}}}", f"  date = {{{released.isoformat()}}}"]
            if released
            else []
        ),
        f"  version = {{{version}}}",
        f"  note = {{Dataset, version {version}}}",
        *([f"  doi = {{{doi}}}"] if doi else []),
        f"  howpublished = {{\\url{{{PROJECT_URL}}}}}",
    ]
    return f"@misc{{{key},\n" + ",\n".join(fields) + "\n}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _licence_rows(tables: dict[str, pl.DataFrame]) -> list[str]:
    licences = vocabulary("licences")
    docs = tables["documents"]
    rows = []
    for code in sorted(docs["licence"].unique().to_list()):
        subset = docs.filter(pl.col("licence") == code)
        with_text = subset.filter(pl.col("text").is_not_null()).height
        title = licences[code].fields.get("title") or code
        allowed = "yes" if licences[code].fields.get("redistribute_text") is True else "no"
        rows.append(f"| `{code}` ({title}) | {subset.height:,} | {allowed} | {with_text:,} |")
    return rows


# The one-line read of a table in each engine: (engine, import, expression), `{table}` being the
# table's folder. The dataset card and the README show them; the tests run them for polars,
# pandas and DuckDB, and benchmarks/engines.py for Dask and Spark.
ENGINE_READS: tuple[tuple[str, str, str], ...] = (
    ("polars", "import polars as pl", 'pl.scan_parquet("{table}/**/*.parquet").collect()'),
    ("pandas", "import pandas as pd", 'pd.read_parquet("{table}", dtype_backend="pyarrow")'),
    (
        "DuckDB",
        "import duckdb",
        "duckdb.sql(\"SELECT * FROM read_parquet('{table}/**/*.parquet')\")",
    ),
    ("Dask", "import dask.dataframe as dd", 'dd.read_parquet("{table}")'),
    (
        "Spark",
        "from pyspark.sql import SparkSession",
        'SparkSession.builder.getOrCreate().read.parquet("{table}")',
    ),
)


def engine_reads(directory: str, table: str) -> list[str]:
    """Python lines that read one table of the release in `directory` with every engine."""
    folder = f"{directory}/{table}"
    imports = [imports for _, imports, _ in ENGINE_READS]
    reads = [
        f"{table} = {expression.format(table=folder)}  # {engine}"
        for engine, _, expression in ENGINE_READS
    ]
    return [*imports, "", *reads]


def _origin_sentence(docs: pl.DataFrame) -> str:
    counts = dict(docs.group_by("origin").len().iter_rows())
    parts = [
        _count(counts.get(code, 0), noun)
        for code, noun in (
            ("published", "published report"),
            ("original", "contributor's original"),
            ("synthetic", "synthetic text"),
        )
    ]
    return (
        f"documents.origin says where each text comes from: {', '.join(parts)}. Originals "
        "and synthetic texts carry an open licence; to study published reporting only, keep "
        "the documents whose origin is `published` and the rows their document_id supports."
    )


def dataset_card(
    tables: dict[str, pl.DataFrame],
    version: str,
    released: dt.date | None = None,
    doi: str | None = None,
    agreement: dict[str, Any] | None = None,
) -> str:
    """README.md of a release: what it is, counts, coverage, licences, loading, citing."""
    coverage = time_coverage(tables)
    published = published_range(tables)
    countries = place_countries(tables)
    docs = tables["documents"]
    with_text = docs.filter(pl.col("text").is_not_null()).height
    directory = f"eventset-{version}"
    lines = [
        f"# eventset {version}",
        "",
        DESCRIPTION,
        "",
        f"Schema version {SCHEMA_VERSION}. Column definitions: `CODEBOOK.md`; machine-readable "
        "metadata: `datapackage.json` (Frictionless) and `croissant.json` (MLCommons Croissant); "
        "checksums of every file: `manifest.json`; changes: `CHANGELOG.md`.",
        "",
        "## Contents",
        "",
        "| table | rows | one row per |",
        "| --- | ---: | --- |",
        *[
            f"| {t.name} | {tables[t.name].height:,} | {t.description.removeprefix('One row per ').rstrip('.')} |"
            for t in TABLES
        ],
        "",
        "## Coverage",
        "",
        "- Time: "
        + (
            f"events from {coverage[0].isoformat()} to {coverage[1].isoformat()} "
            "(earliest date_start to latest date_end)."
            if coverage
            else "no event carries a date."
        ),
        "- Sources: "
        + (
            f"{_count(docs.height, 'document')} published from {published[0].isoformat()} to "
            f"{published[1].isoformat()}."
            if published
            else "no documents."
        ),
        "- Space: "
        + (
            f"places in {len(countries)} "
            + ("country" if len(countries) == 1 else "countries")
            + ": "
            + ", ".join(f"{name} ({code})" for code, name in countries)
            + "."
            if countries
            else "no places."
        ),
        "",
        "Coverage is what the annotated documents report, not a complete record of events in "
        "that time and space.",
        "",
        "## Source texts and their licences",
        "",
        "A document's full text is published (documents.text) only when its licence lets anyone "
        "copy and adapt it for any purpose (`redistribute_text` in the licence vocabulary). Every "
        "other document carries only its metadata, the sha256 of its text (text_sha256), its "
        "length (char_count) and, in the mentions table, the offsets and exact words of the "
        "evidence quotes; with your own copy of the text you can check every quote against it.",
        "",
        f"In this release {with_text:,} of {_count(docs.height, 'document')} "
        + ("carries its text." if with_text == 1 else "carry their text."),
        "",
        "| licence | documents | text may be redistributed | documents with text |",
        "| --- | ---: | --- | ---: |",
        *_licence_rows(tables),
        "",
        _origin_sentence(docs),
        "",
        "## Loading",
        "",
        "With the eventset package (downloads once, checks every file's sha256, caches):",
        "",
        "```python",
        "import eventset",
        "",
        f'tables = eventset.load("{version}")                      # polars DataFrames',
        f'frames = eventset.load("{version}", backend="pandas")    # pandas DataFrames',
        'events = tables["events"]',
        "```",
        "",
        "Or read the Parquet files directly, without eventset. Each table is a folder of "
        "Parquet files, one per month for the tables that grow with the corpus: documents, "
        "claims and mentions by the month the document was published "
        "(`documents/part-2021-09.parquet`), events and event_actors by the month the event "
        "started (`events/part-2021-09.parquet`; `events/part-undated.parquet` for events with "
        "no start date); actors and places are one `part-0.parquet` each. A table may also be "
        "split into hive-style `key=value/` partition folders. Give an engine a table's folder "
        "or its glob, never the release folder, which holds every table and the metadata.",
        "",
        "```python",
        *engine_reads(directory, "events"),
        "```",
        "",
        'In pandas, `dtype_backend="pyarrow"` keeps integer columns with missing values as '
        "integers (not floats). Engines that read hive partition folders (DuckDB, pandas, Dask, "
        "Spark) add the partition key as a column; every contract column is inside the files. "
        "Spark shows every column as nullable because it relaxes file schemas on read; the "
        "Parquet files mark the columns the contract requires as REQUIRED.",
        "",
        f"`eventset check {directory}` re-validates a downloaded release: checksums, table "
        "contracts and cross-table integrity.",
        "",
        *analyst_sections(tables, directory),
        *agreement_section(agreement, docs.height),
        "## Licence",
        "",
        f"The dataset (annotations, registries and tables) is published under "
        f"{LICENCE['title']} ({LICENCE['name']}, {LICENCE['path']}). Source texts included in "
        "documents.text remain under the licence given in documents.licence.",
        "",
        "## How to cite",
        "",
        "See `CITATION.cff`, or:",
        "",
        "```bibtex",
        cite_as(version, released, doi),
        "```",
        "",
    ]
    return "\n".join(lines)


def write_metadata(
    directory: Path,
    tables: dict[str, pl.DataFrame],
    version: str,
    released: dt.date | None = None,
    doi: str | None = None,
) -> None:
    """Write datapackage.json, croissant.json, README.md and CITATION.cff into `directory`.

    `released` is the publication date (given, or the inputs' commit date; never the clock),
    or None; `doi` the release's DOI once one exists."""

    def write(name: str, text: str) -> None:
        (directory / name).write_text(text, encoding="utf-8", newline="\n")

    def dump(data: dict[str, Any]) -> str:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    write("datapackage.json", dump(datapackage(directory, tables, version)))
    citation = cite_as(version, released, doi)
    write("croissant.json", dump(croissant(tables, version, citation, released, doi)))
    found = directory / AGREEMENT_FILE
    agreement = json.loads(found.read_text(encoding="utf-8")) if found.is_file() else None
    write("README.md", dataset_card(tables, version, released, doi, agreement))
    write("CITATION.cff", citation_cff(version, released, doi))
