"""The typed tree of a catalog predicate, and the one visitor every backend implements.

A predicate such as ``device_os = 'Android' AND plan_data_gb < 20`` is parsed once (sqlglot, see
:mod:`goodcall.catalog.parse`), checked, and turned into the small tree below. Backends never see
SQL text: the Polars compiler (:mod:`goodcall.catalog.to_polars`) and the direct Python evaluator
(:mod:`goodcall.catalog.to_python`, the parity oracle) are both :class:`Visitor` subclasses, and a
Spark backend would be a third.

Semantics are SQL's: three-valued logic (a comparison with NULL is NULL; ``AND``/``OR`` follow
Kleene logic), and a rule passes only when its predicate is TRUE — NULL excludes. Division by zero
gives NULL.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

ValueType = Literal["number", "text", "bool", "date", "datetime", "time", "null"]
ORDERABLE: frozenset[str] = frozenset({"number", "text", "date", "datetime", "time"})
CompareOp = Literal["=", "<>", "<", "<=", ">", ">="]
ArithOp = Literal["+", "-", "*", "/"]
FunctionName = Literal["lower", "upper", "length", "abs", "coalesce", "least", "greatest"]
LiteralValue = int | float | str | bool | dt.date | dt.datetime | dt.time | None


@dataclass(frozen=True)
class Node:
    """A typed node of the predicate tree."""

    type: ValueType


@dataclass(frozen=True)
class Column(Node):
    name: str


@dataclass(frozen=True)
class Const(Node):
    value: LiteralValue


@dataclass(frozen=True)
class Compare(Node):
    op: CompareOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Logical(Node):
    op: Literal["and", "or"]
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class InList(Node):
    operand: Node
    values: tuple[Const, ...]


@dataclass(frozen=True)
class Between(Node):
    operand: Node
    low: Node
    high: Node


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node


@dataclass(frozen=True)
class Like(Node):
    operand: Node
    pattern: str
    case_insensitive: bool


@dataclass(frozen=True)
class Arithmetic(Node):
    op: ArithOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Call(Node):
    name: FunctionName
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Predicate:
    """A parsed and checked predicate: its source text, its tree, and the fields it reads."""

    text: str
    root: Node
    fields: tuple[str, ...]


T = TypeVar("T")


class Visitor(ABC, Generic[T]):
    """Translate a predicate tree node by node; one method per node kind."""

    def visit(self, node: Node) -> T:
        match node:
            case Column():
                return self.column(node)
            case Const():
                return self.const(node)
            case Compare():
                return self.compare(node)
            case Logical():
                return self.logical(node)
            case Not():
                return self.negation(node)
            case InList():
                return self.in_list(node)
            case Between():
                return self.between(node)
            case IsNull():
                return self.is_null(node)
            case Like():
                return self.like(node)
            case Arithmetic():
                return self.arithmetic(node)
            case Negate():
                return self.negate(node)
            case Call():
                return self.call(node)
        raise TypeError(f"unknown predicate node {node!r}")

    @abstractmethod
    def column(self, node: Column) -> T: ...
    @abstractmethod
    def const(self, node: Const) -> T: ...
    @abstractmethod
    def compare(self, node: Compare) -> T: ...
    @abstractmethod
    def logical(self, node: Logical) -> T: ...
    @abstractmethod
    def negation(self, node: Not) -> T: ...
    @abstractmethod
    def in_list(self, node: InList) -> T: ...
    @abstractmethod
    def between(self, node: Between) -> T: ...
    @abstractmethod
    def is_null(self, node: IsNull) -> T: ...
    @abstractmethod
    def like(self, node: Like) -> T: ...
    @abstractmethod
    def arithmetic(self, node: Arithmetic) -> T: ...
    @abstractmethod
    def negate(self, node: Negate) -> T: ...
    @abstractmethod
    def call(self, node: Call) -> T: ...


def like_regex(pattern: str) -> str:
    """The regular expression of an SQL LIKE pattern (``%`` any run, ``_`` one character).

    Unanchored and written only with constructs Python's ``re`` and Rust's ``regex`` read the
    same way (``(?s)``, ``.``, ``.*``, ``\\UXXXXXXXX`` escapes), so the Polars backend (which
    anchors with ``^…$``) and the Python evaluator (``re.fullmatch``) agree character for
    character.
    """
    out: list[str] = ["(?s)"]
    for char in pattern:
        if char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        elif char.isascii() and char.isalnum():
            out.append(char)
        else:
            out.append(f"\\U{ord(char):08X}")
    return "".join(out)
