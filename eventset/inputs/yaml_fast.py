"""The fast path: rapidyaml reads a file, but only one written in a subset both parsers agree on.

rapidyaml (C++) parses about ten times faster than libyaml, and it reads some YAML differently: a
block scalar that ends the file without a line feed, a key over libyaml's 1,024 characters,
`?`, `:` or ` #` inside a flow collection, and more found by fuzzing. Listing such shapes one by
one never ends, so the fast path vouches only for files written entirely in a small subset
whose every construct the two read the same way (`in_fast_subset`); any other file, and any
sign of trouble after parsing, goes to libyaml (`yaml_libyaml`), which then decides alone.
The subset, line by line, and every line ending in a line feed (the last one too):

- blank, or a `#` comment;
- an entry: spaces, an optional `- `, a key and `:`, then nothing (a block follows, or null) or
  one space or more and a value; or `- ` and a value. A comment may follow after a space.
- A key is a word: an ASCII letter or `_`, then letters, digits, `_` or `-`, 128 at most.
- A value is one of, on its line: a double-quoted string without escapes; a single-quoted
  string; a plain scalar that starts with neither an indicator nor `-` (unless a digit or `.`
  follows) and holds no whitespace but ASCII spaces between words, no `: `, ` #`, bracket,
  brace, backslash, `&*!|>%@` or backtick; a flow sequence (`[...]`) of quoted strings, plain
  words (ASCII letters, digits, `_.+/-`, single spaces between) and flow mappings of those;
  a flow mapping of keys and quoted strings or plain words.
- A block scalar (`>`, `>-`, `|`, `|-`) only on an entry without `- `, its lines all indented
  alike and deeper than its key, each starting and ending with a non-space, none blank.
- A line is deeper than the one before it (blank lines and comments aside) only when that one
  ends in `key:`, opening a block; after a value the next line starts no deeper than the
  value's key (or its `- `, when it has no key). After a block scalar no deeper line follows.

No character either YAML version reads as a line break (CR, U+0085, U+2028, U+2029) and no
non-character (U+FFFE, U+FFFF) appears anywhere, and outside quoted strings no whitespace but
the ASCII space (`\\s` in the patterns below is Unicode's). So no anchor, alias, tag, directive,
document marker, escape, complex key, multi-line scalar or multi-line flow collection reaches
rapidyaml. After parsing, its data is taken only when the top is a mapping, no key repeats,
every string is one a plain scalar would not have typed (so quoting cannot matter), and
every limit holds. The differential tests (tests/security/test_fast_yaml*.py) hold the two
parsers to that on generated shapes.
"""

from __future__ import annotations

import functools
import json
import os
import re
from gc import get_referents
from typing import Any

import ryml
from pydantic_core import from_json

from eventset.inputs.yaml_core import PLAIN_FLOAT, PLAIN_INT
from eventset.inputs.yaml_text import Limits

# --- the subset, as one pattern matched against the whole text --------------------------------

_NOT_IN_ANY = "\r\n\u2028\u2029\ufffe\uffff"  # line breaks of either YAML version, non-characters
_COMMENT = f"#[^{_NOT_IN_ANY}]*+"
_DOUBLE = f'"[^"\\\\{_NOT_IN_ANY}]*+"'  # no backslash: escapes are libyaml's
_SINGLE = f"'(?:[^'{_NOT_IN_ANY}]++|'')*+'"
_KEY = "[A-Za-z_][A-Za-z0-9_-]{0,127}+"
# Plain scalars (block context). `\s` is any Unicode whitespace, so U+00A0, U+3000 and the rest
# never sit outside quotes; nor does U+180E, a space until Unicode 6.3.
_PLAIN_INNER = "[^\\s\u180e#:\\[\\]{}\\\\&*!|>%@`\ufffe\uffff]"
_PLAIN_FIRST = "[^\\s\u180e#:\\[\\]{}\\\\&*!|>%@`\ufffe\uffff\"',?-]"
_PLAIN = (
    f"(?:{_PLAIN_FIRST}|[-+](?=[0-9.]))"
    f"(?:{_PLAIN_INNER}++|#|:(?={_PLAIN_INNER})| ++(?={_PLAIN_INNER}))*+"
)
# In both, a run of ordinary characters is taken whole (`++`) rather than one character per
# turn of the loop: the same text matches, and the subset check costs a third less.
# Flow collections: plain words only, so no indicator (`?`, `:`, `#`, `-` alone) is in reach.
_WORD = "[A-Za-z0-9_][A-Za-z0-9_.+/-]*+"
_FLOW_SCALAR = f"(?:{_DOUBLE}|{_SINGLE}|{_WORD}(?: {_WORD})*+)"
_FLOW_MAP = f"\\{{ *+(?:{_KEY}: ++{_FLOW_SCALAR}(?: *+, *+{_KEY}: ++{_FLOW_SCALAR})*+)?+ *+\\}}"
_FLOW_ITEM = f"(?:{_FLOW_SCALAR}|{_FLOW_MAP})"
_FLOW_SEQ = f"\\[ *+(?:{_FLOW_ITEM}(?: *+, *+{_FLOW_ITEM})*+)?+ *+\\]"
_VALUE = f"(?:{_DOUBLE}|{_SINGLE}|{_PLAIN}|{_FLOW_SEQ}|{_FLOW_MAP})"
_END = f"(?: ++(?:{_COMMENT})?+)?+\n"
_BLOCK_LINE = f"[^\\s\u180e\ufffe\uffff][^{_NOT_IN_ANY}]*+(?<![\\s\u180e])\n"
# Indentation. A line may be deeper than the one before it only where that one opened a block
# (`key:` with nothing after it): deeper after a value is a continuation or an error in YAML,
# and rapidyaml was seen to read one as a key (`- [ ]` then `   - key: 0`, the shape
# generator's find). So after a value, the next line that is not blank or a comment starts no
# deeper than the value's key, or its `- ` when it has no key.
_COMMENTS_AND_BLANKS = f"(?: *+(?:{_COMMENT})?+\n)*+"


def _no_deeper_than(column: str) -> str:
    """A lookahead: the next line that is not blank or a comment starts at most at `column`
    (a pattern matching that many spaces)."""
    return f"(?!{_COMMENTS_AND_BLANKS}{column} +[^ \n])"


# A block scalar ends at the first line that is not indented like its content; it may be
# followed only by a line no deeper than its key (blank lines included: a deeper line after a
# blank one would still be content to YAML).
_BLOCK_SCALAR = (
    f"{_KEY}: [|>]-?\n(?P=indent)(?P<more> ++){_BLOCK_LINE}"
    f"(?:(?P=indent)(?P=more){_BLOCK_LINE})*+(?!\n*+(?P=indent) )"
)
# Two alternatives for `key:` lines, with and without `- `: a group that did not take part in
# a repetition keeps its value from an earlier one, so `gap` must not be read where unset.
_ITEM_ENTRY = (
    f"-(?P<gap> ++){_KEY}:(?: ++{_VALUE}{_END}{_no_deeper_than('(?P=indent) (?P=gap)')}|{_END})"
)
_ENTRY = f"{_KEY}:(?: ++{_VALUE}{_END}{_no_deeper_than('(?P=indent)')}|{_END})"
_ITEM = f"- ++{_VALUE}{_END}{_no_deeper_than('(?P=indent)')}"
# The most frequent kinds of line first: each alternative tried in vain costs time.
_LINE = f"(?P<indent> *+)(?:{_ENTRY}|{_ITEM_ENTRY}|{_ITEM}|\\n|{_COMMENT}\\n|{_BLOCK_SCALAR})"


@functools.cache
def subset() -> re.Pattern[str]:
    """The subset's pattern, compiled when first asked for: about 15 ms, which a command that
    reads a few small files does not spend (yamlfile.load_yaml leaves them to libyaml)."""
    return re.compile(f"(?:{_LINE})++")


def subset_compiled() -> bool:
    return subset.cache_info().currsize > 0


# Python's `\s` (str.isspace) among the ASCII characters.
_ASCII_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f "


def for_ascii(pattern: str) -> str:
    """`pattern` for texts of ASCII characters only: each class without its other characters
    (which such a text cannot hold) and `\\s` as its ASCII members, so that every class
    compiles to a bitmap of 256 bits instead of a category test and a table of the 65,536
    characters (8% fewer instructions for the subset check, which is about a tenth of a
    document's work). The subset's pattern writes characters past ASCII only inside classes
    and `\\s` is its only category; on an ASCII text the two patterns match alike, which
    tests/security/test_fast_yaml_subset.py holds them to."""
    return "".join(char for char in pattern.replace("\\s", _ASCII_SPACE) if char.isascii())


# The subset's pattern and its pattern for ASCII (for_ascii), made from it when first needed.
# Kept by identity, not in a cache keyed by the pattern: a compiled pattern's hash reads its
# whole code (this one's is tens of kilobytes) on every lookup.
_ascii_of: tuple[re.Pattern[str], re.Pattern[str]] | None = None


def in_fast_subset(text: str) -> bool:
    """Whether every line of `text` is in the subset both parsers read alike (module docstring)."""
    global _ascii_of
    pattern = subset()
    if text.isascii():  # a flag of the string: no scan
        if _ascii_of is None or _ascii_of[0] is not pattern:
            _ascii_of = (pattern, re.compile(for_ascii(pattern.pattern)))
        pattern = _ascii_of[1]
    return pattern.fullmatch(text) is not None


# --- rapidyaml's data, and what still sends a file to libyaml ---------------------------------


class _DisagreeError(Exception):
    """Internal: the fast path cannot vouch for this file; libyaml decides."""


# Longer numbers go to libyaml, which applies the string limit to them as written. Only the
# JSON of a file longer than the string limit is decoded with these hooks (`_decoded`).
_MAX_NUMBER = 64


def _int(token: str) -> int:
    if len(token) > _MAX_NUMBER or not PLAIN_INT.fullmatch(token):
        raise _DisagreeError
    return int(token)


def _float(token: str) -> float:
    if len(token) > _MAX_NUMBER or not PLAIN_FLOAT.fullmatch(token):
        raise _DisagreeError
    return float(token)


def _constant(token: str) -> Any:
    raise _DisagreeError  # NaN, Infinity: not JSON, and not YAML 1.2 core either


# rapidyaml writes a plain `nan` as ".nan" in JSON; we keep the word as written.
_SPECIAL_FLOAT = re.compile(r"[-+]?\.?(nan|inf)", re.IGNORECASE)
# A JSON string token whose text a plain scalar would have typed (null, booleans, numbers) or
# rapidyaml would have rewritten (nan): rapidyaml's JSON quotes some of those (`Null`, `True`,
# `~`), and a quoted "1" looks the same, so only libyaml can tell which the file meant. Strings
# are found as JSON tokens, so a false match inside a longer string only costs the fast path.
# AMBIGUOUS_TEXT says which texts, plainly: the YAML 1.2 core words and numbers.
AMBIGUOUS_TEXT = (
    "~|null|Null|NULL|true|True|TRUE|false|False|FALSE|"
    f"{PLAIN_INT.pattern}|{PLAIN_FLOAT.pattern}|(?i:{_SPECIAL_FLOAT.pattern})"
)
# The same texts, each alternative led by the one character (or class) it starts with: the
# engine drops an alternative at its first character, where the plain alternation tried the
# optional signs and the numbers' groups at every quote (a third of this search's time). The
# lookahead lets most quotes fail at once. tests/security/test_fast_yaml.py holds the two
# equal; a change to PLAIN_INT or PLAIN_FLOAT must be written here too.
_EXPONENT = "(?:[eE][-+]?[0-9]+)?"
_UNSIGNED = f"0|[1-9][0-9]*|[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+[eE][-+]?[0-9]+"
_AMBIGUOUS_LED = (
    "~|n(?:ull|(?i:an))|N(?:ull|ULL|(?i:an))|true|T(?:rue|RUE)|false|F(?:alse|ALSE)"
    f"|[iI](?i:nf)|\\.(?:[0-9]+{_EXPONENT}|(?i:nan|inf))"
    f"|[0-9](?:[0-9]*\\.[0-9]*{_EXPONENT}|[0-9]*[eE][-+]?[0-9]+)|0|[1-9][0-9]*"
    f"|[-+](?:{_UNSIGNED}|\\.?(?i:nan|inf))"
)
AMBIGUOUS_STRING = re.compile(
    f'"(?=[-+.0-9~nNtTfFiI])(?:{_AMBIGUOUS_LED})"'.encode()
    # searched in the emitted bytes, which are never decoded to a str
)


# Made once: json.loads with hooks builds a decoder for every call.
_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def _decoded(emitted: bytearray, max_string: int) -> Any:
    """The emitted JSON as data. Where the JSON is no longer than the string limit (every
    annotation), pydantic-core's JSON parser (jiter, in Rust: half the time of the standard
    library's with hooks) reads it: no number in it can then be over the limit, its integers
    are Python's own (over Python's 4,300 digits it refuses, as `int()` does), its floats are
    correctly rounded like `float()`, and NaN and Infinity are refused; every JSON number is a
    YAML 1.2 core number written the same way, so libyaml reads the same values. Longer JSON
    goes through the hooks above, which send a number over 64 characters to libyaml.

    Its strings come from jiter's cache of short strings (the same keys and many of the same
    values in every annotation): a cached string is one of equal text, made once per process
    rather than once per file (half a percent of a document's work, counted in instructions)."""
    if len(emitted) <= max_string:
        return from_json(emitted, allow_inf_nan=False, cache_strings=True)
    return _DECODER.decode(emitted.decode("utf-8"))


def _depth_and_nodes(data: Any, max_depth: int) -> tuple[int, int]:
    """How deep the data nests, counted as the builder does (the top is 0), up to `max_depth` + 1,
    and how many values it holds below the top (up to that depth).

    One level at a time, each in one call in C: `gc.get_referents` of a level's objects is
    every value of its dicts and every item of its lists (a dict whose keys are all strings,
    as every JSON object's are, gives its values only; a scalar gives nothing). A loop in
    Python over every value cost twice as much. Were a future Python to give keys too, the
    count would exceed the tree's and the file would go to libyaml: slower, never wrong."""
    level, depth, nodes = [data], 0, 0
    while depth <= max_depth:
        below = get_referents(*level)
        if not below:
            break
        depth, nodes, level = depth + 1, nodes + len(below), below
    return depth, nodes


def _longest_string(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return max(map(_longest_string, value), default=0)
    return 0


def parse_and_emit(raw: bytes) -> tuple[Any, bytearray]:
    """rapidyaml's tree of `raw` and the tree as JSON. Its C++ error handler writes to file
    descriptor 2 before raising (a parse error, nesting too deep to emit); the error is libyaml's
    to report, so the descriptor points at /dev/null meanwhile."""
    global _devnull
    if _devnull is None:
        _devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    try:
        os.dup2(_devnull, 2)
        tree = ryml.parse_in_arena(raw)
        return tree, _emit_json(tree)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _emit_json(tree: Any) -> bytearray:
    """The tree as JSON (UTF-8 bytes), emitted into a buffer of ours. `ryml.emit_json_malloc`
    never frees the buffer it mallocs: a worker leaked the size of every file it read (4 kB a
    document, 4 GB a worker over a million documents)."""
    buffer = bytearray(2 * tree.size() * 16 + 1024)  # a first guess; the emitter says if short
    failed, size = ryml.emit_json_to_substr(tree, tree.root_id(), buffer)
    if failed:
        buffer = bytearray(size)
        failed, size = ryml.emit_json_to_substr(tree, tree.root_id(), buffer)
    del buffer[size:]
    return buffer


# Opened once per process and kept: opening and closing it for every file cost two system calls.
_devnull: int | None = None


def fast_data(raw: bytes, text: str, limits: Limits) -> dict[str, Any] | None:
    """The data of a file through rapidyaml, or None when libyaml must decide.

    Only a file in the subset reaches rapidyaml at all (module docstring); its data is then
    taken only when the top is a mapping, no key repeats (a repeated key swallows a node),
    every scalar rapidyaml writes as a number is also a YAML 1.2 core number, no string is one
    a plain scalar would have typed, and the depth, node and string limits hold.
    """
    if not in_fast_subset(text):
        return None
    try:
        tree, emitted = parse_and_emit(raw)
        size = tree.size()
        if size > limits.max_nodes or not tree.is_map(tree.root_id()):
            return None
        if AMBIGUOUS_STRING.search(emitted):
            return None
        data = _decoded(emitted, limits.max_string)
    except Exception:
        return None
    depth, nodes = _depth_and_nodes(data, limits.max_depth)
    # Every tree node but the top is one value in the data, unless a duplicate key swallowed one
    # (libyaml locates it, E108).
    if depth > limits.max_depth or nodes != size - 1:
        return None
    # The JSON (in bytes) is at least as long as any string in it (in characters): most files
    # need no walk for the limit.
    if len(emitted) > limits.max_string and _longest_string(data) > limits.max_string:
        return None
    return data if isinstance(data, dict) else None


# rapidyaml is C++ reading bytes a stranger may have written: a crash there would be a dead
# process, not a located problem (its fuzzing found one, on tags, which the subset keeps from
# it). Where the files come from an untrusted pull request, `EVENTSET_YAML=libyaml` keeps
# every file to libyaml alone: the same verdicts, about three times slower per file.
PARSER_ENV = "EVENTSET_YAML"


def fast_parser_allowed() -> bool:
    return os.environ.get(PARSER_ENV, "fast") != "libyaml"


def parser_choice() -> str:
    """Which parsers may read a file in this process: part of every cache key, so a verdict
    reached under one choice is never served under the other."""
    return "rapidyaml+libyaml" if fast_parser_allowed() else "libyaml"
