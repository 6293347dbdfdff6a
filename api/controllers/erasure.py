"""Erasure, legal holds and media retention (docs/architecture.md §5; requirements/platform §6).

- ``POST /v1/subjects/{subject_id}/erasure`` crypto-shreds a subject: its data key is destroyed, its
  blobs and read-model rows purged, ``SubjectErased`` recorded; the answer is the erasure receipt
  (the event's stored bytes and hashes, its inclusion proof, the consistency proof from the
  checkpoint before it, both signed checkpoints), verifiable offline (``kycledger audit
  verify-receipt``). Under a legal hold the erasure is recorded and deferred (status ``deferred``)
  and processing is restricted until the hold ends.
- ``POST /v1/sessions/{session_id}/erasure`` erases every subject the session recorded data of.
- Legal holds on a subject and the tenant's media retention period are set here too.
Erasure is for the tenant's integration key (data-subject requests usually arrive through the
tenant's own systems) and its administrators; legal holds and media retention are its
administrators' only. Another tenant's subject answers 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import Parameter

from api.controllers.product import parse_session_id
from api.dto import Dto
from api.errors import ApiProblem
from api.guards import admin_access, erasure_access
from api.openapi import body, ok
from api.params import Caller, Deps
from api.restriction import owned_subject, retention_view
from api.services import erasure

SubjectId = Annotated[str, Parameter(description="data subject id (<tenant>:session:<session id>)", max_length=200)]
SessionId = Annotated[str, Parameter(description="session id (UUID)", max_length=64)]
_CODE = msgspec.Meta(pattern=r"^[a-z][a-z0-9_.:-]{0,79}$", description="a short lowercase code, never free text")
_SUBJECT = "ten_0123456789abcdef:session:0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
MAX_HOLD = timedelta(days=20 * 365)

_RECEIPT = {"format": "kycledger-erasure-receipt", "status": "erased", "tenant_id": "ten_0123456789abcdef",
            "subject_id": _SUBJECT, "reason": "gdpr_art17_request", "key_id": "dk_0123",
            "key_destroyed_at": "2026-01-01T12:00:00+00:00", "purged_blob_refs": ["b1f0..."],
            "event": {"position": 42, "entry_hash": "ab" * 32}, "inclusion_proof": ["cd" * 32],
            "consistency_proof": ["ef" * 32], "previous_checkpoint": "a2V5...", "checkpoint": "a2V5...",
            "public_key": "MCow..."}
_RETENTION = {"subject_id": _SUBJECT, "processing_restricted": True, "hold_basis": "aml_record_keeping",
              "hold_until": "2031-01-01T00:00:00+00:00", "erasure_deferred": False, "shredded": False,
              "media_purged": False}


class ErasureRequest(Dto, frozen=True, kw_only=True):
    reason: Annotated[str, _CODE]


class LegalHoldRequest(Dto, frozen=True, kw_only=True):
    basis: Annotated[str, _CODE]
    until: datetime


class MediaRetention(Dto, frozen=True, kw_only=True):
    media_retention_days: Annotated[int, msgspec.Meta(ge=1, le=3650)]


class ErasureController(Controller):
    path = "/v1"
    tags = ("erasure",)

    @post("/subjects/{subject_id:str}/erasure", operation_id="eraseSubject", sync_to_thread=True,
          guards=[erasure_access], status_code=200,
          summary="Crypto-shred a data subject; answers the offline-verifiable erasure receipt",
          responses=ok(dict[str, Any], _RECEIPT))
    def erase_subject(self, deps: Deps, principal: Caller, subject_id: SubjectId,
                      data: Annotated[ErasureRequest, body({"reason": "gdpr_art17_request"})]) -> dict[str, Any]:
        subject = owned_subject(deps.ledger, principal.tenant_id, subject_id)
        return erasure(deps).erase_subject(principal.tenant_id, subject, data.reason)

    @post("/sessions/{session_id:str}/erasure", operation_id="eraseSession", sync_to_thread=True,
          guards=[erasure_access], status_code=200,
          summary="Erase every data subject a session recorded data of; one receipt per subject",
          responses=ok(dict[str, Any], {"session_id": "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21",
                                        "receipts": [_RECEIPT]}))
    def erase_session(self, deps: Deps, principal: Caller, session_id: SessionId,
                      data: Annotated[ErasureRequest, body({"reason": "gdpr_art17_request"})]) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        receipts = erasure(deps).erase_session(principal.tenant_id, sid, data.reason)
        return {"session_id": str(sid), "receipts": receipts}

    @get("/subjects/{subject_id:str}/retention", operation_id="getSubjectRetention", sync_to_thread=True,
          guards=[erasure_access],
         summary="Whether the subject's processing is restricted, its legal hold and erasure state",
         responses=ok(dict[str, Any], _RETENTION))
    def subject_state(self, deps: Deps, principal: Caller, subject_id: SubjectId) -> dict[str, Any]:
        subject = owned_subject(deps.ledger, principal.tenant_id, subject_id)
        return retention_view(deps.ledger, principal.tenant_id, subject, deps.clock())

    @post("/subjects/{subject_id:str}/legal-hold", operation_id="placeLegalHold", sync_to_thread=True,
          guards=[admin_access],
          status_code=201, summary="Place a legal hold: processing is restricted and erasure deferred until it ends",
          responses=ok(dict[str, Any], _RETENTION, status=201, description="Placed"))
    def place_hold(self, deps: Deps, principal: Caller, subject_id: SubjectId,
                   data: Annotated[LegalHoldRequest, body({"basis": "aml_record_keeping",
                                                           "until": "2031-01-01T00:00:00+00:00"})],
                   ) -> dict[str, Any]:
        subject = owned_subject(deps.ledger, principal.tenant_id, subject_id)
        now = deps.clock()
        if data.until.tzinfo is None or not now < data.until <= now + MAX_HOLD:
            raise ApiProblem(422, "hold_until_invalid", "until must be a future time with an offset, within 20 years")
        erasure(deps).place_hold(principal.tenant_id, subject, data.basis, data.until)
        return retention_view(deps.ledger, principal.tenant_id, subject, now)

    @delete("/subjects/{subject_id:str}/legal-hold", operation_id="releaseLegalHold", sync_to_thread=True,
          guards=[admin_access],
            status_code=200, summary="End the subject's legal hold now (a deferred erasure becomes due)",
            responses=ok(dict[str, Any], {**_RETENTION, "processing_restricted": False, "hold_basis": None,
                                          "hold_until": None}))
    def release_hold(self, deps: Deps, principal: Caller, subject_id: SubjectId) -> dict[str, Any]:
        subject = owned_subject(deps.ledger, principal.tenant_id, subject_id)
        now = deps.clock()
        erasure(deps).release_hold(principal.tenant_id, subject, now)
        return retention_view(deps.ledger, principal.tenant_id, subject, now)

    @get("/retention/media", operation_id="getMediaRetention", sync_to_thread=True,
          guards=[admin_access],
         summary="How many days captured media are kept before secure deletion (requirements/platform §6)",
         responses=ok(MediaRetention, {"media_retention_days": 30}))
    def media_retention(self, deps: Deps, principal: Caller) -> MediaRetention:
        return MediaRetention(media_retention_days=erasure(deps).media_retention_days(principal.tenant_id))

    @put("/retention/media", operation_id="setMediaRetention", sync_to_thread=True,
          guards=[admin_access], status_code=200,
         summary="Set the tenant's media retention period (1-3650 days)",
         responses=ok(MediaRetention, {"media_retention_days": 30}))
    def set_media_retention(self, deps: Deps, principal: Caller,
                            data: Annotated[MediaRetention, body({"media_retention_days": 30})]) -> MediaRetention:
        erasure(deps).set_media_retention(principal.tenant_id, data.media_retention_days)
        return MediaRetention(media_retention_days=erasure(deps).media_retention_days(principal.tenant_id))
