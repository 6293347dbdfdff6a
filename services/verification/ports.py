"""What the verification pipeline needs from outside: the ML port set of a process, and telemetry.

The composition root fills them: ``ops.ml_services.build_ml_services`` (the real adapters) or
``ops.sandbox.build_sandbox_services`` (the deterministic sandbox set, the same shape), and
``adapters.telemetry.spans.OtelPipelineTelemetry`` when tracing is wired. Tests pass fakes here.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from domain.checks import CheckResult
from domain.ports.address_proof import AddressProofReader
from domain.ports.document import DocumentReader, DocumentValidator
from domain.ports.face import FaceMatcher, ModelUnavailableError
from domain.ports.kya import KyaChecker
from domain.ports.liveness import ActiveLivenessChecker, PassiveLivenessChecker
from domain.ports.screening import SanctionsScreener

WATCHLIST_ENV = "KYC_WATCHLIST_DIR"
"""The setting that names the watchlist folder (docs/architecture.md §7): named in the error a
requested screening check raises when no screener is wired, instead of passing unscreened."""


@dataclass
class MlServices:
    """Port implementations; ``sandbox`` labels every output. The adapters are safe to call from
    several threads at once (the real ones hold copies of their models, ``ml/face/pool.py``)."""

    document_reader: DocumentReader
    document_validator: DocumentValidator
    face_matcher: FaceMatcher
    passive_liveness: PassiveLivenessChecker
    active_liveness: ActiveLivenessChecker
    kya: KyaChecker
    address_proof_reader: AddressProofReader  # shares the document reader's OCR engines
    screener: SanctionsScreener | None
    sandbox: bool = False
    # A block within which the face adapters decode, detect and embed each image once (on the
    # calling thread): the pipeline runs a verification's selfie work inside one.
    face_scope: Callable[[], AbstractContextManager[object]] = nullcontext

    def require_screener(self) -> SanctionsScreener:
        if self.screener is None:
            raise ModelUnavailableError(
                f"screening needs watchlists: set {WATCHLIST_ENV} to a folder of OFAC/UN/CSL list files",
                setting=WATCHLIST_ENV)
        return self.screener


class PipelineTelemetry(Protocol):
    """Spans for the pipeline's work: ids, enum values and model names only, never personal data."""

    def span(self, name: str, attributes: dict[str, str | bool | int]) -> AbstractContextManager[object]:
        """A current span around a block of work (a free no-op when tracing is off)."""
        ...

    def record_check(self, result: CheckResult, seconds: float, ended_ns: int) -> None:
        """One span for a recorded check, lasting ``seconds`` and ending at ``ended_ns``."""
        ...


class NoTelemetry:
    """``PipelineTelemetry`` that records nothing (tests, tools)."""

    def span(self, name: str, attributes: dict[str, str | bool | int]) -> AbstractContextManager[object]:
        return nullcontext()

    def record_check(self, result: CheckResult, seconds: float, ended_ns: int) -> None:
        return None
