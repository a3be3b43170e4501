"""A Hypothesis generator of YAML *shapes*: where rapidyaml and libyaml have been seen to differ.

A document is built as well-formed nested YAML (block mappings and sequences, plain, quoted and
block scalars, flow collections), from pieces chosen for trouble: block scalars with every
header at the end of the file with or without a final line feed, keys around libyaml's
1,024-character limit, flow collections holding comments, `?`, `:` and ` #`, every Unicode space
character, document markers, directives, complex keys. Then it may be bent: a line re-indented,
a piece of trouble inserted anywhere, the final line feed dropped, line ends made CRLF.
Generation is cheap (no corpus, every strategy built once), so thousands of cases run in
seconds.
"""

from __future__ import annotations

from hypothesis import strategies as st

# Every character Python calls whitespace (which covers Unicode's Zs, the line and paragraph
# separators, NEL and the ASCII ones), plus two that once were or look like spaces.
UNICODE_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()] + ["\u180e", "\u200b"]
# Spaces a file may hold raw (the file rules refuse tabs, controls and invisible characters
# first, so those only test decode_text).
_ODD_SPACES = [c for c in UNICODE_SPACES if c not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"]

_TROUBLE = [
    *_ODD_SPACES,
    *(f"{c}x" for c in _ODD_SPACES),
    *(f"?{c}" for c in _ODD_SPACES),
    *(f"x{c}#c" for c in _ODD_SPACES),
    "#", " #", " #c", "#c", ":", ": ", ":x", "x:", "?", "? ", "?x", "-", "- ", "-x", ",", ", ",
    "[", "]", "{", "}", "'", '"', "''", "|", ">", "&", "*", "!", "%", "@", "`", "\\", "~", "...",
    "---", "\u2028", "\u2029", "\ufffe", "\r", "\t", "é", "\u2019",
]  # fmt: skip
_WORDS = [
    "a", "b", "x1", "null", "Null", "NULL", "~", "true", "True", "false", "no", "yes", "on",
    "0", "1", "-1", "+1", "017", "0x1f", "1_000", "0.5", "-0.5", "1e3", "1.5e-3", ".5", "5.",
    "nan", ".inf", "-.inf", "2021-09-07", "US-led", "it's", "é", "Occupation\u2019s", "a:b",
    "http://x.y/z", "x#y", "a.b", "a/b", "a+b", "(a)", "a)", "=", "<<", "-x",
]  # fmt: skip
_KEYS = ["a", "b", "c", "key", "_k", "k-1", "K9", "quote", "suffix", "null", "True", "no", "nan"]
_LONG_KEY_LENGTHS = [127, 128, 129, 1022, 1023, 1024, 1025, 1026]
_TEXT = st.text(
    alphabet=st.sampled_from([*"ab #:-?,[]{}'\"\\|>&*!%@`.~", *_ODD_SPACES, "é", "\u2019"]),
    max_size=12,
)


def _one_in(n: int) -> st.SearchStrategy[bool]:
    return st.integers(min_value=1, max_value=n).map(lambda drawn: drawn == 1)


# Strategies are built once: building one per draw cost most of the generation time.
_ONE_IN_3, _ONE_IN_5, _ONE_IN_6, _ONE_IN_8, _ONE_IN_10 = map(_one_in, (3, 5, 6, 8, 10))
_BOOL = st.booleans()
_TROUBLE_PIECE = st.sampled_from(_TROUBLE)
_POSITION = st.floats(min_value=0, max_value=1)
_WORD_LIST = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3)
_WORD_LIST_OR_NONE = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=3)
_QUOTED_BODY = st.one_of(st.sampled_from(_WORDS), _TEXT)
_SCALAR_KIND = st.sampled_from(["plain", "plain", "double", "single"])
_KEY_KIND = st.sampled_from(["word"] * 12 + ["long", "quoted", "odd"])
_LONG_KEY = st.sampled_from(_LONG_KEY_LENGTHS)
_QUOTED_KEY = st.sampled_from(['"a"', "'b'", '"a b"', '""', "'x''y'"])
_PLAIN_KEY = st.sampled_from(_KEYS)
_SEPARATOR = st.sampled_from([", "] * 6 + [",", " , ", ", #c\n  ", ",\n  ", ", ? ", ",  "])
_PADDING = st.sampled_from(["", "", "", "", " ", "\u3000", "\u00a0"])
_ITEMS = st.integers(min_value=0, max_value=3)
_STYLE = st.sampled_from(["|", ">"])
_CHOMPING = st.sampled_from(["", "", "-", "-", "+"])
_INDENTATION_INDICATOR = st.sampled_from(["", "", "", "", "", "2", "1"])
_HEADER_END = st.sampled_from(["", "", "", "", "", " #c", "  "])
_CONTENT_INDENT = st.integers(min_value=1, max_value=3)
_CONTENT_LINES = st.integers(min_value=1, max_value=3)
_CONTENT_SHIFT = st.sampled_from([0, 0, 0, 0, 1, -1])
_LINE_END_SPACE = st.sampled_from(["", "", " ", "\u3000"])
_ENTRY_KIND = st.sampled_from(["scalar", "scalar", "flow", "block", "map", "seq", "null"])
_DEEPER = st.sampled_from([2, 2, 4, 1, 0])
_COMMENT_LINE = st.sampled_from(["# c", "", "#", "  # c"])
_EXTRA_LINE = st.sampled_from(
    ["---", "...", "--- ", "%YAML 1.2\n---", "? a\n: 1", "- x", "#", "a: |"]
)
_REINDENT = st.integers(min_value=0, max_value=3)
_LINE_END = st.sampled_from(["\n"] * 7 + ["\r\n"])
_FILE_END = st.sampled_from(["{e}"] * 5 + ["", "{e}{e}", "{e}  "])  # {e}: the line end


def _bend(draw: st.DrawFn, text: str) -> str:
    """`text`, one time in five with a piece of trouble inserted somewhere."""
    if not draw(_ONE_IN_5):
        return text
    at = round(draw(_POSITION) * len(text))
    return text[:at] + draw(_TROUBLE_PIECE) + text[at:]


@st.composite
def _keys(draw: st.DrawFn) -> str:
    kind = draw(_KEY_KIND)
    if kind == "long":
        length = draw(_LONG_KEY)
        quoted = draw(_BOOL)
        body = "k" * (length - 2 if quoted else length)
        return f'"{body}"' if quoted else body
    if kind == "quoted":
        return draw(_QUOTED_KEY)
    if kind == "odd":
        return _bend(draw, draw(_PLAIN_KEY))
    return draw(_PLAIN_KEY)


@st.composite
def _scalars(draw: st.DrawFn) -> str:
    """One scalar as written in a block: plain, double- or single-quoted."""
    kind = draw(_SCALAR_KIND)
    if kind == "plain":
        return _bend(draw, " ".join(draw(_WORD_LIST)))
    body = draw(_QUOTED_BODY)
    if kind == "double":
        return '"' + body.replace("\\", "").replace('"', "") + '"'
    return "'" + body.replace("'", "''") + "'"


KEYS = _keys()
SCALARS = _scalars()


@st.composite
def _flows(draw: st.DrawFn, inner: st.SearchStrategy[str] | None) -> str:
    """A flow sequence or mapping, maybe holding `inner` ones, with odd separators and comments."""
    mapping = draw(_BOOL)
    items: list[str] = []
    for _ in range(draw(_ITEMS)):
        value = draw(inner) if inner is not None and draw(_ONE_IN_3) else draw(SCALARS)
        items.append(f"{draw(KEYS)}: {value}" if mapping else value)
    opened, closed = "{}" if mapping else "[]"
    padding = draw(_PADDING)
    return _bend(draw, opened + padding + draw(_SEPARATOR).join(items) + padding + closed)


FLOWS = _flows(_flows(_flows(None)))
_SCALAR_OR_FLOW = st.one_of(SCALARS, FLOWS)


def _block_scalar(draw: st.DrawFn, indent: int) -> list[str]:
    """A block scalar's header and content lines (the header follows `key: `)."""
    header = draw(_STYLE) + draw(_CHOMPING) + draw(_INDENTATION_INDICATOR) + draw(_HEADER_END)
    lines = [header]
    inner = indent + draw(_CONTENT_INDENT)
    for _ in range(draw(_CONTENT_LINES)):
        line = " " * max(inner + draw(_CONTENT_SHIFT), 0) + " ".join(draw(_WORD_LIST_OR_NONE))
        lines.append(_bend(draw, line) + draw(_LINE_END_SPACE))
    return lines


def _block(draw: st.DrawFn, indent: int, depth: int, dash: bool) -> list[str]:
    """A block mapping (or, when `dash`, a block sequence) at `indent`, as lines."""
    lines: list[str] = []
    # Distinct keys mostly: a repeated key is refused by both, and would crowd out the rest.
    unique = not draw(_ONE_IN_10)
    for key in draw(_UNIQUE_KEYS if unique else _ANY_KEYS):
        lead = " " * indent + ("- " if dash else "")
        if dash and draw(_BOOL):
            lines.append(lead + draw(_SCALAR_OR_FLOW))
            continue
        kind = draw(_ENTRY_KIND)
        if kind == "scalar":
            lines.append(f"{lead}{key}: {draw(SCALARS)}")
        elif kind == "flow":
            lines.append(f"{lead}{key}: {draw(FLOWS)}")
        elif kind == "block":
            header, *content = _block_scalar(draw, len(lead))
            lines += [f"{lead}{key}: {header}", *content]
        elif kind == "null" or depth >= 2:
            lines.append(f"{lead}{key}:")
        else:
            lines.append(f"{lead}{key}:")
            deeper = draw(_DEEPER)
            if deeper == 0 and kind != "seq":
                deeper = 2  # a mapping at its key's column is no longer its value
            lines += _block(draw, len(lead) + deeper, depth + 1, kind == "seq")
        if draw(_ONE_IN_6):
            lines.append(" " * indent + draw(_COMMENT_LINE))
    return lines


_UNIQUE_KEYS = st.lists(KEYS, min_size=1, max_size=3, unique=True)
_ANY_KEYS = st.lists(KEYS, min_size=1, max_size=3)


@st.composite
def _yaml_shapes(draw: st.DrawFn) -> bytes:
    """A YAML file: mostly well formed, often bent at one place."""
    lines = _block(draw, 0, 0, dash=False)
    if draw(_ONE_IN_8):
        lines.insert(round(draw(_POSITION) * len(lines)), draw(_EXTRA_LINE))
    if draw(_ONE_IN_6):
        i = round(draw(_POSITION) * (len(lines) - 1))
        lines[i] = " " * draw(_REINDENT) + lines[i].lstrip(" ")
    if draw(_ONE_IN_6):
        i = round(draw(_POSITION) * (len(lines) - 1))
        lines[i] = _bend(draw, lines[i])
    end = draw(_LINE_END)
    text = end.join(lines) + draw(_FILE_END).format(e=end)
    return text.encode("utf-8", "surrogatepass")


YAML_SHAPES = _yaml_shapes()
