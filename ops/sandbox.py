"""Sandbox adapters: deterministic outcomes from documented magic inputs, never real scores.

Chosen by the pipeline for sandbox keys (docs/architecture.md §9 "Sandbox keys"; requirements/platform §13).
No model runs: an outcome is read from the input itself, so integrators can drive every branch of
their code. Every result carries the provenance ``sandbox`` and the pipeline adds ``sandbox: true``
to every check and API body; sandbox calls are never billed.

Magic inputs (documented in the API reference):

- Images (document front, selfie, liveness image or first frame): the image's mean colour.
  Mostly **red** (R >= 150, G and B <= 100) -> ``fail``; mostly **blue** (B >= 150, R and G <= 100)
  -> ``uncertain``; anything else (any real photo) -> ``pass``.
- Face match: the *selfie's* colour decides; similarity 0.95 (pass), threshold - 0.05 (uncertain),
  0.05 (fail).
- Document: pass reads the sandbox persona below with a valid document; uncertain reads no
  machine-readable zone (manual review); fail reads an expired document (every session that reads a
  document validates it: the decision asks for another document with the message of requirements/pipeline §10).
- Screening: a name containing ``SANDBOX HIT`` is a hit, ``SANDBOX NEAR`` a near-hit, else clear.
- KYA: the offline KYA rules (deterministic, no network) run as they are.
- Passive liveness (image colour as above): as in production, a passive ``pass`` counts as
  ``uncertain`` under the default policy (a new attempt with an active challenge follows) unless the
  tenant's policy opts in (``liveness.accept_passive_pass``).
- Active liveness: the first frame's colour decides as above; the nonce, expiry and reuse rules and
  the recording rules (at least 8 frames per second, no gap over 250 ms, 1.5-10 s: reasons
  ``frame_rate_too_low``, ``capture_too_short``, ``response_too_slow``) apply as in production (they
  are not scores), so a client that passes in the sandbox sends what production can judge.
- Address proof (image colour as above): pass reads a letter to the sandbox persona dated today
  (with a sandbox ID document read, the production rules pass it); fail reads a letter to another
  person (``holder_name_mismatch``); uncertain reads no text (``address_proof_unreadable``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Container, Sequence
from datetime import UTC, date, datetime

from PIL import Image, ImageStat

from domain.checks import ModelProvenance, Outcome
from domain.documents.mrz import MrzRecord, parse_mrz
from domain.documents.validation import CheckStatus, DocumentValidation, ValidationCheck
from domain.liveness_challenge import LivenessChallenge, admission_failure, validate_frame_offsets
from domain.liveness_verdict import rejected_response, timing_failures
from domain.personal_data import PersonalData
from domain.ports.address_proof import AddressDocumentReading, PrintedLine
from domain.ports.document import DetectedDocument, DocumentReading, DocumentType, QualityReport
from domain.ports.face import DEFAULT_SIMILARITY_THRESHOLD, FaceMatchResult, MatchStrength, ProbeMatch
from domain.ports.face_quality import FaceQuality, FaceQualityMeasures
from domain.ports.kya import KyaChecker
from domain.ports.liveness import ChallengeResponse, LivenessMode, LivenessResult, SpoofType
from domain.ports.screening import (
    EntityKind,
    ListedName,
    NameKind,
    ScreeningHit,
    ScreeningQuery,
    ScreeningResult,
)
from domain.screening_rules import Agreement, MatchLevel, ScreeningThresholds
from ops.drawn_passport import PassportHolder, td3_lines
from services.verification.ports import MlServices

SANDBOX = ModelProvenance(name="sandbox", version="1", weights_sha256="0" * 64)
SANDBOX_PERSONA = {"surname": "SANDBOX", "given_names": "TEST PERSON", "document_number": "SBX000001",
                   "nationality": "UTO", "sex": "F", "issuing_country": "UTO", "birth_date": "1990-01-01",
                   "expiry_date": "2035-01-01"}


def magic_outcome(image: bytes) -> Outcome:
    """The outcome a sandbox image asks for, by its mean colour (see the module docstring)."""
    with Image.open(io.BytesIO(image)) as decoded:
        red, green, blue = ImageStat.Stat(decoded.convert("RGB").resize((32, 32))).mean
    if red >= 150 and green <= 100 and blue <= 100:
        return Outcome.FAIL
    if blue >= 150 and red <= 100 and green <= 100:
        return Outcome.UNCERTAIN
    return Outcome.PASS


_SIMILARITY = {Outcome.PASS: 0.95, Outcome.FAIL: 0.05}
_STRENGTH = {Outcome.PASS: MatchStrength.STRONG, Outcome.UNCERTAIN: MatchStrength.WEAK,
             Outcome.FAIL: MatchStrength.NONE}
_NO_QUALITY = FaceQuality(measures=FaceQualityMeasures(face_count=1, face_width_px=0.0, face_width_ratio=0.0,
                                                       detection_score=0.0, yaw_deg=0.0, roll_deg=0.0,
                                                       blur_variance=0.0, brightness=0.0), issues=())


def sandbox_mrz(expiry_date: str) -> MrzRecord:
    """The persona's TD3 machine-readable zone (real check digits), parsed by the production parser."""
    p = SANDBOX_PERSONA
    holder = PassportHolder(surname=p["surname"], given_names=p["given_names"], document_number=p["document_number"],
                            nationality=p["nationality"], birth_date=date.fromisoformat(p["birth_date"]), sex=p["sex"],
                            expiry_date=date.fromisoformat(expiry_date), issuing_state=p["issuing_country"])
    return parse_mrz(list(td3_lines(holder)), repair=False)


class SandboxDocumentReader:
    def read(self, front: bytes, back: bytes | None = None, *, subject_id: str) -> DocumentReading:
        outcome = magic_outcome(front)
        values = dict(SANDBOX_PERSONA) if outcome is not Outcome.UNCERTAIN else {}
        if outcome is Outcome.FAIL:
            values["expiry_date"] = "2020-01-01"
        mrz = sandbox_mrz(values["expiry_date"]) if values else None  # uncertain: no MRZ read
        return DocumentReading(
            detected=DetectedDocument(type=DocumentType.PASSPORT, country="UTO", confidence=1.0,
                                      basis="mrz" if mrz else "sandbox"),
            fields={k: PersonalData.of(subject_id, v) for k, v in values.items()}, mrz=mrz,
            quality=QualityReport(sharpness=0.0, brightness=0.0, glare_ratio=0.0, document_found=True,
                                  skew_degrees=0.0, frame_coverage=0.0),
            printed_text=(f"sandbox:{outcome.value}",), portrait_jpeg=front, models=(SANDBOX,))


class SandboxDocumentValidator:
    def validate(self, reading: DocumentReading, *, today: date, min_age: int) -> DocumentValidation:
        verdict = reading.printed_text[0].removeprefix("sandbox:") if reading.printed_text else "pass"
        if verdict == Outcome.UNCERTAIN:
            return DocumentValidation(False, (ValidationCheck("mrz_present", CheckStatus.NOT_APPLICABLE,
                                                              "no_machine_readable_data"),), 0.0)
        expired = verdict == Outcome.FAIL
        expiry = ValidationCheck("not_expired", CheckStatus.FAIL, "document_expired") if expired \
            else ValidationCheck("not_expired", CheckStatus.PASS)
        return DocumentValidation(not expired, (ValidationCheck("mrz_checksum", CheckStatus.PASS), expiry),
                                  0.5 if expired else 1.0)


class SandboxFaceMatcher:
    def match(self, probe: bytes, reference: bytes, threshold: float | None = None) -> FaceMatchResult:
        limit = DEFAULT_SIMILARITY_THRESHOLD if threshold is None else threshold
        outcome = magic_outcome(probe)
        similarity = _SIMILARITY.get(outcome, max(0.0, limit - 0.05))
        return FaceMatchResult(cosine=similarity, similarity=similarity, threshold=limit,
                               strength=_STRENGTH[outcome], probe_quality=_NO_QUALITY,
                               reference_quality=_NO_QUALITY, models=(SANDBOX,))

    def with_probe(self, probe: bytes) -> ProbeMatch:
        def against(reference: bytes, threshold: float | None = None,
                    reference_face: Sequence[float] | None = None) -> FaceMatchResult:
            return self.match(probe, reference, threshold)  # magic inputs: no face is located

        return against


def _liveness(outcome: Outcome, mode: LivenessMode) -> LivenessResult:
    spoof = {Outcome.PASS: SpoofType.NONE, Outcome.FAIL: SpoofType.SCREEN}.get(outcome, SpoofType.UNKNOWN)
    return LivenessResult(mode=mode, outcome=outcome, spoof_type=spoof, confidence=1.0,
                          reasons=() if outcome is Outcome.PASS else (f"sandbox_{outcome.value}",),
                          models=(SANDBOX,))


class SandboxPassiveLiveness:
    def check(self, image: bytes) -> LivenessResult:
        return _liveness(magic_outcome(image), LivenessMode.PASSIVE)


class SandboxActiveLiveness:
    def check(self, challenge: LivenessChallenge, response: ChallengeResponse, selfie: bytes | None,
              received_at: datetime, used_nonces: Container[str]) -> LivenessResult:
        refusal = admission_failure(challenge, response.nonce, received_at, used_nonces)
        if refusal is not None:
            return rejected_response(refusal, (SANDBOX,))
        offsets = [frame.offset_ms for frame in response.frames]
        validate_frame_offsets(offsets)
        recording = timing_failures(offsets)
        if offsets[-1] - offsets[0] > challenge.max_capture_ms:
            recording.append("response_too_slow")
        if recording:
            return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.FAIL, spoof_type=SpoofType.UNKNOWN,
                                  confidence=1.0, hints=("use_a_live_camera",), reasons=tuple(recording),
                                  models=(SANDBOX,))
        return _liveness(magic_outcome(response.frames[0].image), LivenessMode.ACTIVE)


class SandboxScreener:
    thresholds = ScreeningThresholds()

    def screen(self, query: ScreeningQuery) -> ScreeningResult:
        name = query.name.upper()
        level = MatchLevel.HIT if "SANDBOX HIT" in name else MatchLevel.NEAR_HIT if "SANDBOX NEAR" in name else None
        hits = () if level is None else (ScreeningHit(
            list_name="sandbox", entry_id="SBX-1", entity_kind=EntityKind.INDIVIDUAL,
            matched_name=ListedName(f"{level.value.upper()} SANDBOX", NameKind.PRIMARY), matched_name_index=0,
            name_score=1.0 if level is MatchLevel.HIT else 0.86, birth_date=Agreement.UNKNOWN,
            nationality=Agreement.UNKNOWN, level=level),)
        return ScreeningResult(hits=hits, thresholds=self.thresholds, lists=SANDBOX, candidates_scored=len(hits))


class SandboxAddressProofReader:
    """A one-page letter laid out like a bill; ``today`` dates it (the pipeline's clock by default)."""

    def __init__(self, today: Callable[[], date] = lambda: datetime.now(UTC).date()) -> None:
        self.today = today

    def read(self, image: bytes) -> AddressDocumentReading:
        outcome = magic_outcome(image)
        if outcome is Outcome.UNCERTAIN:
            return AddressDocumentReading(lines=(), models=(SANDBOX,))
        holder = f"{SANDBOX_PERSONA['given_names']} {SANDBOX_PERSONA['surname']}".title()
        addressee = holder if outcome is Outcome.PASS else "Other Resident"
        texts = ("Sandbox Utilities", f"Statement date {self.today().isoformat()}", addressee,
                 "1 Sandbox Street", "Utopia City", "SB1 1AA", "Your sandbox statement")
        lines = tuple(PrintedLine(text, (90, 100 + 40 * i, 20 * len(text), 30)) for i, text in enumerate(texts))
        return AddressDocumentReading(lines=lines, models=(SANDBOX,))


def build_sandbox_services(kya: KyaChecker) -> MlServices:
    """The sandbox adapter set; ``kya`` is the offline (deterministic, network-free) KYA checker."""
    return MlServices(document_reader=SandboxDocumentReader(), document_validator=SandboxDocumentValidator(),
                      face_matcher=SandboxFaceMatcher(), passive_liveness=SandboxPassiveLiveness(),
                      active_liveness=SandboxActiveLiveness(), kya=kya,
                      address_proof_reader=SandboxAddressProofReader(), screener=SandboxScreener(), sandbox=True)

