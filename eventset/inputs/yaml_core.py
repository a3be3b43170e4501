"""How a plain scalar is typed: the YAML 1.2 core schema, decimal only.

`017`, `0x1f`, `1_000`, `.inf` stay strings, and so do YAML 1.1's booleans (`no`, `yes`, `on`,
`off`, a language code `no` among them) and dates, which the models parse. Both parsers type
with these sets, so the fast path and libyaml cannot disagree on a type.
"""

from __future__ import annotations

import re

PLAIN_NULL = frozenset({"", "~", "null", "Null", "NULL"})
PLAIN_TRUE = frozenset({"true", "True", "TRUE"})
PLAIN_FALSE = frozenset({"false", "False", "FALSE"})
PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
PLAIN_FLOAT = re.compile(
    r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
)
