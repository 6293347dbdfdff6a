"""Subjects and stream configurations of the live streams (docs/architecture.md §9).

- ``kyc.<tenant>.decisions``: every decision of a tenant (stream ``KYC_DECISIONS``);
- ``kyc.<tenant>.sessions.<session id>.<event>``: each session's status events, with requirements/capture §4's
  names (``scan.status.updated`` ...), in stream ``KYC_SESSIONS``.
Each message's ``Nats-Msg-Id`` is the ledger event id (originator id + version); the two streams
de-duplicate independently, so a decision event keeps the same id in both.
"""

from __future__ import annotations

import re

from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig

from domain.errors import DomainError

SESSIONS_STREAM = "KYC_SESSIONS"
DECISIONS_STREAM = "KYC_DECISIONS"
DAY = 24 * 3600.0
# A relay restarted within this window republishes without duplicates (JetStream de-duplication).
DUPLICATE_WINDOW_S = 1 * DAY

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class UnsafeSubjectTokenError(DomainError):
    """A tenant or session id that cannot be one NATS subject token (dots, wildcards, spaces)."""

    code = "unsafe_subject_token"


def token(value: str, what: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise UnsafeSubjectTokenError(f"{what} cannot be a NATS subject token", **{what: value[:64]})
    return value


def decisions_subject(tenant_id: str) -> str:
    return f"kyc.{token(tenant_id, 'tenant_id')}.decisions"


def session_subject(tenant_id: str, session_id: str, event_name: str) -> str:
    return f"kyc.{token(tenant_id, 'tenant_id')}.sessions.{token(session_id, 'session_id')}.{event_name}"


def stream_configs() -> list[StreamConfig]:
    """Both streams: file storage, age-limited, de-duplicating on ``Nats-Msg-Id``."""
    common = {"retention": RetentionPolicy.LIMITS, "storage": StorageType.FILE, "discard": DiscardPolicy.OLD,
              "duplicate_window": DUPLICATE_WINDOW_S}
    return [
        StreamConfig(name=SESSIONS_STREAM, subjects=["kyc.*.sessions.>"], max_age=7 * DAY,
                     description="kycledger per-session status events", **common),
        StreamConfig(name=DECISIONS_STREAM, subjects=["kyc.*.decisions"], max_age=30 * DAY,
                     description="kycledger decisions per tenant", **common),
    ]
