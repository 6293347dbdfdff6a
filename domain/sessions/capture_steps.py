"""The capture part of a ``VerificationSession``: captures, checks, extracted data, retries and help.

Public commands check invariants with named guards and then call the methods named after their
event (``_capture_recorded`` ...), whose bodies only change state. The aggregate turns each of those
into its recorded event with its stored topic (``domain.sessions.aggregate``), so replaying stored
events never re-runs a guard or reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.address_proof.capture import ensure_capture_wanted
from domain.checks import CheckResult, CheckType
from domain.errors import InvalidArgumentError
from domain.personal_data import PersonalData
from domain.sessions.canonical import to_json_value
from domain.sessions.errors import CheckNotRequestedError, RetryLimitReachedError, SessionExpiredError
from domain.sessions.guards import ensure_capture_room, parse_capture, require_code
from domain.sessions.session_state import SessionState
from domain.sessions.status import SessionStatus, ensure_transition
from domain.sessions.steering import document_captures_to_keep, ensure_not_steered
from domain.sessions.values import CARRY_OVER_STEPS, check_result_to_record


class CaptureSteps(SessionState):
    """Mixin of ``VerificationSession``: what the person being verified and the ML side record."""

    # ------------------------------------------------------------------ captures and checks
    def record_capture(
        self, kind: str, content_sha256: str, blob_ref: str, metadata: Mapping[str, Any], now: datetime
    ) -> None:
        """Record a capture by content hash and encrypted-blob reference, never the bytes."""
        self._guard_open_for_user(now, "record a capture")
        self._guard_attempt_open(self.attempt)
        capture_kind = parse_capture(kind, content_sha256, blob_ref)
        ensure_capture_wanted(str(capture_kind), self.config.require_address_proof)
        ensure_capture_room(self.captures.get(self.attempt, []), str(capture_kind))
        self._capture_recorded(
            attempt=self.attempt,
            kind=str(capture_kind),
            content_sha256=content_sha256,
            blob_ref=blob_ref,
            metadata=to_json_value(dict(metadata)),
        )

    def _capture_recorded(
        self, attempt: int, kind: str, content_sha256: str, blob_ref: str, metadata: dict[str, Any]
    ) -> None:
        self.captures.setdefault(attempt, []).append(
            {"kind": kind, "content_sha256": content_sha256, "blob_ref": blob_ref, "metadata": metadata}
        )

    def _guard_check_requested(self, check: str) -> None:
        if check != CheckType.QUALITY and check not in self.required_checks:
            raise CheckNotRequestedError("check not in the session configuration", check=check)

    def request_check(self, check: str) -> None:
        """Record that a check was handed to the ML side for the current attempt."""
        self._require_status("request a check", SessionStatus.PENDING)
        self._guard_attempt_open(self.attempt)
        self._guard_check_requested(check)
        self._check_requested(attempt=self.attempt, check=check)

    def _check_requested(self, attempt: int, check: str) -> None:
        self.requested_checks.setdefault(attempt, []).append(check)

    def record_check_result(self, attempt: int, result: CheckResult) -> None:
        """Record a completed check; checks of one attempt may arrive in any order (requirements/liveness pattern B)."""
        self._require_status("record a check result", SessionStatus.PENDING)
        self._guard_attempt_open(attempt)
        self._guard_check_requested(str(result.check))
        self._check_completed(attempt=attempt, result=check_result_to_record(result))

    def _check_completed(self, attempt: int, result: dict[str, Any]) -> None:
        # A re-delivered check replaces the earlier one; the decision names the event it read.
        self.results.setdefault(attempt, {})[str(result["check"])] = result

    def record_extracted_data(self, attempt: int, fields: Mapping[str, PersonalData]) -> None:
        """Record personal values read from the document; persistence encrypts each per subject."""
        self._require_status("record extracted data", SessionStatus.PENDING)
        self._guard_attempt_open(attempt)
        for name, value in fields.items():
            require_code("field name", name)
            if not isinstance(value, PersonalData):
                raise InvalidArgumentError("extracted values must be PersonalData", field=name)
        self._document_data_extracted(attempt=attempt, fields=dict(fields))

    def _document_data_extracted(self, attempt: int, fields: dict[str, PersonalData]) -> None:
        self.extracted_fields = sorted(fields)  # names only: values stay in the encrypted event

    # ------------------------------------------------------------------ retries and help
    def request_retry(self, step: str, reason: str, now: datetime) -> None:
        """A new attempt (requirements/capture §4 POST /kyc/retry; requirements/pipeline §12), capped by max_retries.

        From manual review only by the tenant (a re-submission, requirements/pipeline §9 "Needs more info"), never
        for a locked case (``review_lock``) and never by the person being verified. A retry of the selfie
        or liveness step keeps the attempt's document captures.
        """
        require_code("step", step)
        require_code("reason", reason)
        ensure_not_steered(self.review_lock, self.status, "request a retry")
        if self.status == SessionStatus.MANUAL_REVIEW:
            ensure_transition(self.status, SessionStatus.PENDING, "request a retry")
            if self.is_overdue(now):
                raise SessionExpiredError("session TTL elapsed")
        else:
            self._guard_open_for_user(now, "request a retry")
        if self.retries_left <= 0:
            raise RetryLimitReachedError("retry limit reached", max_retries=self.configuration["max_retries"])
        if self.attempt in self.decisions:
            self._decision_superseded(attempt=self.attempt, superseded_by="new_attempt", reason=reason)
        previous = self.attempt
        self._retry_requested(
            attempt=self.attempt + 1, step=step, reason=reason, liveness_type=self.liveness_type
        )
        self._carry_document_over(step, from_attempt=previous)

    def _retry_requested(self, attempt: int, step: str, reason: str, liveness_type: str) -> None:
        self.retries.append({"attempt": attempt, "step": step, "reason": reason})
        self.attempt = attempt
        self.liveness_type = liveness_type
        self.status = SessionStatus.PENDING
        self.review_queue = None
        self.review_reason = ""
        self.reviewer = None
        self.reviewer_name = None

    def _carry_document_over(self, step: str, from_attempt: int) -> None:
        """A selfie or liveness retry keeps the document the person already scanned (requirements/pipeline §12:
        ask again only for what failed). Each kept capture is its own event, so the ledger shows
        which scan the new attempt's checks read."""
        if step not in CARRY_OVER_STEPS:
            return
        for kept in document_captures_to_keep(self.captures.get(from_attempt, [])):
            self._capture_carried_over(
                attempt=self.attempt, from_attempt=from_attempt, kind=str(kept["kind"]),
                content_sha256=str(kept["content_sha256"]), blob_ref=str(kept["blob_ref"]),
                metadata=dict(kept["metadata"]))

    def _capture_carried_over(self, attempt: int, from_attempt: int, kind: str, content_sha256: str,
                              blob_ref: str, metadata: dict[str, Any]) -> None:
        self.captures.setdefault(attempt, []).append(
            {"kind": kind, "content_sha256": content_sha256, "blob_ref": blob_ref, "metadata": metadata,
             "carried_from": from_attempt}
        )

    def request_help(self, step: str, topic: str) -> None:
        """Log a help request for funnel analysis (requirements/capture §4 POST /kyc/help-request)."""
        require_code("step", step)
        require_code("topic", topic)
        self._require_status("request help", SessionStatus.PENDING, SessionStatus.MANUAL_REVIEW)
        self._help_requested(attempt=self.attempt, step=step, topic=topic)

    def _help_requested(self, attempt: int, step: str, topic: str) -> None:
        self.help_requests.append({"attempt": attempt, "step": step, "topic": topic})
