"""``kycledger ledger ...``: verify, export and checkpoint the ledger."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adapters.integrity.ed25519_keys import ED25519, load_private_key_file, public_key_bytes
from domain.errors import InvalidArgumentError
from domain.integrity.checkpoint_sources import CheckpointSource, HeldNote
from domain.integrity.verifier import VerificationReport
from ops.bootstrap import LedgerRuntime
from ops.cli.common import add_location_args, guarded, print_json, runtime_from_args
from ops.integrity_wiring import (
    RuntimeEvidence,
    build_checkpointer,
    checkpoint_notes,
    checkpoint_sources,
    integrity_stores,
    trusted_public_key,
)
from services.evidence.bundle import verify_bundle_file
from services.evidence.export import write_export
from services.evidence.verify import (
    ExportFormatError,
    HolderSummary,
    summarize_holders,
    verify_export,
    verify_ledger_rows,
)


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
    verify.add_argument("--checkpoint-dir", action="append", default=[], metavar="DIR",
                        help="a folder of signed checkpoints held outside the database (a copy of the sink); "
                             "repeatable. The configured sink (KYC_CHECKPOINT_SINK_DIR, or DIR/checkpoints of "
                             "the embedded stack) is always read")
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


def _print_report(report: VerificationReport, key: bytes, as_json: bool,
                  holders: Sequence[HolderSummary] = ()) -> int:
    key_id = hashlib.sha256(key).hexdigest()
    result = {
        "ok": report.ok, "events": report.event_count, "root_hash": report.root_hash.hex(),
        "checkpoints_verified": len(report.checkpoints_checked), "checkpoint_key_id": key_id,
        "first_bad_position": report.first_bad_position, "reason": report.reason or None,
        "checkpoint_sources": [{"source": h.holder, "checkpoints": h.checkpoints, "newest_size": h.newest_size}
                               for h in holders],
    }
    if as_json:
        print(json.dumps(result, indent=2))
    elif report.ok:
        print(f"ok: {report.event_count} events, root {report.root_hash.hex()}, "
              f"{len(report.checkpoints_checked)} checkpoints verified (key id {key_id})")
    else:
        print(f"FAILED at position {report.first_bad_position}: {report.reason}")
    if not as_json:
        for h in holders:
            newest = f", newest at size {h.newest_size}" if h.newest_size is not None else ""
            print(f"  {h.holder}: {h.checkpoints} checkpoints{newest}")
        if not holders and report.ok:
            print("  no checkpoint source outside the database was read: set KYC_CHECKPOINT_SINK_DIR or pass "
                  "--checkpoint-dir to catch a truncation that also removed the database's checkpoints")
    return 0 if report.ok else 1


def _held(sources: Sequence[CheckpointSource]) -> list[HeldNote]:
    return [note for source in sources for note in source.held_notes()]


def _verify(args: argparse.Namespace) -> int:
    pinned = _pinned_key(args.public_key)
    extra = [Path(d) for d in args.checkpoint_dir]
    if args.bundle:
        if extra:
            raise InvalidArgumentError("--checkpoint-dir applies to a ledger or an export, not to a bundle "
                                       "(a bundle carries its own checkpoint and proofs)")
        return verify_bundle_file(Path(args.bundle), ED25519, pinned, args.json)
    if args.export:
        sources = checkpoint_sources(None, extra)
        held = _held(sources)
        try:
            report, key = verify_export(Path(args.export), ED25519, pinned, held)
        except ExportFormatError as e:
            print(f"FAILED: the export is not intact: {e.message} {e.details or ''}".rstrip())
            return 1
        return _print_report(report, key, args.json, summarize_holders(held, [s.name for s in sources]))
    with runtime_from_args(args) as rt:
        report, key, holders = _verify_live(rt, pinned, extra)
    return _print_report(report, key, args.json, holders)


def _verify_live(rt: LedgerRuntime, pinned: bytes | None,
                 extra: Sequence[Path]) -> tuple[VerificationReport, bytes, list[HolderSummary]]:
    key = pinned or trusted_public_key(rt)
    sources = checkpoint_sources(rt, extra)
    # Outside holders first: a checkpoint signed while we read the rows is then no larger than the rows.
    held = _held(sources)
    notes = checkpoint_notes(rt)
    with rt.reader().ledger_rows() as rows:
        report = verify_ledger_rows(rows, notes, key, ED25519, held)
    return report, key, summarize_holders(held, [s.name for s in sources])


def _export(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt:
        events, checkpoints = write_export(RuntimeEvidence(rt), Path(args.out))
    print_json({"out": args.out, "events": events, "checkpoints": checkpoints})
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, integrity_stores(rt) as (nodes, store):
        signed = build_checkpointer(rt, nodes, store).checkpoint_now()
    cp = signed.checkpoint
    print_json({"origin": cp.origin, "size": cp.size, "root_hash": cp.root_hash.hex(),
                "timestamp": cp.timestamp.isoformat()})
    return 0
