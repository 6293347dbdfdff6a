"""Evidence bundles: a session's (or a tenant period's) events with proofs, verifiable offline.

A bundle is one JSON document holding, for each event, the stored bytes (personal fields stay
sealed ciphertext), its chain entry (position, notification id, previous hash, entry hash) and an
RFC 9162 inclusion proof against the latest signed checkpoint; plus that checkpoint and every
earlier one, the policy documents the decisions used (with their activation events, also proven),
and the checkpoint public key. ``verify_bundle`` needs only the standard library, ``domain.integrity``
and a signature verifier (``domain.integrity.signatures``; ops/ passes the Ed25519 one): it checks
the signature, recomputes every entry hash from the stored bytes, walks every proof to the signed
root, checks each session's events are complete (versions 1..n, nothing left out) and that each
policy document hashes to what its decision names.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.errors import DomainError, InvalidArgumentError, NotFoundError
from domain.integrity.chain import GENESIS_HASH, entry_hash_of, same_hash
from domain.integrity.merkle_store import MerkleLog
from domain.integrity.merkle_verify import ProofVerificationError, verify_inclusion
from domain.integrity.signatures import SignatureVerifier, verify_signed_checkpoint
from domain.policy_registry import POLICY_ACTIVATED_TOPIC, TenantPolicyRegistry
from domain.sessions import topics
from domain.sessions.canonical import canonical_json, sha256_hex
from services.evidence.ports import LedgerEvidence

BUNDLE_FORMAT = "kycledger-evidence-bundle"
BUNDLE_VERSION = 1
SESSION_CREATED = topics.CREATED
DECISION_MADE = topics.DECISION_MADE
POLICY_ACTIVATED = POLICY_ACTIVATED_TOPIC


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _state(row: Any) -> dict[str, Any]:
    value = json.loads(bytes(row.state))
    assert isinstance(value, dict)
    return value


# --- building ------------------------------------------------------------------------------------

def _select(evidence: LedgerEvidence, wanted: Any) -> list[dict[str, Any]]:
    """Every stored event ``wanted(row, state)`` accepts, with its chain entry and previous hash.

    One pass over the raw rows (what ``ledger verify`` reads), so the bytes are exactly those on disk.
    """
    found: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    with evidence.snapshot() as (events, chain):
        for row, link in zip(events, chain, strict=True):
            if wanted(row):
                found.append({"position": link.position, "notification_id": row.notification_id,
                              "originator_id": str(row.originator_id), "originator_version": row.originator_version,
                              "topic": row.topic, "state": _b64(row.state), "prev_hash": prev.hex(),
                              "entry_hash": link.entry_hash.hex()})
            prev = link.entry_hash
    return found


def _sessions_in_scope(evidence: LedgerEvidence, tenant_id: str, session_id: UUID | None,
                       start: datetime | None, end: datetime | None) -> set[UUID]:
    if session_id is not None:
        evidence.ledger.get_session(tenant_id, session_id)  # NotFoundError for another tenant's session
        return {session_id}
    chosen: set[UUID] = set()
    for row in _select(evidence, lambda r: r.topic == SESSION_CREATED):
        state = json.loads(base64.b64decode(row["state"]))
        created = datetime.fromisoformat(state["created_at"]["_data_"])
        if state["tenant"] == tenant_id and (start is None or created >= start) and (end is None or created < end):
            chosen.add(UUID(row["originator_id"]))
    return chosen


def build_bundle(evidence: LedgerEvidence, tenant_id: str, session_id: UUID | None = None,
                 start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
    """The evidence of one session, or of every session the tenant created in [start, end)."""
    sessions = _sessions_in_scope(evidence, tenant_id, session_id, start, end)
    if not sessions:
        raise NotFoundError("no session in scope", tenant_id=tenant_id)
    events = _select(evidence, lambda r: r.originator_id in sessions)
    used = {json.loads(base64.b64decode(e["state"]))["policy_hash"] for e in events if e["topic"] == DECISION_MADE}
    registry = TenantPolicyRegistry.create_id(tenant_id)
    activations = _select(evidence, lambda r: r.originator_id == registry and r.topic == POLICY_ACTIVATED
                          and json.loads(r.state)["policy_hash"] in used)
    policies = {h: evidence.ledger.policy_document(tenant_id, h) for h in sorted(used)}
    needed = max(e["position"] for e in events + activations)
    with evidence.checkpointing() as (nodes, store, checkpointer):
        latest = store.latest()
        if latest is None or latest.checkpoint.size < needed:
            latest = checkpointer.checkpoint_now()  # cover the newest event
        size = latest.checkpoint.size
        log = MerkleLog(nodes)
        for event in events + activations:
            event["inclusion_proof"] = [p.hex() for p in log.inclusion_proof(event["position"] - 1, size)]
        notes = [_b64(c.encode()) for c in store.all()]
    return {
        "format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "origin": evidence.origin,
        "created_at": datetime.now(UTC).isoformat(), "public_key": _b64(evidence.public_key()),
        "scope": {"tenant_id": tenant_id, "session_id": str(session_id) if session_id else None,
                  "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
                  "sessions": sorted(str(s) for s in sessions)},
        "checkpoint": _b64(latest.encode()), "checkpoints": notes,
        "events": events, "policy_activations": activations, "policies": policies,
    }


def write_bundle(bundle: dict[str, Any], out: Path) -> None:
    if out.exists():
        raise InvalidArgumentError("bundle target exists; refusing to overwrite", path=str(out))
    out.write_text(json.dumps(bundle, indent=1, sort_keys=True), encoding="utf-8")


# --- verifying -----------------------------------------------------------------------------------

class BundleInvalid(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class BundleReport:
    ok: bool
    reason: str
    events: int
    sessions: int
    checkpoint_size: int
    key_id: str


def _check_event(event: dict[str, Any], size: int, root: bytes) -> None:
    position = int(event["position"])
    state = base64.b64decode(event["state"], validate=True)
    computed = entry_hash_of(bytes.fromhex(event["prev_hash"]), position, int(event["notification_id"]),
                             UUID(event["originator_id"]), int(event["originator_version"]), event["topic"], state)
    if not same_hash(computed, bytes.fromhex(event["entry_hash"])):
        raise BundleInvalid(f"entry hash mismatch at position {position}: the stored bytes, topic, originator, "
                            "version or previous hash were changed")
    if position > size:
        raise BundleInvalid(f"position {position} is beyond the signed checkpoint (size {size})")
    try:
        verify_inclusion(computed, position - 1, size, [bytes.fromhex(p) for p in event["inclusion_proof"]], root)
    except ProofVerificationError as e:
        raise BundleInvalid(f"inclusion proof of position {position} does not lead to the signed root "
                            f"({e.message})") from None


def _check_complete(events: Iterable[dict[str, Any]], sessions: list[str]) -> None:
    versions: dict[str, list[int]] = {s: [] for s in sessions}
    for event in events:
        if event["originator_id"] not in versions:
            raise BundleInvalid(f"event at position {event['position']} is outside the bundle's sessions")
        versions[event["originator_id"]].append(int(event["originator_version"]))
    for session, seen in versions.items():
        if sorted(seen) != list(range(1, len(seen) + 1)) or not seen:
            missing = sorted(set(range(1, max(seen, default=0) + 1)) - set(seen)) or [1]
            raise BundleInvalid(f"session {session} is incomplete: version {missing[0]} is missing")


def _check_policies(bundle: dict[str, Any]) -> None:
    activated = {json.loads(base64.b64decode(a["state"]))["policy_hash"]: json.loads(base64.b64decode(a["state"]))
                 for a in bundle["policy_activations"]}
    for event in bundle["events"]:
        if event["topic"] != DECISION_MADE:
            continue
        policy_hash = json.loads(base64.b64decode(event["state"]))["policy_hash"]
        document = bundle["policies"].get(policy_hash)
        if document is None:
            raise BundleInvalid(f"the policy document {policy_hash} used at position {event['position']} is missing")
        if sha256_hex(canonical_json(document)) != policy_hash:
            raise BundleInvalid(f"the policy document {policy_hash} does not hash to its id")
        if policy_hash not in activated or activated[policy_hash]["document"] != document:
            raise BundleInvalid(f"the policy document {policy_hash} has no matching activation event in the bundle")


def _check_named_key(bundle: dict[str, Any], pinned_id: str) -> None:
    """A bundle naming another key than the pinned one is refused before any signature is read: a
    rewritten bundle re-signed with the forger's key must not pass for the operator's."""
    named = hashlib.sha256(base64.b64decode(bundle.get("public_key", ""))).hexdigest()
    if named != pinned_id:
        raise BundleInvalid(f"signed by an unknown key: the bundle names key id {named}, "
                            f"not the pinned key {pinned_id}")


def verify_bundle(bundle: dict[str, Any], signatures: SignatureVerifier,
                  pinned_key: bytes | None = None) -> BundleReport:
    """Check everything a bundle claims, offline; the first failure is the report's reason."""
    key = pinned_key or base64.b64decode(bundle.get("public_key", ""))
    key_id = hashlib.sha256(key).hexdigest()
    events = list(bundle.get("events", []))
    sessions = list(bundle.get("scope", {}).get("sessions", []))
    size = 0
    try:
        if bundle.get("format") != BUNDLE_FORMAT or bundle.get("version") != BUNDLE_VERSION:
            raise BundleInvalid("not a kycledger evidence bundle (version 1)")
        if pinned_key is not None:
            _check_named_key(bundle, key_id)
        try:
            checkpoint = verify_signed_checkpoint(signatures, key, base64.b64decode(bundle["checkpoint"]))
        except DomainError as e:
            raise BundleInvalid(f"the checkpoint is not validly signed by the ledger key: {e.message}") from None
        size = checkpoint.size
        for event in [*events, *bundle.get("policy_activations", [])]:
            _check_event(event, size, checkpoint.root_hash)
        _check_complete(events, sessions)
        _check_policies(bundle)
    except BundleInvalid as failure:
        return BundleReport(False, failure.reason, len(events), len(sessions), size, key_id)
    except (KeyError, ValueError, TypeError) as e:
        return BundleReport(False, f"the bundle is malformed: {type(e).__name__}: {e}", len(events), len(sessions),
                            size, key_id)
    return BundleReport(True, "", len(events), len(sessions), size, key_id)


def verify_bundle_file(path: Path, signatures: SignatureVerifier, pinned_key: bytes | None = None,
                       as_json: bool = False) -> int:
    """``kycledger ledger verify --bundle FILE``: print the result; exit code 0 only if intact."""
    try:
        bundle = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        print(f"FAILED: the bundle cannot be read: {e}")
        return 1
    report = verify_bundle(bundle, signatures, pinned_key)
    if as_json:
        print(json.dumps(asdict(report), indent=2))
    elif report.ok:
        print(f"ok: bundle of {report.sessions} session(s), {report.events} events proven against the checkpoint "
              f"of size {report.checkpoint_size} (key id {report.key_id})")
    else:
        print(f"FAILED: {report.reason}")
    return 0 if report.ok else 1
