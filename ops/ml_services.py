"""The ML adapters of one process, built once and shared (models load once per process).

``MlServices`` (``services.verification.ports``) is the set of port implementations the pipeline
calls. ``build_ml_services`` wires
the real adapters (docs/architecture.md §7) around ONE YuNet/SFace analyzer; ``ops.sandbox``
builds the deterministic sandbox set with the same shape. OpenCV DNN nets and MediaPipe graphs are
not safe to call from several threads at once, so the face family has its own lock: requests run in
a thread pool (off the event loop) and queue per model rather than corrupting its state. The
document reader needs none: its OCR engines (one per core) and its portrait detector each let one
call through at a time, so concurrent reads overlap (``ml.document.ocr_pool.RapidOcrEnginePool``).

Watchlists come from ``KYC_WATCHLIST_DIR`` (production) or an explicit folder (tests use
``../shared/data/sanctions``); without one, a requested screening check fails loudly, naming the
setting, instead of passing unscreened.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from domain.ports.face import ModelUnavailableError
from services.verification.ports import WATCHLIST_ENV, MlServices


def watchlist_dir_from_env(env: dict[str, str] | None = None) -> Path | None:
    value = (os.environ if env is None else env).get(WATCHLIST_ENV)
    return Path(value) if value else None


_lock = threading.Lock()
_built: dict[str, MlServices] = {}


def build_ml_services(watchlist_dir: Path | None = None) -> MlServices:
    """The real adapters for this process (cached per watchlist folder: models load once)."""
    folder = watchlist_dir if watchlist_dir is not None else watchlist_dir_from_env()
    cache_key = str(folder.resolve()) if folder else ""
    with _lock:
        if cache_key in _built:
            return _built[cache_key]
        # Imported here: the composition root must stay importable where the ML extras are absent.
        from ml.address_proof.reader import RapidOcrAddressProofReader
        from ml.document.reader import OpenCvRapidOcrDocumentReader
        from ml.document.validator import RuleBasedDocumentValidator
        from ml.face import SFaceMatcher, YuNetSFaceAnalyzer
        from ml.kya.checker import OfflineKyaChecker
        from ml.liveness.active import MediaPipeActiveLivenessChecker
        from ml.liveness.passive import ClassicalPassiveLivenessChecker
        from ml.screening.screener import RapidfuzzSanctionsScreener

        if folder is not None and not folder.is_dir():
            raise ModelUnavailableError(f"watchlist folder not found: {folder} (check {WATCHLIST_ENV})",
                                        setting=WATCHLIST_ENV)
        analyzer = YuNetSFaceAnalyzer()
        services = MlServices(
            document_reader=OpenCvRapidOcrDocumentReader(),
            document_validator=RuleBasedDocumentValidator(),
            face_matcher=SFaceMatcher(analyzer),
            passive_liveness=ClassicalPassiveLivenessChecker(analyzer),
            active_liveness=MediaPipeActiveLivenessChecker(analyzer=analyzer),
            # No MX lookups on the request path: DNS would add seconds and leak applicant domains.
            kya=OfflineKyaChecker(None),
            address_proof_reader=RapidOcrAddressProofReader(),
            screener=RapidfuzzSanctionsScreener.for_folder(folder) if folder is not None else None,
            face_scope=analyzer.remembering,
        )
        _built[cache_key] = services
        return services
