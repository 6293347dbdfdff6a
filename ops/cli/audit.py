"""``kycledger audit ...``: evidence bundles, erasure, retention sweeps and read-model rebuilds."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from adapters.integrity.ed25519_keys import ED25519
from adapters.views.runner import ProjectionRunner
from adapters.views.session_index import session_index_runner
from domain.audit import audit_context
from ops.api_services import erasure_engine
from ops.cli.common import add_location_args, guarded, print_json, runtime_from_args
from ops.integrity_wiring import RuntimeEvidence
from ops.product_wiring import blob_store
from ops.runners.relays import open_read_model_view
from services.erasure.engine import verify_receipt
from services.evidence.bundle import build_bundle, write_bundle


def register(sub: Any) -> None:
    audit = sub.add_parser("audit", help="evidence bundles, erasure, retention and read models")
    a_sub = audit.add_subparsers(dest="audit_command", required=True)

    bundle = a_sub.add_parser("bundle", help="write an evidence bundle for a session or a tenant period")
    bundle.add_argument("--tenant", required=True)
    scope = bundle.add_mutually_exclusive_group(required=True)
    scope.add_argument("--session", type=UUID)
    scope.add_argument("--from", dest="start", type=datetime.fromisoformat, help="ISO time, with --to")
    bundle.add_argument("--to", dest="end", type=datetime.fromisoformat)
    bundle.add_argument("--out", required=True)
    add_location_args(bundle)
    bundle.set_defaults(func=guarded(_bundle))

    erase = a_sub.add_parser("erase", help="crypto-shred a subject or a session's subjects; prints receipts")
    erase.add_argument("--tenant", required=True)
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--subject")
    who.add_argument("--session", type=UUID)
    erase.add_argument("--reason", required=True, help="a reason code, e.g. gdpr_art17")
    add_location_args(erase)
    erase.set_defaults(func=guarded(_erase))

    check = a_sub.add_parser("verify-receipt", help="check an erasure receipt offline")
    check.add_argument("receipt")
    check.add_argument("--json", action="store_true", help='print {"ok": bool, "reason": ...}')
    check.set_defaults(func=guarded(_verify_receipt))

    sweep = a_sub.add_parser("sweep", help="purge media past retention; shred subjects whose hold ended")
    add_location_args(sweep)
    sweep.set_defaults(func=guarded(_sweep))

    rebuild = a_sub.add_parser("rebuild-read-models", help="drop the read models and project the log again")
    add_location_args(rebuild)
    rebuild.set_defaults(func=guarded(_rebuild))


def _bundle(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt:
        bundle = build_bundle(RuntimeEvidence(rt), args.tenant, args.session, args.start, args.end)
        write_bundle(bundle, Path(args.out))
    print_json({"out": args.out, "events": len(bundle["events"]), "sessions": len(bundle["scope"]["sessions"])})
    return 0


def _erase(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, audit_context(args.tenant, "operator:cli", f"cli-erase-{args.tenant}"):
        view = open_read_model_view(rt)
        try:
            engine = erasure_engine(rt, blob_store(rt), view)
            receipts = (engine.erase_session(args.tenant, args.session, args.reason) if args.session
                        else [engine.erase_subject(args.tenant, args.subject, args.reason)])
        finally:
            view.close()
    print(json.dumps(receipts, indent=2))
    return 0


def _verify_receipt(args: argparse.Namespace) -> int:
    ok, reason = verify_receipt(json.loads(Path(args.receipt).read_text(encoding="utf-8")), ED25519)
    if args.json:
        print_json({"ok": ok, "reason": None if ok else reason})
        return 0 if ok else 1
    print("ok: the erasure entry is in the signed log and nothing before it changed" if ok else f"FAILED: {reason}")
    return 0 if ok else 1


def _sweep(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt:
        report = erasure_engine(rt, blob_store(rt)).sweep()
    print_json(vars(report))
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt:
        view = open_read_model_view(rt)
        try:
            applied = ProjectionRunner(rt.ledger, view).rebuild()
            indexed = session_index_runner(rt.ledger, view).run_once()  # the reset dropped the search index too
        finally:
            view.close()
    print_json({"events_applied": applied, "index_events_applied": indexed})
    return 0
