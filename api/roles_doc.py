"""The one table of who may do what: served in the OpenAPI description and copied verbatim into
README.md (a test keeps the two the same)."""

from __future__ import annotations

ROLES: tuple[tuple[str, str, str, str], ...] = (
    ("platform operator", "the people running kycledger",
     "`kycledger operators create --name NAME`: a platform key that belongs to no tenant",
     "tenants, plans, suspensions, usage; a new tenant's first integration key and first administrator, a new "
     "administrator later (recovery); revoke any key in an emergency. Nothing inside a tenant"),
    ("tenant admin (`admin`)", "the bank's administrators, each a named person",
     "handed over by the operator at tenant creation, then issued by another admin",
     "its people and their keys (`/v1/admin/members`), integration keys (`/v1/admin/keys`), webhooks, the "
     "decision policy, four-eyes review rules, legal holds, media retention, erasure"),
    ("integration key (`client`)", "the bank's servers", "`POST /v1/admin/keys`",
     "sessions, captures, the modules, instant verify, the mobile flow, reads of its own cases, a session's own "
     "`webhook_url`, erasure. Never reviews"),
    ("reviewer (`reviewer`, `compliance`)", "a named person of the tenant", "`POST /v1/admin/members/{id}/keys`",
     "the review queue, claim, the case's evidence (images decrypted on demand, every look recorded), decide; "
     "compliance officers also take compliance escalations; four eyes where the rules ask; never a case they "
     "submitted or already decided"),
    ("auditor (`auditor`)", "a named person or the examiner", "`POST /v1/admin/members/{id}/keys`",
     "read-only: timelines, evidence bundles, replay, what-if, ledger proofs; every read is recorded with the person"),
    ("onboarding agent (`agent`)", "a named person submitting cases for customers",
     "a personal integration key (`client`)",
     "what an integration key may; their own submissions are never theirs to review"),
    ("person being verified", "whoever holds the session's client token", "`client_token` of `POST /v1/sessions`",
     "capture and follow that one session"),
)

ROLES_TABLE = "\n".join(["| role | who | credential | may |", "| --- | --- | --- | --- |",
                         *(f"| {' | '.join(row)} |" for row in ROLES)]) + "\n"
