"""Shared base for request and response bodies (msgspec Structs as DTOs)."""

from __future__ import annotations

import msgspec


class Dto(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Immutable, keyword-only, and unknown fields are a 400 rather than silently dropped."""
