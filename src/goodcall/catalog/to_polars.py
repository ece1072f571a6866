"""Compile a predicate tree to a Polars expression (the batch and real-time backend)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import reduce

import polars as pl

from goodcall.catalog.predicates import (
    Arithmetic,
    Between,
    Call,
    Column,
    Compare,
    CompareOp,
    Const,
    InList,
    IsNull,
    Like,
    Logical,
    Negate,
    Node,
    Not,
    Predicate,
    Visitor,
    like_regex,
)
from goodcall.zones import UTC_DATETIME

_SERIES_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "datetime": UTC_DATETIME,
    "time": pl.Time(),
}


_MIRRORED: dict[CompareOp, CompareOp] = {
    "=": "=",
    "<>": "<>",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
}


class PolarsCompiler(Visitor[pl.Expr]):
    """Predicate tree → ``pl.Expr`` over profile columns; SQL NULL semantics are preserved."""

    def column(self, node: Column) -> pl.Expr:
        return pl.col(node.name)

    def const(self, node: Const) -> pl.Expr:
        # Plain (untyped) literals: Polars 2.1 fails to broadcast a *typed* literal compared with
        # a when/then that resolves to its literal branch; the column's dtype decides anyway.
        if isinstance(node.value, dt.datetime):
            return pl.lit(node.value.astimezone(dt.UTC))
        return pl.lit(node.value)

    def compare(self, node: Compare) -> pl.Expr:
        return self._compare(node.op, node.left, node.right)

    def _compare(self, op: CompareOp, left_node: Node, right_node: Node) -> pl.Expr:
        left, right = self.visit(left_node), self.visit(right_node)
        if isinstance(left_node, Const) and not isinstance(right_node, Const):
            # Literal on the right: Polars 2.1 does not broadcast `lit == expr` when `expr`
            # simplifies to a literal (e.g. COALESCE over an all-null column); `expr == lit` is.
            # BETWEEN goes through here too; the parser folds column-free subtrees to literals.
            left, right, op = right, left, _MIRRORED[op]
        match op:
            case "=":
                return left == right
            case "<>":
                return left != right
            case "<":
                return left < right
            case "<=":
                return left <= right
            case ">":
                return left > right
        return left >= right

    def logical(self, node: Logical) -> pl.Expr:
        parts = [self.visit(o) for o in node.operands]
        if node.op == "and":
            return reduce(lambda a, b: a & b, parts)
        return reduce(lambda a, b: a | b, parts)

    def negation(self, node: Not) -> pl.Expr:
        return ~self.visit(node.operand)

    def in_list(self, node: InList) -> pl.Expr:
        operand = self.visit(node.operand)
        values = [v.value for v in node.values]
        if node.operand.type == "number":
            # Compare as floats so an integer field and 2.5 in the list meet on common ground.
            return operand.cast(pl.Float64).is_in(_collection(values, pl.Float64()))
        return operand.is_in(_collection(values, _SERIES_DTYPES[node.operand.type]))

    def between(self, node: Between) -> pl.Expr:
        low = self._compare(">=", node.operand, node.low)
        return low & self._compare("<=", node.operand, node.high)

    def is_null(self, node: IsNull) -> pl.Expr:
        return self.visit(node.operand).is_null()

    def like(self, node: Like) -> pl.Expr:
        flags = "(?i)" if node.case_insensitive else ""
        regex = f"^{flags}(?:{like_regex(node.pattern)})$"
        return self.visit(node.operand).str.contains(regex)

    def arithmetic(self, node: Arithmetic) -> pl.Expr:
        left, right = self.visit(node.left), self.visit(node.right)
        match node.op:
            case "+":
                return left + right
            case "-":
                return left - right
            case "*":
                return left * right
        divisor = right.cast(pl.Float64)
        return pl.when(divisor != 0).then(left.cast(pl.Float64) / divisor).otherwise(None)

    def negate(self, node: Negate) -> pl.Expr:
        return -self.visit(node.operand)

    def call(self, node: Call) -> pl.Expr:
        args = [self.visit(a) for a in node.args]
        match node.name:
            case "lower":
                return args[0].str.to_lowercase()
            case "upper":
                return args[0].str.to_uppercase()
            case "length":
                return args[0].str.len_chars().cast(pl.Int64)
            case "abs":
                return args[0].abs()
            case "coalesce":
                # when/then rather than pl.coalesce: on an all-null column, pl.coalesce returns
                # an unbroadcast literal that then fails to line up with the frame (Polars 2.1).
                result = args[-1]
                for arg in reversed(args[:-1]):
                    result = pl.when(arg.is_not_null()).then(arg).otherwise(result)
                return result
            case "least":
                return pl.min_horizontal(args)
        return pl.max_horizontal(args)


def _collection(values: Sequence[object], dtype: pl.DataType) -> pl.Expr:
    """A list literal for ``is_in`` (one list per row, never a column of values)."""
    return pl.lit(pl.Series(values, dtype=dtype)).implode()


def to_polars(predicate: Predicate | Node) -> pl.Expr:
    """The Polars expression of a predicate: TRUE, FALSE or NULL per row (NULL excludes)."""
    root = predicate.root if isinstance(predicate, Predicate) else predicate
    return PolarsCompiler().visit(root)
