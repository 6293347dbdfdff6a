"""Verification sessions: configuration, statuses, events and the application commands."""

from domain.sessions.aggregate import VerificationSession
from domain.sessions.configuration import DocumentType, LivenessType, SessionConfiguration
from domain.sessions.status import LEGAL_TRANSITIONS, SessionStatus
from domain.sessions.values import CaptureKind, Decision, ReviewQueue, Route

__all__ = [
    "LEGAL_TRANSITIONS",
    "CaptureKind",
    "Decision",
    "DocumentType",
    "LivenessType",
    "ReviewQueue",
    "Route",
    "SessionConfiguration",
    "SessionStatus",
    "VerificationSession",
]
