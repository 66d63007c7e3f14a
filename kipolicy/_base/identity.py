"""Values remembered per object, by identity, for as long as the object lives.

For frozen objects checked or fingerprinted once however often they are used: the entry holds
the object weakly, so an id reused after the object is collected never finds its entry. No lock:
single dict operations are atomic, and a weakref callback may run while any code is running,
where taking a lock could deadlock.
"""

from __future__ import annotations

import weakref
from typing import Any, Generic, TypeVar

__all__ = ["IdentityCache"]

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """A value per live object, found by the object's identity."""

    __slots__ = ("_table",)

    def __init__(self) -> None:
        self._table: dict[int, tuple[weakref.ref[Any], V]] = {}

    def get(self, obj: object) -> V | None:
        entry = self._table.get(id(obj))
        if entry is not None and entry[0]() is obj:
            return entry[1]
        return None

    def put(self, obj: object, value: V) -> None:
        key, table = id(obj), self._table

        def forget(ref: weakref.ref[Any]) -> None:
            found = table.get(key)
            if found is not None and found[0] is ref:
                table.pop(key, None)

        table[key] = (weakref.ref(obj, forget), value)

    def __len__(self) -> int:
        return len(self._table)
