"""The verification pipeline: a session's captures in, recorded ``CheckCompleted`` events out.

For the current attempt of a session it reads the captures from the blob store, runs every requested
check that has no result yet through the ML ports (requirements/platform §3.5 "Full e-KYC workflow":
liveness -> ocr -> validate -> face_match; requirements/pipeline §4-§7), and records, in this order, the extracted
document data (``DocumentDataExtracted`` with ``PersonalData``) and one ``CheckCompleted`` per check
with its model provenance. The decision is ``services.decisions.decider.SessionDecider``'s: after
recording, ``decide`` asks it to consider the session at once (it is exactly-once, so the decision
worker and this call never both decide).

Idempotent per check and attempt: a check that already has a result for the attempt is not run
again, and a session that moved on (decided, retried, cancelled) is left alone, so a redelivered job
is harmless. Sandbox principals get the ``ops.sandbox`` adapter set and every result says so.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.application import KycLedger
from domain.audit import SANDBOX_MARK, audit_context
from domain.checks import CheckResult, CheckType, Outcome
from domain.errors import ConflictError, DomainError
from domain.personal_data import PersonalData
from domain.ports.blobs import BlobStore, session_subject_id
from domain.ports.face import FaceNotFoundError, InvalidImageError, ProbeMatch
from domain.ports.kya import KyaRequest, kya_check_result
from domain.ports.media import LivenessFramesCodec
from domain.ports.screening import screening_check_result
from domain.sessions.aggregate import VerificationSession
from domain.sessions.challenges import SessionChallenges
from domain.sessions.status import SessionStatus
from services.decisions.decider import SessionDecider
from services.erasure.retention import processing_restricted
from services.verification.address_proof import FIELD_CHECK, address_proof_check
from services.verification.face_step import face_match_result
from services.verification.liveness_step import liveness_result
from services.verification.modules import ModuleOperations
from services.verification.ports import MlServices, NoTelemetry, PipelineTelemetry
from services.verification.results import (
    DOCUMENT_CHECKS,
    PIPELINE_ACTOR,
    RESTRICTED,
    DocumentOutcome,
    capture_failure,
    record_module_call,
    sandbox_label,
    screening_query,
)

log = logging.getLogger("kycledger.pipeline")


class VerificationPipeline(ModuleOperations):
    """Runs checks through the ML ports and records them; one instance per process."""

    def __init__(self, ledger: KycLedger, blobs: BlobStore, real: Callable[[], MlServices],
                 sandbox: MlServices, challenges: SessionChallenges, frames: LivenessFramesCodec,
                 today: Callable[[], date] = lambda: datetime.now(UTC).date(),
                 telemetry: PipelineTelemetry | None = None) -> None:
        self.ledger = ledger
        self.blobs = blobs
        self.frames = frames
        self.telemetry: PipelineTelemetry = telemetry or NoTelemetry()
        self._real = real
        self._sandbox = sandbox
        self.challenges = challenges
        self.watchlist_dir: Path | None = None  # where the real screener's lists come from (review evidence)
        self.today = today
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        # Called once per recorded check with (check, outcome, seconds): the API's Prometheus hook
        # (api.observability.ApiMetrics.observe_check) registers itself here when both share a process.
        self.check_observers: list[Callable[[str, str, float], None]] = []

    # ------------------------------------------------------------------ sessions
    def process_session(self, tenant_id: str, session_id: UUID, *, sandbox: bool,
                        only: frozenset[CheckType] | None = None) -> list[str]:
        """Run and record the missing checks of the current attempt; the checks recorded."""
        actor = PIPELINE_ACTOR + (SANDBOX_MARK if sandbox else "")
        with self.telemetry.span("pipeline.process_session", {"kyc.sandbox": sandbox}), \
                audit_context(tenant_id, actor, f"pipeline-{session_id}"):
            session = self.ledger.get_session(tenant_id, session_id)
            if session.status != SessionStatus.PENDING or session.attempt in session.decisions:
                return []
            if processing_restricted(self.ledger, tenant_id, session_subject_id(tenant_id, session_id), self.now()):
                # GDPR Art. 18 (domain.retention): no check may use a restricted subject's data; the
                # session ends with the reason on record instead of waiting to expire (unless a
                # reviewer must decide it: domain.sessions.steering).
                with contextlib.suppress(ConflictError):
                    self.ledger.cancel(tenant_id, session_id, RESTRICTED)
                return []
            attempt = session.attempt
            done = set(session.results.get(attempt, {}))
            wanted = [CheckType(c) for c in session.required_checks
                      if c not in done and (only is None or CheckType(c) in only or self._along(session, c, only))]
            if not wanted:
                return []
            results, extracted, seconds = self._run_checks(session, attempt, wanted, sandbox)
            ran_until = time.time_ns()
            recorded = self._record(tenant_id, session_id, attempt, results, extracted, done)
            for result in results:
                if str(result.check) in recorded:
                    self._observe(result, seconds.get(result.check, 0.0))
                    self.telemetry.record_check(result, seconds.get(result.check, 0.0), ran_until)
            return recorded

    @staticmethod
    def _along(session: VerificationSession, check: str, only: frozenset[CheckType]) -> bool:
        """A check that runs with a step that does not name it: the document checks with the face match,
        which reads the document anyway (so a document kept from the previous attempt by a selfie or
        liveness retry is judged without a new scan, and no step leaves data_validation behind), and the
        address check of an address document kept from the previous attempt."""
        if CheckType(check) in DOCUMENT_CHECKS and CheckType.FACE_MATCH in only:
            return True
        kept = {str(c["kind"]) for c in session.captures.get(session.attempt, []) if c.get("carried_from")}
        return CheckType(check) is CheckType.ADDRESS_PROOF and "address_proof" in kept

    def _observe(self, result: CheckResult, seconds: float) -> None:
        for observer in self.check_observers:
            try:
                observer(str(result.check), str(result.outcome), seconds)
            except Exception:  # metrics never fail a verification
                log.exception("check observer failed")

    def _captures(self, session: VerificationSession, attempt: int) -> dict[str, dict[str, object]]:
        latest: dict[str, dict[str, object]] = {}
        for capture in session.captures.get(attempt, []):
            latest[str(capture["kind"])] = capture
        return latest

    def _blob(self, subject: str, capture: Mapping[str, object] | None) -> bytes | None:
        return None if capture is None else self.blobs.get(subject, str(capture["blob_ref"]))

    def _run_checks(self, session: VerificationSession, attempt: int, wanted: list[CheckType],
                    sandbox: bool) -> tuple[list[CheckResult], dict[str, PersonalData], dict[CheckType, float]]:
        subject = session_subject_id(session.tenant, session.id)
        captures = self._captures(session, attempt)
        selfie = self._blob(subject, captures.get("selfie"))
        front = self._blob(subject, captures.get("document_front"))
        results: list[CheckResult] = []
        extracted: dict[str, PersonalData] = {}
        needs_document = any(c in DOCUMENT_CHECKS or c in (CheckType.SCREENING, CheckType.KYA, CheckType.FACE_MATCH,
                                                           CheckType.ADDRESS_PROOF) for c in wanted)
        document: DocumentOutcome | None = None
        seconds: dict[CheckType, float] = {}
        started = time.perf_counter()
        # The selfie's work needs no document (requirements/platform §3.5): liveness and the selfie's
        # face analysis for the face match run beside the document read (another model family,
        # another lock), so face match waits after the read only for the portrait's analysis.
        with ThreadPoolExecutor(max_workers=1) as pool:
            # in this thread's context: pixels the request's intake handed over (decoded_uploads) go along
            selfie_work = pool.submit(contextvars.copy_context().run, self._selfie_work, session, subject,
                                      captures, selfie, sandbox,
                                      CheckType.FACE_MATCH in wanted and front is not None,
                                      CheckType.LIVENESS in wanted)
            if needs_document and front is not None:
                back = self._blob(subject, captures.get("document_back"))
                document = self.read_document(front, back, subject, sandbox)
                seconds.update(dict.fromkeys((*DOCUMENT_CHECKS, CheckType.QUALITY), time.perf_counter() - started))
                extracted = dict(document.reading.fields)
                results.append(document.results[CheckType.QUALITY])
            probe, liveness = selfie_work.result()
            liveness_result = None
            if liveness is not None:  # its own time, not the document read's it ran beside
                liveness_result, seconds[CheckType.LIVENESS] = liveness
        for check in wanted:
            step = time.perf_counter()
            if check in DOCUMENT_CHECKS:
                results.append(document.results[check] if document else capture_failure(check, "document_missing"))
            elif check is CheckType.FACE_MATCH:
                prepared, probe_seconds = probe if probe is not None else (None, 0.0)
                results.append(face_match_result(float(session.configuration["face_match_threshold"]), selfie,
                                                  prepared, document, sandbox))
                step -= probe_seconds  # its selfie analysis, done beside the read, counts in its time
            elif check is CheckType.LIVENESS and liveness_result is not None:
                results.append(liveness_result)
            elif check is CheckType.SCREENING:
                results.append(self._screening(document, sandbox))
            elif check is CheckType.KYA:
                results.append(self._kya(document, sandbox))
            elif check is CheckType.ADDRESS_PROOF:  # the holder's name comes from this attempt's document
                proof, sealed = address_proof_check(self.services(sandbox), self._blob(subject, captures.get(
                    "address_proof")), document.reading.fields if document else {}, subject, self.today())
                results.append(proof)
                extracted.update(sealed)
            if check in (CheckType.FACE_MATCH, CheckType.SCREENING, CheckType.KYA, CheckType.ADDRESS_PROOF):
                seconds[check] = time.perf_counter() - step
        return results, extracted, seconds

    def _selfie_work(self, session: VerificationSession, subject: str,
                     captures: Mapping[str, Mapping[str, object]], selfie: bytes | None, sandbox: bool,
                     face_match: bool, liveness: bool
                     ) -> tuple[tuple[ProbeMatch | DomainError, float] | None, tuple[CheckResult, float] | None]:
        """The selfie analysed for the face match, then liveness, in one face scope: the selfie is
        decoded, detected and embedded once for both (docs/targets.md §5)."""
        with self.services(sandbox).face_scope():
            probe = self._probe(selfie, sandbox) if face_match and selfie is not None else None
            live = self._timed_liveness(session, subject, captures, selfie, sandbox) if liveness else None
        return probe, live

    def _timed_liveness(self, session: VerificationSession, subject: str,
                        captures: Mapping[str, Mapping[str, object]], selfie: bytes | None,
                        sandbox: bool) -> tuple[CheckResult, float]:
        """The liveness result and its own seconds (for its metric and span: it runs beside the read)."""
        started = time.perf_counter()
        result = liveness_result(self, session, captures, lambda c: self._blob(subject, c), selfie, sandbox)
        return result, time.perf_counter() - started

    def _probe(self, selfie: bytes, sandbox: bool) -> tuple[ProbeMatch | DomainError, float]:
        """The selfie analysed for the face match (or why it cannot be), and the seconds it took."""
        started = time.perf_counter()
        prepared: ProbeMatch | DomainError
        try:
            prepared = self.face_match_with(selfie, sandbox)
        except (FaceNotFoundError, InvalidImageError) as exc:  # reported after the document's own failures
            prepared = exc
        return prepared, time.perf_counter() - started

    def _screening(self, document: DocumentOutcome | None, sandbox: bool) -> CheckResult:
        query = screening_query(document.reading.fields) if document else None
        if query is None:  # nothing to screen: a human must look, never a silent pass
            return CheckResult(check=CheckType.SCREENING, outcome=Outcome.UNCERTAIN, reasons=("no_name_to_screen",))
        return sandbox_label(screening_check_result(self.screen(query, sandbox)), sandbox)

    def _kya(self, document: DocumentOutcome | None, sandbox: bool) -> CheckResult:
        fields = document.reading.fields if document else {}
        name = " ".join(fields[k].value for k in ("given_names", "surname") if k in fields).strip() or None
        country = fields["nationality"].value if "nationality" in fields else None
        if not (name or country):
            return CheckResult(check=CheckType.KYA, outcome=Outcome.UNCERTAIN, reasons=("kya_no_input",))
        report = self.kya(KyaRequest(document_name=name, country=country), sandbox)
        return sandbox_label(kya_check_result(report), sandbox)

    def _record(self, tenant_id: str, session_id: UUID, attempt: int, results: list[CheckResult],
                extracted: dict[str, PersonalData], done: set[str]) -> list[str]:
        """Record the extracted data, then each result, in ONE transaction and once per check.

        Two runs of one attempt can overlap (a job redelivered or recovered from the ledger while a
        slow run still goes, an instant call beside its recovered job): whichever saves second finds
        the version moved (``IntegrityError``), re-reads and records only what is still missing, so
        each check's result and its extracted data are recorded exactly once. Stops quietly when the
        session moved on (decided, retried, cancelled).
        """
        for remaining in range(5, 0, -1):
            try:
                session = self.ledger.get_session(tenant_id, session_id)
                done = set(session.results.get(attempt, {}))
                fresh = {k: v for k, v in extracted.items() if FIELD_CHECK.get(k, "ocr") not in done}
                if fresh:
                    session.record_extracted_data(attempt, fresh)
                recorded = []
                for result in results:
                    if str(result.check) not in done and str(result.check) not in recorded:
                        session.record_check_result(attempt, result)
                        recorded.append(str(result.check))
                if recorded or fresh:
                    self.ledger.save(session)
                return recorded
            except IntegrityError:
                if remaining == 1:
                    raise
            except ConflictError:
                return []  # attempt closed or decided meanwhile: the recorded facts stand, nothing to add
            except DomainError as exc:
                if exc.code != "illegal_status_transition":
                    raise
                return []
        return []

    def decide(self, session_id: UUID) -> bool:
        """Decide the session now (``SessionDecider``) if all its checks are in."""
        return SessionDecider(self.ledger).consider(session_id)


__all__ = ["PIPELINE_ACTOR", "VerificationPipeline", "record_module_call", "sandbox_label"]
