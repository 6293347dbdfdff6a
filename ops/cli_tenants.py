"""``kycledger tenants ...`` and ``kycledger keys ...``: the operator's tenant and key commands."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from domain.application import IssuedKey
from ops.cli_common import add_location_args, guarded, operator_context, print_json, runtime_from_args


def register(sub: Any) -> None:
    tenants = sub.add_parser("tenants", help="create and inspect tenants")
    t_sub = tenants.add_subparsers(dest="tenants_command", required=True)
    create = t_sub.add_parser("create", help="create a tenant and its first client API key")
    create.add_argument("--name", required=True)
    create.add_argument("--plan", default="free", choices=["free", "pro", "enterprise"])
    create.add_argument("--json", action="store_true", help="print JSON (the secret is shown only once)")
    add_location_args(create)
    create.set_defaults(func=guarded(_create_tenant))

    keys = sub.add_parser("keys", help="create, rotate and revoke API keys")
    k_sub = keys.add_subparsers(dest="keys_command", required=True)
    k_create = k_sub.add_parser("create", help="a new key for a tenant")
    k_create.add_argument("--tenant", required=True)
    k_create.add_argument("--role", default="client", choices=["client", "auditor", "operator"])
    k_create.add_argument("--sandbox", action="store_true")
    add_location_args(k_create)
    k_create.set_defaults(func=guarded(_create_key))
    rotate = k_sub.add_parser("rotate", help="new secret; the old one works during the overlap")
    rotate.add_argument("--key-id", required=True)
    rotate.add_argument("--overlap-hours", type=float, default=24 * 7)
    add_location_args(rotate)
    rotate.set_defaults(func=guarded(_rotate_key))
    revoke = k_sub.add_parser("revoke", help="end every secret of a key now")
    revoke.add_argument("--key-id", required=True)
    revoke.add_argument("--reason", required=True)
    add_location_args(revoke)
    revoke.set_defaults(func=guarded(_revoke_key))


def _issued(key: IssuedKey) -> dict[str, str]:
    return {"tenant_id": key.tenant_id, "api_key_id": key.key_id, "api_key_secret": key.secret.reveal(),
            "role": key.role}


def _create_tenant(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("tenants-create"):
        issued = rt.ledger.create_tenant(args.name, args.plan)
    if args.json:
        print_json(_issued(issued))
    else:
        print(f"tenant {issued.tenant_id}\napi key id {issued.key_id}\n"
              f"api key secret {issued.secret.reveal()}  (shown once: store it now)")
    return 0


def _create_key(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("keys-create"):
        print_json(_issued(rt.ledger.create_api_key(args.tenant, args.role, args.sandbox)))
    return 0


def _rotate_key(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("keys-rotate"):
        issued = rt.ledger.rotate_api_key(args.key_id, timedelta(hours=args.overlap_hours))
    print_json({**_issued(issued), "previous_secret_valid_for_hours": args.overlap_hours})
    return 0


def _revoke_key(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("keys-revoke"):
        rt.ledger.revoke_api_key(args.key_id, args.reason)
    print_json({"api_key_id": args.key_id, "revoked": True})
    return 0
