"""Standalone modules with requirements/platform §8 shapes; each call is metered and recorded as events.

A module call is recorded as one ``ModuleCall`` event (``domain.module_calls``): its check results with
model provenance and the personal data it read (sealed) are on the ledger, and its usage is a
``UsageRecord`` of its module. It opens no session, so no session status message, NATS event or
webhook follows it. Images of a module call are not kept: only their results are.
"""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4

from litestar import Controller, Request, post

from api.controllers import challenges
from api.controllers.captures import accept_capture, request_checks
from api.controllers.product import in_thread, parse_session_id, product, read_image, result_view
from api.errors import ApiProblem
from api.guards import client_access
from api.metering import meter
from api.openapi import body, ok
from api.params import Caller, Deps
from api.schemas.modules import ChallengeCreate, DocumentOcr, DocumentValidate, FaceMatch, KyaCheck, LivenessAnalyze
from api.schemas.sessions import CaptureUpload
from domain.checks import CheckType
from domain.documents.aamva import parse_aamva
from domain.documents.aamva_fields import licence_data
from domain.documents.mrz import parse_mrz
from domain.documents.validation import DocumentValidation, validate_document
from domain.ports.blobs import session_subject_id
from domain.ports.decoded_uploads import handing_over
from domain.ports.document import data_validation_result
from domain.ports.kya import KyaRequest, kya_check_result
from domain.sessions.configuration import SessionConfiguration

_USAGE = {"module": "face_match", "billed": True}
_MODELS = [{"name": "sface", "version": "2021dec", "weights_sha256": "0a" * 32}]


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def validation_body(validation: DocumentValidation) -> dict[str, Any]:
    return {"document_valid": validation.document_valid, "confidence": round(validation.confidence, 4),
            "checks": [{"name": c.name, "status": c.status.value, **({"reason": c.reason} if c.reason else {})}
                       for c in validation.checks]}


class ModuleController(Controller):
    path = "/v1"
    tags = ("modules",)
    guards = (client_access,)

    @post("/liveness/challenges", operation_id="createLivenessChallenge", sync_to_thread=True, status_code=201,
          summary="Issue an active-liveness challenge (answer it via /v1/liveness/analyze or /v1/identity/verify)",
          description="Every challenge asks for a blink and one or two movements (turn left/right, smile), in order, "
                      "recorded as one continuous clip (at least 8 frames per second, no gap over 250 ms, 1.5-10 s). "
                      "`reference` (your id for the person) is required: a person has one open challenge at a time "
                      "(409 `liveness_challenge_open` carries it, so you continue with it) and at most 5 an hour "
                      "(429 `liveness_challenge_rate_limited` with Retry-After), so nobody can ask again and again "
                      "until an easier challenge comes up.",
          responses=ok(dict[str, Any], {"challenge_id": "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21", "challenge": {
              "nonce": "9f2c6d0e1b7a4c3d8e5f6a7b8c9d0e1f", "actions": ["blink", "smile"],
              "issued_at": "2026-01-01T12:00:00+00:00", "expires_at": "2026-01-01T12:30:00+00:00",
              "max_capture_ms": 10000}}, status=201, description="Created"))
    def challenge(self, deps: Deps, principal: Caller,
                  data: Annotated[ChallengeCreate, body({"checks": ["liveness"]})]) -> dict[str, Any]:
        from domain.sessions.challenges import session_challenge

        if not data.reference:
            raise ApiProblem(422, "reference_required", "send reference (your id for the person): challenges "
                             "are bounded per person", field="reference")
        configuration = SessionConfiguration.build(checks=data.checks, liveness_type="active", country=data.country,
                                                   document_type=data.document_type)
        if "liveness" not in data.checks:
            raise ApiProblem(422, "liveness_check_missing", "a challenge answers the liveness check: include "
                             "\"liveness\" in checks", field="checks")
        sid = challenges.open_session(deps, principal, configuration, data.reference, uuid4())
        session = deps.ledger.get_session(principal.tenant_id, sid)
        issued = session_challenge(product(deps).challenges, session, ())
        assert issued is not None
        return {"challenge_id": str(sid), "challenge": issued.to_record()}

    @post("/liveness/analyze", operation_id="analyzeLiveness", status_code=200,
          summary="Liveness and anti-spoof: one image (passive) or frames answering a challenge "
                  "(requirements/platform §8.1)",
          responses=ok(dict[str, Any], {"is_live": True, "spoof_type": "none", "confidence": 0.58, "hints": [],
                                        "outcome": "pass", "mode": "passive", "reasons": [], "scores": {},
                                        "models": _MODELS, "processing_ms": 428, "sandbox": False,
                                        "usage": {"module": "liveness", "billed": True}}))
    async def liveness(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                       data: Annotated[LivenessAnalyze, body({"image_live_base64": "/9j/4AAQ...",
                                                              "hints": {"pose": True, "blink": True}})],
                       ) -> dict[str, Any]:
        with handing_over():  # the uploads' pixels go to the checks (docs/targets.md §5: decoded once)
            started = time.perf_counter()
            services = product(deps)
            if data.challenge_id is None:
                image = read_image(deps, data.image_live_base64, "image_live_base64")
                assert image is not None
                receipt = await in_thread(meter, request, "liveness")
                result = await in_thread(services.pipeline.passive_liveness, image.content, principal.sandbox)
                check = result.to_check_result()
                await in_thread(services.record_module_call, deps.ledger, principal.tenant_id, uuid4(),
                                [services.pipeline_label(check, principal.sandbox)], None, "liveness")
                return {**result.to_api(_ms(started)), "sandbox": principal.sandbox, "usage": receipt.as_usage()}
            sid = parse_session_id(data.challenge_id)

            def answer() -> None:
                session = deps.ledger.get_session(principal.tenant_id, sid)
                if session.liveness_type != "active" or str(session.status) != "pending":
                    raise ApiProblem(409, "challenge_nonce_reused", "this challenge was already answered")
                if data.selfie_base64 is not None:
                    accept_capture(deps, principal.tenant_id, sid, CaptureUpload(type="selfie",
                                                                                 image_base64=data.selfie_base64))
                accept_capture(deps, principal.tenant_id, sid, CaptureUpload(
                    type="liveness_frames", frames_base64=data.frames_base64, frame_offsets_ms=data.frame_offsets_ms,
                    challenge_nonce=data.challenge_nonce))
                if deps.ledger.get_session(principal.tenant_id, sid).required_checks == ["liveness"]:
                    request_checks(deps, principal.tenant_id, sid)

            await in_thread(answer)
            receipt = await in_thread(meter, request, "liveness")
            await in_thread(lambda: services.pipeline.process_session(
                principal.tenant_id, sid, sandbox=principal.sandbox, only=frozenset({CheckType.LIVENESS})))
            session = await in_thread(deps.ledger.get_session, principal.tenant_id, sid)
            recorded = session.results.get(session.attempt, {}).get("liveness")
            if recorded is None:
                raise ApiProblem(409, "illegal_status_transition", "the challenge session moved on")
            details = recorded["details"]
            return {"is_live": recorded["outcome"] == "pass", "spoof_type": details.get("spoof_type", "unknown"),
                    "confidence": recorded["scores"].get("confidence", 0.0), "hints": details.get("hints", []),
                    "outcome": recorded["outcome"], "mode": "active", "reasons": recorded["reasons"],
                    "scores": recorded["scores"], "models": recorded["models"], "processing_ms": _ms(started),
                    "sandbox": principal.sandbox, "usage": receipt.as_usage()}

    @post("/document/ocr", operation_id="readDocument", status_code=200,
          summary="Document detection and OCR with auto-detection (requirements/platform §8.2)",
          responses=ok(dict[str, Any], {"detected": {"type": "passport", "country": "UTO", "confidence": 0.95},
                                        "fields": {"surname": "ERIKSSON", "given_names": "ANNA MARIA"},
                                        "images": {"face_crop_base64": "/9j/4AAQ..."},
                                        "quality": {"sharpness": 812.4, "glare": 0.01, "issues": []},
                                        "checks": [], "processing_ms": 900, "sandbox": False,
                                        "usage": {"module": "ocr", "billed": True}}))
    async def ocr(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                  data: Annotated[DocumentOcr, body({"image_front_base64": "/9j/4AAQ...", "document_hint": "auto",
                                                     "country_hint": "auto"})]) -> dict[str, Any]:
        with handing_over():  # the uploads' pixels go to the checks (docs/targets.md §5: decoded once)
            started = time.perf_counter()
            services = product(deps)
            front = read_image(deps, data.image_front_base64, "image_front_base64")
            back = read_image(deps, data.image_back_base64, "image_back_base64", required=False)
            assert front is not None
            receipt = await in_thread(meter, request, "ocr")
            sid = uuid4()
            outcome = await in_thread(services.pipeline.read_document, front.content, back.content if back else None,
                                      session_subject_id(principal.tenant_id, sid), principal.sandbox)
            checks = [outcome.results[CheckType.QUALITY], outcome.results[CheckType.OCR]]
            await in_thread(services.record_module_call, deps.ledger, principal.tenant_id, sid, checks,
                            dict(outcome.reading.fields), "ocr")
            reading = outcome.reading
            portrait = base64.b64encode(reading.portrait_jpeg).decode() if reading.portrait_jpeg else None
            return {"request_id": str(sid),
                    "detected": {"type": reading.detected.type.value, "country": reading.detected.country,
                                 "confidence": round(reading.detected.confidence, 4)},
                    "fields": {k: v.value for k, v in reading.fields.items()},
                    "images": {"face_crop_base64": portrait},
                    "quality": {"sharpness": round(reading.quality.sharpness, 2),
                                "glare": round(reading.quality.glare_ratio, 4),
                                "brightness": round(reading.quality.brightness, 2),
                                "issues": [i.guidance.value for i in reading.quality.issues]},
                    "checks": [result_view(c) for c in checks], "processing_ms": _ms(started),
                    "sandbox": principal.sandbox, "usage": receipt.as_usage()}

    @post("/document/validate", operation_id="validateDocument", sync_to_thread=True, status_code=200,
          summary="Formal document checks on MRZ text, a PDF417 payload or an OCR result (requirements/platform §8.3)",
          responses=ok(dict[str, Any], {"document_valid": True, "confidence": 0.9,
                                        "checks": [{"name": "mrz_checksum", "status": "pass"}],
                                        "usage": {"module": "validate", "billed": True}}))
    def validate(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                 data: Annotated[DocumentValidate, body({"mrz": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                                                "L898902C36UTO7408122F1204159ZE184226B<<<<<10"})],
                 ) -> dict[str, Any]:
        mrz_text = data.mrz
        if mrz_text is None and data.ocr_result is not None:
            fields = data.ocr_result.get("fields")
            found = fields.get("mrz") if isinstance(fields, dict) else None
            mrz_text = found if isinstance(found, str) else None
        if mrz_text is None and data.barcode_payload is None:
            raise ApiProblem(422, "validation_input_missing",
                             "send mrz, barcode_payload or an ocr_result with fields.mrz")
        mrz = parse_mrz([ln.strip() for ln in mrz_text.splitlines() if ln.strip()]) if mrz_text else None
        licence = licence_data(parse_aamva(data.barcode_payload)) if data.barcode_payload and mrz is None else None
        receipt = meter(request, "validate")
        validation = validate_document(mrz, licence, (), today=datetime.now(UTC).date(), min_age=data.min_age)
        product(deps).record_module_call(deps.ledger, principal.tenant_id, uuid4(),
                                         [data_validation_result(validation)], None, "validate")
        return {**validation_body(validation), "sandbox": principal.sandbox, "usage": receipt.as_usage()}

    @post("/face/match", operation_id="matchFaces", status_code=200,
          summary="Live photo against a document or enrolled photo (requirements/platform §8.4)",
          responses=ok(dict[str, Any], {"match": True, "similarity": 0.84, "threshold": 0.75, "strength": "strong",
                                        "cosine": 0.6, "quality": {"probe": [], "reference": []}, "models": _MODELS,
                                        "processing_ms": 120, "sandbox": False, "usage": _USAGE}))
    async def face_match(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                         data: Annotated[FaceMatch, body({"image_live_base64": "/9j/4AAQ...",
                                                          "image_reference_base64": "/9j/4AAQ...", "threshold": 0.75})],
                         ) -> dict[str, Any]:
        with handing_over():  # the uploads' pixels go to the checks (docs/targets.md §5: decoded once)
            started = time.perf_counter()
            services = product(deps)
            live = read_image(deps, data.image_live_base64, "image_live_base64")
            reference = read_image(deps, data.image_reference_base64, "image_reference_base64")
            assert live is not None and reference is not None
            receipt = await in_thread(meter, request, "face_match")
            result = await in_thread(services.pipeline.match_faces, live.content, reference.content, data.threshold,
                                     principal.sandbox)
            check = services.pipeline_label(result.to_check_result(), principal.sandbox)
            await in_thread(services.record_module_call, deps.ledger, principal.tenant_id, uuid4(), [check], None,
                            "face_match")
            return {**result.to_api(), "processing_ms": _ms(started), "sandbox": principal.sandbox,
                    "usage": receipt.as_usage()}

    @post("/kya/check", operation_id="checkKya", sync_to_thread=True, status_code=200,
          summary="KYA basic profile: email, E.164 phone, country/IP, name coherence (requirements/platform §3.6)",
          responses=ok(dict[str, Any], {"outcome": "pass", "score": 1.0, "reasons": [], "signals": {
              "phone_format": {"status": "pass", "reason": "e164_valid"}}, "sandbox": False,
              "usage": {"module": "kya", "billed": True}}))
    def kya(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
            data: Annotated[KyaCheck, body({"phone": "+33612345678", "email": "anna@example.com",
                                            "declared_name": "Anna Maria Eriksson", "country": "FR"})],
            ) -> dict[str, Any]:
        kya_request = KyaRequest(phone=data.phone, email=data.email, declared_name=data.declared_name,
                                 document_name=data.document_name, country=data.country, ip=data.ip)
        receipt = meter(request, "kya")
        services = product(deps)
        check = services.pipeline_label(kya_check_result(services.pipeline.kya(kya_request, principal.sandbox)),
                                        principal.sandbox)
        services.record_module_call(deps.ledger, principal.tenant_id, uuid4(), [check], None, "kya")
        return {"outcome": str(check.outcome), "score": check.scores.get("kya"), "scores": dict(check.scores),
                "reasons": list(check.reasons), "signals": check.details["signals"], "sandbox": principal.sandbox,
                "usage": receipt.as_usage()}
