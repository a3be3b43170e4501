"""The release in the formats analysts already use: UCDP GED, ACLED and PLOVER.

Each format is a module holding its columns (name, type, where the value comes from, or why it
is empty) and a pure function from the release tables to rows. A column the dataset cannot fill
is empty, never invented; `docs/exports.md` is generated from the same column lists.
"""
