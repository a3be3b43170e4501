"""Mutants of one Python module: small AST edits, each spliced into the original text so every
other line keeps its place (and its line number in the report).

Operators: comparison swaps (`<` -> `<=`, `==` -> `!=`, `in` -> `not in`, ...), `and` <-> `or`,
dropping `not` or `~`, `&` <-> `|`, `True` <-> `False`, integer constants +1 and -1, `+` <-> `-`, `min` <-> `max`
(also `.min()`, `min_horizontal`), `first` <-> `last`, `any` <-> `all`, dropping a call that
filters, sorts or deduplicates (`.filter(...)`, `.sort(...)`, `.unique()`, `sorted(...)`), and
removing a statement (an expression such as a `yield` or an append, an `if`, a loop, `+=`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_NAME_SWAPS = {"min": "max", "max": "min"}
_ATTRIBUTE_SWAPS = {
    "min": "max",
    "max": "min",
    "min_horizontal": "max_horizontal",
    "max_horizontal": "min_horizontal",
    "first": "last",
    "last": "first",
    "any": "all",
    "all": "any",
}
_DROPPABLE_METHODS = {"filter", "sort", "sort_by", "unique", "drop_nulls", "head", "strip"}
_DROPPABLE_FUNCTIONS = {"sorted", "set", "reversed"}
_REMOVABLE_STATEMENTS = (ast.Expr, ast.If, ast.For, ast.AugAssign, ast.Continue, ast.Break)


@dataclass(frozen=True)
class Mutant:
    path: str  # repository-relative, as in reports
    line: int
    column: int  # 1-based
    description: str
    source: str  # the whole mutated module
    end_line: int  # last line of the edited code: the tests covering line..end_line run it

    @property
    def key(self) -> str:
        """Identity in the equivalent-mutant list: place and edit (column keeps two edits of one
        line apart)."""
        return f"{self.path}:{self.line}:{self.column} {self.description}"


def _offsets(text: str) -> list[int]:
    """Character offset of the start of each line (1-based line numbers index it)."""
    starts = [0, 0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


class _Collector(ast.NodeVisitor):
    def __init__(self) -> None:
        self.edits: list[tuple[ast.AST, str, str]] = []  # node, replacement text, description
        self._skip_depth = 0

    def _add(self, node: ast.AST, replacement: ast.AST | str, description: str) -> None:
        if self._skip_depth:
            return
        text = replacement if isinstance(replacement, str) else f"({ast.unparse(replacement)})"
        self.edits.append((node, text, description))

    def _skipped(self, node: ast.AST) -> None:
        self._skip_depth += 1
        self.generic_visit(node)
        self._skip_depth -= 1

    # Regions where an edit changes nothing at run time or cannot be spliced reliably.
    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._skipped(node)

    def visit_arg(self, node: ast.arg) -> None:
        self._skipped(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._skip_depth += 1
        self.visit(node.annotation)
        self._skip_depth -= 1
        if node.value is not None:
            self.visit(node.value)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._body(node.body)
        for child in (*node.decorator_list, *node.args.defaults, *node.args.kw_defaults):
            if child is not None:
                self.visit(child)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._body(node.body)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        return

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        self.generic_visit(node)

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node.body)

    def _body(self, body: list[ast.stmt]) -> None:
        statements = body
        if (
            statements
            and isinstance(statements[0], ast.Expr)
            and isinstance(statements[0].value, ast.Constant)
            and isinstance(statements[0].value.value, str)
        ):
            statements = statements[1:]  # the docstring
        for statement in statements:
            if isinstance(statement, _REMOVABLE_STATEMENTS) and not self._skip_depth:
                what = type(statement).__name__.lower()
                if isinstance(statement, ast.Expr):
                    value = statement.value
                    what = "yield" if isinstance(value, ast.Yield | ast.YieldFrom) else "expression"
                self._add(statement, "pass", f"remove the {what} statement")
            self.visit(statement)

    def generic_visit(self, node: ast.AST) -> None:
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(node, ast.stmt) and isinstance(body, list):
                # Statement lists are visited through _body so their statements can be removed.
                others = [
                    (name, value)
                    for name, value in ast.iter_fields(node)
                    if name not in ("body", "orelse", "finalbody", "handlers")
                ]
                for _, value in others:
                    self._visit_value(value)
                self._body(getattr(node, "body", []) or [])
                for handler in getattr(node, "handlers", []) or []:
                    self._body(handler.body)
                self._body(getattr(node, "orelse", []) or [])
                self._body(getattr(node, "finalbody", []) or [])
                return
        super().generic_visit(node)

    def _visit_value(self, value: object) -> None:
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    self.visit(item)
        elif isinstance(value, ast.AST):
            self.visit(value)

    def visit_Compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            swap = _COMPARE_SWAPS.get(type(op))
            if swap is None:
                continue
            mutated = ast.Compare(
                node.left, [*node.ops[:i], swap(), *node.ops[i + 1 :]], node.comparators
            )
            self._add(node, mutated, f"{_op(op)} -> {_op(swap())}")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        self._add(node, ast.BoolOp(other, node.values), f"{_op(node.op)} -> {_op(other)}")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._add(node, node.operand, "drop `not`")
        elif isinstance(node.op, ast.Invert):
            self._add(node, node.operand, "drop `~`")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swaps: dict[type[ast.operator], ast.operator] = {
            ast.Add: ast.Sub(),
            ast.Sub: ast.Add(),
            ast.BitAnd: ast.BitOr(),  # `&` and `|` combine polars conditions
            ast.BitOr: ast.BitAnd(),
        }
        swap = swaps.get(type(node.op))
        if swap is not None and not _is_string(node):
            mutated = ast.BinOp(node.left, swap, node.right)
            self._add(node, mutated, f"{_op(node.op)} -> {_op(swap)}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bool):
            self._add(node, repr(not node.value), f"{node.value} -> {not node.value}")
        elif isinstance(node.value, int):
            for delta in (1, -1):
                self._add(node, repr(node.value + delta), f"{node.value} -> {node.value + delta}")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _NAME_SWAPS:
            swapped = ast.Call(ast.Name(_NAME_SWAPS[func.id]), node.args, node.keywords)
            self._add(node, swapped, f"{func.id}() -> {_NAME_SWAPS[func.id]}()")
        if isinstance(func, ast.Name) and func.id in _DROPPABLE_FUNCTIONS and len(node.args) == 1:
            self._add(node, node.args[0], f"drop {func.id}()")
        if isinstance(func, ast.Attribute):
            if func.attr in _ATTRIBUTE_SWAPS:
                attribute = ast.Attribute(func.value, _ATTRIBUTE_SWAPS[func.attr])
                swapped = ast.Call(attribute, node.args, node.keywords)
                self._add(node, swapped, f".{func.attr}() -> .{_ATTRIBUTE_SWAPS[func.attr]}()")
            if func.attr in _DROPPABLE_METHODS:
                self._add(node, func.value, f"drop .{func.attr}()")
        self.generic_visit(node)


def _is_string(node: ast.BinOp) -> bool:
    return any(
        isinstance(side, ast.Constant) and isinstance(side.value, str | bytes)
        for side in (node.left, node.right)
    ) or any(isinstance(side, ast.JoinedStr) for side in (node.left, node.right))


def _op(op: ast.AST) -> str:
    symbols = {
        ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
        ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
        ast.And: "and", ast.Or: "or", ast.Add: "+", ast.Sub: "-", ast.BitAnd: "&", ast.BitOr: "|",
    }  # fmt: skip
    return f"`{symbols[type(op)]}`"


def mutants(path: str, text: str) -> Iterator[Mutant]:
    """Every mutant of one module's text, in source order."""
    collector = _Collector()
    collector.visit(ast.parse(text))
    starts = _offsets(text)
    seen: set[str] = set()
    ordered = sorted(
        collector.edits,
        key=lambda e: (getattr(e[0], "lineno", 0), getattr(e[0], "col_offset", 0), e[2]),
    )
    for node, replacement, description in ordered:
        lineno = getattr(node, "lineno", None)
        end_lineno = getattr(node, "end_lineno", None)
        col = getattr(node, "col_offset", None)
        end_col = getattr(node, "end_col_offset", None)
        if lineno is None or end_lineno is None or col is None or end_col is None:
            continue
        # ast columns are UTF-8 byte offsets; convert through the line's bytes.
        first = text[starts[lineno] : starts[lineno + 1]]
        last = text[starts[end_lineno] : starts[end_lineno + 1]]
        begin = starts[lineno] + len(first.encode()[:col].decode())
        end = starts[end_lineno] + len(last.encode()[:end_col].decode())
        source = text[:begin] + replacement + text[end:]
        mutant = Mutant(path, lineno, col + 1, description, source, end_lineno)
        if mutant.key in seen or source == text:
            continue
        try:
            ast.parse(source)
        except SyntaxError:
            continue  # e.g. a removed statement that was the target of a decorator
        seen.add(mutant.key)
        yield mutant
