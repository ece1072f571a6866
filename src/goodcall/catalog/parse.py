"""Parse a predicate with sqlglot, check it against the profile fields, build the typed tree.

Everything a marketer can get wrong is caught here, once, with a message that says what to write
instead: an unknown field (with the closest field), a function outside the allow-list, a type
mismatch (``device_os > 3``), a value a field never takes (``device_os = 'ios'``), ``= NULL``
instead of ``IS NULL``, or syntax that is not a condition at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from goodcall.catalog.predicates import (
    ORDERABLE,
    Arithmetic,
    Between,
    Call,
    Column,
    Compare,
    CompareOp,
    Const,
    FunctionName,
    InList,
    IsNull,
    Like,
    Logical,
    Negate,
    Node,
    Not,
    Predicate,
    ValueType,
)
from goodcall.catalog.to_python import PythonEvaluator
from goodcall.limits import MAX_IN_VALUES, MAX_PREDICATE_CHARS, MAX_PREDICATE_DEPTH
from goodcall.profiles import schema

KNOWN_VALUES: dict[str, tuple[str, ...]] = {
    "device_os": schema.DEVICE_OS,
    "country": schema.COUNTRIES,
    "language": schema.LANGUAGES,
    "lang": ("fr", "en"),
    "register": schema.REGISTERS,
    "register_source": schema.REGISTER_SOURCES,
}
"""Text fields whose values are known: comparing them with anything else is a typo."""

_COMPARISONS: dict[type[exp.Expression], CompareOp] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}
_ARITHMETIC: dict[type[exp.Expression], str] = {
    exp.Add: "+",
    exp.Sub: "-",
    exp.Mul: "*",
    exp.Div: "/",
}
_TEXT_FUNCTIONS: dict[type[exp.Expression], FunctionName] = {
    exp.Lower: "lower",
    exp.Upper: "upper",
}
ALLOWED_FUNCTIONS = ("LOWER", "UPPER", "LENGTH", "ABS", "COALESCE", "LEAST", "GREATEST")


class PredicateError(ValueError):
    """A predicate that cannot be used; ``field`` names the offending profile field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def suggest(word: str, choices: Mapping[str, object] | tuple[str, ...] | list[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else an empty string.

    The same word in other letter case wins over any other close match (``fr-ca`` → ``fr-CA``).
    """
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        close = [lowered[word.lower()]]
    else:
        close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_predicate(text: str, fields: Mapping[str, str]) -> Predicate:
    """Parse ``text`` into a checked :class:`Predicate` over ``fields`` (name → predicate type).

    Raises :class:`PredicateError` naming the field or construct at fault, or the limit of
    :mod:`goodcall.limits` a condition is over (length, nesting, ``IN`` list).
    """
    if len(text) > MAX_PREDICATE_CHARS:
        raise PredicateError(
            f"the condition has {len(text):,} characters; the limit is {MAX_PREDICATE_CHARS:,} "
            "(MAX_PREDICATE_CHARS)"
        )
    _check_depth(_parenthesis_depth(text))
    try:
        statements = sqlglot.parse(text)
    except SqlglotError as err:
        raise PredicateError(f"not a valid condition: {_first_line(str(err))}") from err
    except RecursionError as err:  # a shape the limits above did not foresee
        raise PredicateError("the condition is nested too deeply to read") from err
    if len(statements) != 1 or not isinstance(statements[0], exp.Expression):
        raise PredicateError("expected exactly one condition (no ';')")
    _check_depth(_nesting(statements[0]))
    builder = _Builder(fields)
    try:
        root = builder.build(statements[0])
    except RecursionError as err:
        raise PredicateError("the condition is nested too deeply to read") from err
    if root.type != "bool":
        raise PredicateError(
            f"the rule must be a condition (true or false), not a {root.type} value; "
            "compare it with something, e.g. `plan_tier >= 3`"
        )
    return Predicate(text=text, root=root, fields=tuple(builder.used))


def _check_depth(depth: int) -> None:
    if depth > MAX_PREDICATE_DEPTH:
        raise PredicateError(
            f"the condition is nested {depth} levels deep; the limit is {MAX_PREDICATE_DEPTH} "
            "(MAX_PREDICATE_DEPTH)"
        )


def _parenthesis_depth(text: str) -> int:
    """The deepest parenthesis outside quotes, read before the parser (which recurses on it)."""
    depth = deepest = 0
    quote = ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest


def _nesting(root: exp.Expression) -> int:
    """The depth of the parsed condition; a chain of one operator (``a AND b AND c``) is one
    level, as it is one node of the typed tree."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        for child in node.iter_expressions():
            chained = isinstance(child, exp.Connector) and type(child) is type(node)
            stack.append((child, depth if chained else depth + 1))
    return deepest


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


class _Builder:
    """sqlglot expression → typed node, recording the fields used in order of appearance."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields
        self.used: list[str] = []
        self._handlers: dict[type[exp.Expression], Callable[[exp.Expression], Node]] = {
            exp.Paren: lambda e: self.build(e.this),
            exp.Column: self._column,
            exp.Literal: self._literal,
            exp.Boolean: lambda e: Const("bool", bool(e.this)),
            exp.Null: lambda e: Const("null", None),
            exp.And: lambda e: self._logical("and", e),
            exp.Or: lambda e: self._logical("or", e),
            exp.Not: self._not,
            exp.In: self._in,
            exp.Between: self._between,
            exp.Is: self._is,
            exp.Like: self._like,
            exp.ILike: self._like,
            exp.Neg: self._negate,
            exp.Cast: self._cast,
            exp.Coalesce: self._coalesce,
            exp.Least: lambda e: self._extreme("least", e),
            exp.Greatest: lambda e: self._extreme("greatest", e),
            exp.Abs: self._abs,
            exp.Length: self._length,
            exp.Anonymous: self._anonymous,
        }

    def build(self, node: exp.Expression) -> Node:
        return _fold(self._build(node))

    def _build(self, node: exp.Expression) -> Node:
        kind = type(node)
        if kind in _COMPARISONS:
            return self._compare(_COMPARISONS[kind], node)
        if kind in _ARITHMETIC:
            return self._arithmetic(node)
        if kind in _TEXT_FUNCTIONS:
            arg = self._typed(node.this, "text", _TEXT_FUNCTIONS[kind].upper())
            return Call("text", _TEXT_FUNCTIONS[kind], (arg,))
        handler = self._handlers.get(kind)
        if handler is not None:
            return handler(node)
        if isinstance(node, exp.Func):
            name = node.sql_name() if hasattr(node, "sql_name") else kind.__name__.upper()
            raise PredicateError(f"function {name} is not allowed; allowed: {_allowed()}")
        raise PredicateError(f"unsupported syntax: {node.sql()}")

    # leaves ---------------------------------------------------------------------------------
    def _column(self, node: exp.Expression) -> Node:
        assert isinstance(node, exp.Column)
        if node.table:
            raise PredicateError(
                f"write the field without a prefix: {node.name!r}, not {node.sql()!r}", node.name
            )
        name = node.name
        if node.this.args.get("quoted"):
            hint = " (text values take single quotes: 'Android')"
        else:
            hint = ""
        if name not in self.fields:
            raise PredicateError(
                f"unknown field {name!r}{suggest(name, self.fields) or hint}", field=name
            )
        if name not in self.used:
            self.used.append(name)
        return Column(_as_type(self.fields[name]), name)

    def _literal(self, node: exp.Expression) -> Node:
        assert isinstance(node, exp.Literal)
        if node.is_string:
            return Const("text", str(node.this))
        raw = str(node.this)
        try:
            number: int | float = int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                raise PredicateError(f"not a number: {raw!r}") from None
        return Const("number", number)

    def _cast(self, node: exp.Expression) -> Node:
        """``DATE '2026-01-01'``, ``TIMESTAMP '2026-01-01 10:00:00+00:00'``, ``TIME '09:00'``."""
        assert isinstance(node, exp.Cast)
        literal = node.this
        target = node.to.this
        if not (isinstance(literal, exp.Literal) and literal.is_string):
            raise PredicateError(f"CAST is not supported: {node.sql()}")
        text = str(literal.this)
        try:
            if target == exp.DataType.Type.DATE:
                return Const("date", dt.date.fromisoformat(text))
            if target in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ):
                stamp = dt.datetime.fromisoformat(text)
                stamp = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp
                return Const("datetime", stamp.astimezone(dt.UTC))
            if target == exp.DataType.Type.TIME:
                return Const("time", dt.time.fromisoformat(text))
        except ValueError as err:
            raise PredicateError(f"bad {target.value} literal {text!r}: {err}") from err
        raise PredicateError(f"CAST is not supported: {node.sql()}")

    # logic ----------------------------------------------------------------------------------
    def _logical(self, op: str, node: exp.Expression) -> Node:
        """``a AND b AND c`` is one node with three operands; the parser's left-deep chain is
        walked in a loop (a long chain must not recurse once per operator)."""
        chain = [node.expression]
        head = node.this
        while type(head) is type(node):
            chain.append(head.expression)
            head = head.this
        chain.append(head)
        operands: list[Node] = []
        for part in (self._typed(e, "bool", op.upper()) for e in reversed(chain)):
            same = isinstance(part, Logical) and part.op == op
            operands.extend(part.operands if isinstance(part, Logical) and same else (part,))
        return Logical("bool", "and" if op == "and" else "or", tuple(operands))

    def _not(self, node: exp.Expression) -> Node:
        return Not("bool", self._typed(node.this, "bool", "NOT"))

    def _typed(self, node: exp.Expression, wanted: ValueType, where: str) -> Node:
        built = self.build(node)
        if built.type != wanted:
            raise PredicateError(
                f"{where} needs a {wanted} operand, got {built.type}: {node.sql()}",
                _field_of(built),
            )
        return built

    # comparisons ----------------------------------------------------------------------------
    def _compare(self, op: CompareOp, node: exp.Expression) -> Node:
        left, right = self.build(node.this), self.build(node.expression)
        if "null" in (left.type, right.type):
            raise PredicateError(f"compare with NULL using IS NULL / IS NOT NULL: {node.sql()}")
        _check_same_type(left, right, node)
        if left.type == "bool" and op not in ("=", "<>"):
            raise PredicateError(f"booleans can only be compared with = or <>: {node.sql()}")
        for field, value in ((left, right), (right, left)):
            _check_known_value(field, value)
        return Compare("bool", op, left, right)

    def _in(self, node: exp.Expression) -> Node:
        if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
            raise PredicateError(f"IN takes a list of values: {node.sql()}")
        if len(node.expressions) > MAX_IN_VALUES:
            raise PredicateError(
                f"IN lists {len(node.expressions):,} values; the limit is {MAX_IN_VALUES:,} "
                "(MAX_IN_VALUES)"
            )
        operand = self.build(node.this)
        values: list[Const] = []
        for item in node.expressions:
            value = self.build(item)
            if not isinstance(value, Const) or value.type == "null":
                raise PredicateError(f"IN (...) takes literal values, not NULL: {item.sql()}")
            _check_same_type(operand, value, node)
            _check_known_value(operand, value)
            values.append(value)
        if not values:
            raise PredicateError(f"IN needs at least one value: {node.sql()}")
        return InList("bool", operand, tuple(values))

    def _between(self, node: exp.Expression) -> Node:
        operand = self.build(node.this)
        low, high = self.build(node.args["low"]), self.build(node.args["high"])
        for bound in (low, high):
            _check_same_type(operand, bound, node)
        if operand.type not in ORDERABLE:
            raise PredicateError(f"BETWEEN needs ordered values, got {operand.type}: {node.sql()}")
        return Between("bool", operand, low, high)

    def _is(self, node: exp.Expression) -> Node:
        if not isinstance(node.expression, exp.Null):
            raise PredicateError(f"only IS NULL / IS NOT NULL are supported: {node.sql()}")
        return IsNull("bool", self.build(node.this))

    def _like(self, node: exp.Expression) -> Node:
        operand = self._typed(node.this, "text", "LIKE")
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise PredicateError(f"LIKE takes a quoted pattern: {node.sql()}")
        if node.args.get("escape") is not None:
            raise PredicateError(f"LIKE ... ESCAPE is not supported: {node.sql()}")
        built = Like("bool", operand, str(pattern.this), isinstance(node, exp.ILike))
        return Not("bool", built) if node.args.get("negate") else built

    # arithmetic and functions ---------------------------------------------------------------
    def _arithmetic(self, node: exp.Expression) -> Node:
        op = _ARITHMETIC[type(node)]
        left = self._typed(node.this, "number", op)
        right = self._typed(node.expression, "number", op)
        return Arithmetic("number", op, left, right)  # type: ignore[arg-type]

    def _negate(self, node: exp.Expression) -> Node:
        operand = self._typed(node.this, "number", "unary -")
        if isinstance(operand, Const) and isinstance(operand.value, int | float):
            return Const("number", -operand.value)
        return Negate("number", operand)

    def _abs(self, node: exp.Expression) -> Node:
        return Call("number", "abs", (self._typed(node.this, "number", "ABS"),))

    def _length(self, node: exp.Expression) -> Node:
        return Call("number", "length", (self._typed(node.this, "text", "LENGTH"),))

    def _coalesce(self, node: exp.Expression) -> Node:
        args = self._same_typed_args("COALESCE", [node.this, *node.expressions], node)
        return Call(args[0].type, "coalesce", args)

    def _extreme(self, name: FunctionName, node: exp.Expression) -> Node:
        args = self._same_typed_args(name.upper(), [node.this, *node.expressions], node)
        if args[0].type not in ORDERABLE:
            raise PredicateError(f"{name.upper()} needs ordered values: {node.sql()}")
        return Call(args[0].type, name, args)

    def _same_typed_args(
        self, name: str, raw: list[exp.Expression], node: exp.Expression
    ) -> tuple[Node, ...]:
        args = [self.build(a) for a in raw if a is not None]
        if len(args) < 2:
            raise PredicateError(f"{name} needs at least two arguments: {node.sql()}")
        typed = [a for a in args if a.type != "null"]
        if not typed:
            raise PredicateError(f"{name} of NULLs only: {node.sql()}")
        for arg in typed[1:]:
            _check_same_type(typed[0], arg, node)
        return tuple(typed)

    def _anonymous(self, node: exp.Expression) -> Node:
        name = str(node.this).upper()
        raise PredicateError(
            f"unknown function {name}{suggest(name, ALLOWED_FUNCTIONS)}; allowed: {_allowed()}"
        )


def _fold(node: Node) -> Node:
    """Evaluate a column-free subtree once, here (``ABS(-3)`` → ``3``, ``1 / 0`` → NULL).

    Besides saving work per row, this keeps computed constants out of the Polars expressions,
    where Polars 2.1 can fail to broadcast them against a column.
    """
    if isinstance(node, Const | Column) or _has_column(node):
        return node
    return Const(node.type, PythonEvaluator({}).visit(node))


def _has_column(node: Node) -> bool:
    if isinstance(node, Column):
        return True
    children: list[Node] = []
    for value in vars(node).values():
        if isinstance(value, Node):
            children.append(value)
        elif isinstance(value, tuple):
            children.extend(v for v in value if isinstance(v, Node))
    return any(_has_column(child) for child in children)


def _allowed() -> str:
    return ", ".join(ALLOWED_FUNCTIONS)


def _as_type(kind: str) -> ValueType:
    if kind not in ("number", "text", "bool", "date", "datetime", "time"):
        raise PredicateError(f"field type {kind!r} cannot be used in a predicate")
    return kind  # type: ignore[return-value]


def _field_of(node: Node) -> str | None:
    return node.name if isinstance(node, Column) else None


def _check_same_type(left: Node, right: Node, where: str | exp.Expression) -> None:
    """``where`` (the SQL, or the node to render only when the types differ: rendering a
    2,000-value ``IN`` list once per value made loading quadratic)."""
    if left.type != right.type:
        sql = where if isinstance(where, str) else where.sql()
        described = [
            f"{n.name} is {n.type}" if isinstance(n, Column) else f"{n.type}" for n in (left, right)
        ]
        raise PredicateError(
            f"type mismatch ({described[0]}, compared with {described[1]}): {sql}",
            _field_of(left) or _field_of(right),
        )


def _check_known_value(field: Node, value: Node) -> None:
    """``device_os = 'ios'`` is a typo: the field only ever holds iOS, Android or Other."""
    if not (isinstance(field, Column) and isinstance(value, Const) and value.type == "text"):
        return
    known = KNOWN_VALUES.get(field.name)
    if known is None or value.value in known:
        return
    raise PredicateError(
        f"{field.name} is never {value.value!r}{suggest(str(value.value), known)}; "
        f"it is one of {', '.join(known)}",
        field.name,
    )
