"""The liveness check of a verification: active (a challenge's frames) or passive (the selfie alone).

The session's liveness type says which (requirements/pipeline §4); a capture the check needs and does
not have, or a face the models cannot find, is a capture failure with its code, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from domain.checks import CheckResult, CheckType
from domain.ports.face import FaceNotFoundError, InvalidImageError
from domain.sessions.aggregate import VerificationSession
from services.verification.modules import ModuleOperations
from services.verification.results import capture_failure, sandbox_label


def liveness_result(modules: ModuleOperations, session: VerificationSession,
                    captures: Mapping[str, Mapping[str, object]],
                    blob: Callable[[Mapping[str, object] | None], bytes | None],
                    selfie: bytes | None, sandbox: bool) -> CheckResult:
    """``captures`` are the attempt's latest captures by kind, ``blob`` reads a capture's bytes."""
    try:
        if session.liveness_type == "active":
            frames = captures.get("liveness_frames")
            if frames is None:
                return capture_failure(CheckType.LIVENESS, "liveness_frames_missing")
            metadata = frames["metadata"]
            assert isinstance(metadata, Mapping)
            # a challenge's frames count once: the nonces of the session's other frame captures
            used = frozenset(str(c["metadata"].get("nonce")) for a in session.captures.values() for c in a
                             if c["kind"] == "liveness_frames" and c is not frames)
            received = datetime.fromisoformat(str(metadata["received_at"]))
            frames_blob = blob(frames)
            assert frames_blob is not None
            result = modules.active_liveness(session, frames_blob, selfie, received, used, sandbox)
        else:
            if selfie is None:
                return capture_failure(CheckType.LIVENESS, "selfie_missing")
            result = modules.passive_liveness(selfie, sandbox)
    except (FaceNotFoundError, InvalidImageError) as exc:
        return capture_failure(CheckType.LIVENESS, exc.code)
    return sandbox_label(result.to_check_result(), sandbox)
