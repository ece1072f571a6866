"""Read a YAML file keeping where every key and value came from, and explain validation errors.

Shared by the catalog and the policy loaders. A compliance officer or a marketer edits these
files by hand, so an error must say ``file:line:column``, which offer or jurisdiction, which field,
and — for a misspelt key — the key they probably meant. Nothing is half-loaded: either the whole
file validates or a :class:`SourceError` lists every problem found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from goodcall.limits import ConfigTooBig, LimitedYamlLoader, read_config_text, too_big

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source file."""

    where: str  # "file:line:column" (or just the file name when no position is known)
    context: str  # "offer HS_IPHONE17_FETES", "jurisdiction FR", or ""
    field: str  # "eligibility[0].when"
    message: str

    def __str__(self) -> str:
        parts = [self.where]
        if self.context:
            parts.append(self.context)
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts) + f": {self.message}"


class SourceError(ValueError):
    """Every problem found in one source file (nothing was loaded)."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s):\n{lines}")


@dataclass
class Located:
    """Plain YAML data plus the (line, column) — 1-based — of every key and value by path."""

    name: str
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc, *, key: bool = False) -> str:
        """``name:line:col`` of the value (or, with ``key``, the key) at ``loc``.

        Falls back to the deepest known prefix of ``loc`` when the path does not exist.
        """
        if key and tuple(loc) in self.key_marks:
            line, col = self.key_marks[tuple(loc)]
            return f"{self.name}:{line}:{col}"
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(tuple(loc[:end]))
            if mark is not None:
                return f"{self.name}:{mark[0]}:{mark[1]}"
        return self.name

    def get(self, loc: Loc) -> Any:
        """The raw value at ``loc``, or None when the path does not exist."""
        value = self.data
        for part in loc:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value


def read_yaml(text: str, name: str) -> Located:
    """Parse one YAML document; syntax errors, duplicate keys, aliases, too deep a nesting and
    too large a text become :class:`SourceError` (see :mod:`goodcall.limits`)."""
    refused = too_big(len(text.encode("utf-8", "surrogatepass")))
    if refused is not None:
        raise SourceError(name, [Problem(name, "", "", refused)])
    try:
        loader = LimitedYamlLoader(text)  # its reader refuses control characters at once
    except yaml.YAMLError as err:
        raise SourceError(name, [Problem(name, "", "", f"malformed YAML: {err}")]) from err
    try:
        node = loader.get_single_node()
        located = Located(name=name, data=None)
        located.data = {} if node is None else _construct(loader, node, (), located)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        message = " ".join(str(p) for p in (err.context, err.problem) if p)
        raise SourceError(name, [Problem(where, "", "", f"malformed YAML: {message}")]) from err
    except yaml.YAMLError as err:
        raise SourceError(name, [Problem(name, "", "", f"malformed YAML: {err}")]) from err
    finally:
        loader.dispose()
    return located


def read_yaml_file(path: Path) -> Located:
    """:func:`read_yaml` on a file; a missing or unreadable file is a :class:`SourceError`."""
    try:
        text = read_config_text(path)
    except ConfigTooBig as err:
        raise SourceError(str(path), [Problem(str(path), "", "", str(err))]) from err
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(str(path), [Problem(str(path), "", "", f"cannot read: {err}")]) from err
    return read_yaml(text, str(path))


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


def _construct(loader: LimitedYamlLoader, node: yaml.Node, loc: Loc, out: Located) -> Any:
    out.marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be a plain value, not a list or a mapping",
                    key_node.start_mark,
                )  # fmt: skip
            key = _construct(loader, key_node, (*loc, "<key>"), out)
            if key in result:
                raise _DuplicateKey(
                    None,
                    None,
                    f"duplicate key {key!r} (a later value would silently win)",
                    key_node.start_mark,
                )
            out.key_marks[(*loc, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = _construct(loader, value_node, (*loc, key), out)
        out.marks.pop((*loc, "<key>"), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*loc, i), out) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if node.style is None and ":" in node.value and node.tag.endswith((":int", ":float")):
        return node.value  # 21:30 is a clock time here, not YAML 1.1 base-60 arithmetic
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as err:  # a date that does not exist (2026-13-01), ...
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a valid value: {err}", node.start_mark
        ) from err


def validation_problems(
    err: ValidationError,
    located: Located,
    model: type[BaseModel],
    context: Callable[[Loc], tuple[str, Loc]],
) -> list[Problem]:
    """Turn Pydantic errors into :class:`Problem` rows with positions and key suggestions.

    ``context(loc)`` names the object a path belongs to (``"offer X"``) and returns the rest of the
    path, which becomes the field name.
    """
    problems: list[Problem] = []
    for error in err.errors():
        loc: Loc = tuple(error["loc"])
        label, rest = context(loc)
        message = str(error["msg"])
        if error["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
            allowed = field_names(model_at(model, loc[:-1]))
            close = difflib.get_close_matches(loc[-1], allowed, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}? " if close else ""
            message = f"unknown key {loc[-1]!r}; {hint}allowed keys: {', '.join(allowed)}"
        elif error["type"] == "missing":
            message = "required key is missing"
        elif error["type"] == "value_error":
            message = message.removeprefix("Value error, ")
            if _is_scalar(error.get("input")):
                message = f"{message} (got {error['input']!r})"
        elif _is_scalar(error.get("input")) or isinstance(error.get("input"), list):
            message = f"{message} (got {error['input']!r})"
        where = located.where(loc, key=error["type"] == "extra_forbidden")
        problems.append(Problem(where, label, dotted(rest), message))
    return problems


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool | dt.date) and len(repr(value)) < 80


def dotted(loc: Loc) -> str:
    """``('eligibility', 0, 'when')`` → ``eligibility[0].when``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def field_names(model: type[BaseModel] | None) -> list[str]:
    """The keys a model accepts (by alias when one is set)."""
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The Pydantic model that validates the object at ``loc`` under ``model``, if any."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    return _as_model(current)


def _step(annotation: Any, part: str | int) -> Any:
    model = _as_model(annotation)
    if model is not None:
        if not isinstance(part, str):
            return None
        for name, info in model.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    for inner in _unwrap(annotation):
        origin = typing.get_origin(inner)
        args = typing.get_args(inner)
        if origin in (list, tuple) and args and isinstance(part, int):
            return args[0]
        if origin is dict and len(args) == 2 and isinstance(part, str):
            return args[1]
    return None


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _as_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
