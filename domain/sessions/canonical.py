"""Canonical JSON and content hashes of recorded events.

A decision names every event it read by originator id, version and the sha256 of the event's
canonical form (docs/architecture.md §6), so replay can prove it reads exactly the same facts.
The canonical form is sorted-key, compact, ASCII-only JSON; tuples become lists, UUIDs and
datetimes become strings, so the hash is the same before storage and after reading back.
Personal values hash as their subject id only: erasure must not change the hash of any
decision input (docs/architecture.md §5).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.errors import InvalidArgumentError
from domain.personal_data import PersonalData


def to_json_value(value: Any) -> Any:
    """Turn a recorded value into plain JSON data (dict/list/str/int/float/bool/None)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidArgumentError("non-finite number cannot be recorded", value=repr(value))
        return value
    if isinstance(value, Enum):
        return to_json_value(value.value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, PersonalData):
        return {"personal_data_of": value.subject_id}
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    raise InvalidArgumentError("value type cannot be recorded as JSON", type=type(value).__name__)


def canonical_json(value: Any) -> str:
    """The one canonical JSON text of ``value`` (sorted keys, no spaces, ASCII)."""
    return json.dumps(to_json_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_content_hash(event: object) -> str:
    """sha256 of the canonical JSON of an event's recorded fields plus its stable topic."""
    fields = dict(vars(event))
    fields["topic"] = getattr(type(event), "TOPIC", type(event).__qualname__)
    return sha256_hex(canonical_json(fields))


@dataclass(frozen=True)
class EventRef:
    """Points at one recorded event and pins its content."""

    originator_id: str
    originator_version: int
    sha256: str

    @classmethod
    def of(cls, event: object) -> EventRef:
        return cls(
            originator_id=str(getattr(event, "originator_id")),  # noqa: B009 - any domain event
            originator_version=int(getattr(event, "originator_version")),  # noqa: B009
            sha256=event_content_hash(event),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "originator_id": self.originator_id,
            "originator_version": self.originator_version,
            "sha256": self.sha256,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventRef:
        return cls(str(data["originator_id"]), int(data["originator_version"]), str(data["sha256"]))
