"""Input guards shared by the session commands: codes instead of free text, hashes, enum parsing."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from domain.errors import InvalidArgumentError
from domain.sessions.errors import CaptureLimitReachedError
from domain.sessions.values import CaptureKind, Decision, Route

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CODE = re.compile(r"^[a-z][a-z0-9_.:-]{0,79}$")


def require_code(name: str, value: str) -> None:
    """Steps, topics, reasons and reviewer ids are short codes: free text invites personal data."""
    if not isinstance(value, str) or not _CODE.match(value):
        raise InvalidArgumentError(f"{name} must be a short lowercase code", field=name)


def require_sha256(name: str, value: str) -> None:
    if not isinstance(value, str) or not _SHA256.match(value):
        raise InvalidArgumentError(f"{name} must be 64 lowercase hex digits", field=name)


def parse_capture(kind: str, content_sha256: str, blob_ref: str) -> CaptureKind:
    """A capture is recorded by kind, content hash and encrypted-blob reference, never bytes."""
    try:
        capture_kind = CaptureKind(kind)
    except ValueError as exc:
        raise InvalidArgumentError("unknown capture kind", kind=kind) from exc
    require_sha256("content_sha256", content_sha256)
    if not blob_ref or len(blob_ref) > 500:
        raise InvalidArgumentError("blob_ref must be a non-empty reference (max 500)")
    return capture_kind


MAX_CAPTURES_PER_KIND = 5  # per attempt: retakes within an attempt, never an unbounded stream


def ensure_capture_room(attempt_captures: Sequence[Mapping[str, Any]], kind: str) -> None:
    """Refuse a capture once the attempt holds ``MAX_CAPTURES_PER_KIND`` of its kind."""
    if sum(1 for c in attempt_captures if c.get("kind") == kind) >= MAX_CAPTURES_PER_KIND:
        raise CaptureLimitReachedError(f"this attempt already has {MAX_CAPTURES_PER_KIND} {kind} captures; "
                                       "start a new attempt to capture again", kind=kind,
                                       limit=MAX_CAPTURES_PER_KIND)


def parse_outcome(outcome: Mapping[str, Any]) -> tuple[Decision, Route]:
    """The policy outcome must name a decision, a route, a numeric score and its breakdown."""
    try:
        decision, route = Decision(outcome["decision"]), Route(outcome["route"])
    except (KeyError, ValueError) as exc:
        raise InvalidArgumentError("outcome needs a valid decision and route") from exc
    score = outcome.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise InvalidArgumentError("outcome needs a numeric score")
    if not isinstance(outcome.get("score_breakdown"), list):
        raise InvalidArgumentError("outcome needs its score breakdown")
    return decision, route


def parse_reviewer_decision(decision: str) -> Decision:
    """A reviewer decides accepted or rejected (requirements/pipeline §9 review outcomes)."""
    try:
        verdict = Decision(decision)
    except ValueError as exc:
        raise InvalidArgumentError("unknown decision", decision=decision) from exc
    if verdict == Decision.REVIEW:
        raise InvalidArgumentError("a reviewer decides accepted or rejected")
    return verdict


REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"
"""The client's ``reference``: an opaque id of the case in the client's own systems (README "The
client reference"). It stays readable after erasure, so that an erasure receipt can be matched to
the client's record; that is why it may not hold personal data: no spaces (no names), no ``@``
(no e-mail addresses), 1-100 characters of letters, digits and ``_ . : -``."""
_REFERENCE = re.compile(REFERENCE_PATTERN)


def require_reference(value: str) -> None:
    if not isinstance(value, str) or not _REFERENCE.match(value):
        raise InvalidArgumentError("reference must be an opaque id: 1-100 letters, digits, '_', '.', ':' or '-' "
                                   "(no spaces, names or e-mail addresses)", field="reference")
