"""The valid values of an enum field a request got wrong, so a 400 can list them.

litestar reports a msgspec enum error as ``{"message": "Invalid enum value ...", "key": "checks[1]"}``;
``allowed_at`` walks ``key`` through the operation's body type to the enum and returns its values
(requirements/platform §15: closed sets are enums, and an unknown value is answered with the valid ones).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec.inspect as mi

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _unwrap(info: mi.Type) -> mi.Type:
    while True:
        if isinstance(info, mi.Metadata):
            info = info.type
        elif isinstance(info, mi.UnionType):
            members = [t for t in info.types if not isinstance(t, mi.NoneType)]
            if len(members) != 1:
                return info
            info = members[0]
        else:
            return info


def _values(info: mi.Type) -> list[str] | None:
    info = _unwrap(info)
    if isinstance(info, mi.LiteralType):
        return [str(v) for v in info.values]
    if isinstance(info, mi.EnumType):
        return [str(m.value) for m in info.cls]
    if isinstance(info, mi.UnionType):  # e.g. Literal[...] | Literal[...]: every member's values
        found = [_values(t) for t in info.types]
        if all(f is not None for f in found):
            return [v for f in found for v in f or []]
    return None


def allowed_at(body_type: Any, key: str) -> list[str] | None:
    """The values allowed at ``key`` (``checks[1]``, ``event_types[0]``, ``type``) of ``body_type``, or None."""
    try:
        info: mi.Type = mi.type_info(body_type)
    except (TypeError, ValueError):
        return None
    for name, index in _SEGMENT.findall(key):
        info = _unwrap(info)
        if name and isinstance(info, (mi.StructType, mi.DataclassType)):
            field = next((f for f in info.fields if f.encode_name == name), None)
            if field is None:
                return None
            info = field.type
        elif index and isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
            info = info.item_type
        else:
            return None
    return _values(info)
