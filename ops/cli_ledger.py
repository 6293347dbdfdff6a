"""``kycledger ledger ...``: verify, export and checkpoint the ledger."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from adapters.integrity.ed25519_keys import load_private_key_file, public_key_bytes
from domain.integrity.verifier import VerificationReport
from ops.bundle import verify_bundle_file
from ops.cli_common import add_location_args, guarded, print_json, runtime_from_args
from ops.export import write_export
from ops.integrity_wiring import build_checkpointer, checkpoint_notes, integrity_stores, trusted_public_key
from ops.verify import ExportFormatError, verify_export, verify_streams


def register(sub: Any) -> None:
    ledger = sub.add_parser("ledger", help="verify, export and checkpoint the hash-chained ledger")
    l_sub = ledger.add_subparsers(dest="ledger_command", required=True)

    verify = l_sub.add_parser("verify", help="recompute chain, Merkle roots and checkpoint signatures")
    where = verify.add_mutually_exclusive_group()
    where.add_argument("--data-dir")
    where.add_argument("--db")
    where.add_argument("--export", help="an export file (offline: no database needed)")
    where.add_argument("--bundle", help="an evidence bundle (offline): events, proofs, checkpoint, policies")
    verify.add_argument("--public-key", help="pin the trusted checkpoint key: base64 raw key, or a PEM file")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(func=guarded(_verify))

    export = l_sub.add_parser("export", help="write a self-contained export for offline verification")
    export.add_argument("--out", required=True)
    add_location_args(export)
    export.set_defaults(func=guarded(_export))

    checkpoint = l_sub.add_parser("checkpoint", help="sign a checkpoint of the log now")
    add_location_args(checkpoint)
    checkpoint.set_defaults(func=guarded(_checkpoint))


def _pinned_key(text: str | None) -> bytes | None:
    if not text:
        return None
    path = Path(text)
    if path.is_file():
        return public_key_bytes(load_private_key_file(path)) if b"PRIVATE" in path.read_bytes() else (
            base64.b64decode(path.read_text().strip()))
    return base64.b64decode(text)


def _print_report(report: VerificationReport, key: bytes, as_json: bool) -> int:
    key_id = hashlib.sha256(key).hexdigest()
    result = {
        "ok": report.ok, "events": report.event_count, "root_hash": report.root_hash.hex(),
        "checkpoints_verified": len(report.checkpoints_checked), "checkpoint_key_id": key_id,
        "first_bad_position": report.first_bad_position, "reason": report.reason or None,
    }
    if as_json:
        print(json.dumps(result, indent=2))
    elif report.ok:
        print(f"ok: {report.event_count} events, root {report.root_hash.hex()}, "
              f"{len(report.checkpoints_checked)} checkpoints verified (key id {key_id})")
    else:
        print(f"FAILED at position {report.first_bad_position}: {report.reason}")
    return 0 if report.ok else 1


def _verify(args: argparse.Namespace) -> int:
    pinned = _pinned_key(args.public_key)
    if args.bundle:
        return verify_bundle_file(Path(args.bundle), pinned, args.json)
    if args.export:
        try:
            report, key = verify_export(Path(args.export), pinned)
        except ExportFormatError as e:
            print(f"FAILED: the export is not intact: {e.message} {e.details or ''}".rstrip())
            return 1
        return _print_report(report, key, args.json)
    with runtime_from_args(args) as rt:
        key = pinned or trusted_public_key(rt)
        notes = checkpoint_notes(rt)
        with rt.reader().snapshot() as (events, chain):
            report = verify_streams(events, chain, notes, key)
    return _print_report(report, key, args.json)


def _export(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt:
        events, checkpoints = write_export(rt, Path(args.out))
    print_json({"out": args.out, "events": events, "checkpoints": checkpoints})
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, integrity_stores(rt) as (nodes, store):
        signed = build_checkpointer(rt, nodes, store).checkpoint_now()
    cp = signed.checkpoint
    print_json({"origin": cp.origin, "size": cp.size, "root_hash": cp.root_hash.hex(),
                "timestamp": cp.timestamp.isoformat()})
    return 0
