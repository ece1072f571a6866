"""Values built once per live object, kept by the object's identity.

Compiled catalogs and policies are Pydantic models (unhashable) that live for a whole run or
service; what is derived from them alone (expression lists, window tables, indexes) is built once
per object. The object itself is kept beside its value so that a recycled ``id`` never returns
another object's value, and at most ``size`` objects are held (a test suite compiles hundreds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class PerObject(Generic[V]):
    """``get(owner, build)``: ``build()`` the first time ``owner`` is seen, its value after."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._held: dict[int, tuple[object, V]] = {}

    def get(self, owner: object, build: Callable[[], V]) -> V:
        held = self._held.get(id(owner))
        if held is not None and held[0] is owner:
            return held[1]
        if len(self._held) > self.size:
            self._held.clear()
        value = build()
        self._held[id(owner)] = (owner, value)
        return value
