"""The single-module operations (document read, face match, liveness, KYA, screening) on a process's ML set.

The module routes call them one by one (requirements/platform §3.1-§3.6) and the verification
pipeline calls them for a session's checks; a sandbox caller gets the sandbox set, whose every
result says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from domain.application import KycLedger
from domain.checks import CheckType
from domain.errors import ConflictError
from domain.ports.document import to_check_results
from domain.ports.face import FaceMatchResult, ProbeMatch
from domain.ports.kya import KyaReport, KyaRequest
from domain.ports.liveness import CapturedFrame, ChallengeResponse, LivenessResult
from domain.ports.media import LivenessFramesCodec
from domain.ports.screening import ScreeningQuery, ScreeningResult
from domain.sessions.aggregate import VerificationSession
from domain.sessions.challenges import SessionChallenges, session_challenge
from services.verification.ports import MlServices
from services.verification.results import DEFAULT_MIN_AGE, DocumentOutcome, age_result, sandbox_label


class ModuleOperations:
    """The module calls (document, face, liveness, KYA, screening) on the real or the sandbox models."""

    ledger: KycLedger
    challenges: SessionChallenges
    frames: LivenessFramesCodec
    today: Callable[[], date]
    _real: Callable[[], MlServices]
    _sandbox: MlServices

    def services(self, sandbox: bool) -> MlServices:
        return self._sandbox if sandbox else self._real()

    def read_document(self, front: bytes, back: bytes | None, subject_id: str, sandbox: bool) -> DocumentOutcome:
        ml = self.services(sandbox)
        # No process-wide lock: the reader's OCR engines and portrait detector each admit one call at
        # a time, so concurrent reads run side by side (the ML adapters' own pool).
        reading = ml.document_reader.read(front, back, subject_id=subject_id)
        validation = ml.document_validator.validate(reading, today=self.today(), min_age=DEFAULT_MIN_AGE)
        quality, ocr, data, fraud = to_check_results(reading, validation)
        results = {r.check: sandbox_label(r, sandbox) for r in (ocr, data, fraud, age_result(validation))}
        results[CheckType.QUALITY] = sandbox_label(quality, sandbox)
        return DocumentOutcome(reading, validation, results)

    # No process-wide face lock either: the face and landmark models come in copies, one per core,
    # each serving one call at a time (ml/face/pool.py), so concurrent verifications' face work runs
    # side by side.
    def match_faces(self, probe: bytes, reference: bytes, threshold: float | None, sandbox: bool) -> FaceMatchResult:
        return self.services(sandbox).face_matcher.match(probe, reference, threshold)

    def face_match_with(self, probe: bytes, sandbox: bool) -> ProbeMatch:
        """The probe (selfie) analysed now, matched later against a reference."""
        return self.services(sandbox).face_matcher.with_probe(probe)

    def passive_liveness(self, image: bytes, sandbox: bool) -> LivenessResult:
        return self.services(sandbox).passive_liveness.check(image)

    def active_liveness(self, session: VerificationSession, frames_blob: bytes, selfie: bytes | None,
                        received_at: datetime, used_nonces: frozenset[str], sandbox: bool) -> LivenessResult:
        events = list(self.ledger.events.get(session.id))
        challenge = session_challenge(self.challenges, session, events)
        if challenge is None:
            raise ConflictError("the session does not use active liveness")
        packed = self.frames.unpack(frames_blob)
        response = ChallengeResponse(nonce=packed.nonce, frames=tuple(
            CapturedFrame(image, offset) for image, offset in zip(packed.frames, packed.offsets_ms, strict=True)))
        return self.services(sandbox).active_liveness.check(challenge, response, selfie, received_at, used_nonces)

    def kya(self, request: KyaRequest, sandbox: bool) -> KyaReport:
        return self.services(sandbox).kya.check(request)

    def screen(self, query: ScreeningQuery, sandbox: bool) -> ScreeningResult:
        return self.services(sandbox).require_screener().screen(query)
