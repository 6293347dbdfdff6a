"""``kycledger nats ...``: tenants' NATS credentials and the NATS server's configuration (ACCOUNTS.md).

    kycledger nats credentials --tenant T [--rotate [--overlap-minutes M]] [--public-key U...] [--json]
    kycledger nats server-config [--resolver-dir DIR]

``credentials`` prints the tenant's ``.creds`` file (JWT and seed; the seed is shown this once and
stored nowhere), ready to redirect into a file, or everything as JSON with ``--json``. With
``--public-key`` the tenant keeps its own seed and gets the JWT alone. ``server-config`` prints what
an operator-run nats-server needs to trust kycledger's accounts (operator JWT, system account,
account resolver); add a listener, TLS and JetStream next to it.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

from adapters.nats.authority import render_config
from ops.cli.common import add_location_args, guarded, operator_context, print_json, runtime_from_args
from ops.nats_access import issue_tenant_credential, nats_authority
from ops.runners.nats_account_sync import LedgerRevocations


def register(sub: Any) -> None:
    nats = sub.add_parser("nats", help="tenants' NATS credentials and the NATS server configuration")
    n_sub = nats.add_subparsers(dest="nats_command", required=True)
    creds = n_sub.add_parser("credentials", help="issue (or --rotate) a tenant's NATS credential")
    creds.add_argument("--tenant", required=True)
    creds.add_argument("--rotate", action="store_true", help="replace the tenant's credential with a new one")
    creds.add_argument("--overlap-minutes", type=float, default=0.0,
                       help="with --rotate: how long the replaced credential keeps working (default 0, max 7 days)")
    creds.add_argument("--public-key", help="the tenant's own nkey user public key (U...): no seed is made")
    creds.add_argument("--json", action="store_true", help="print JSON (the seed is shown only once)")
    add_location_args(creds)
    creds.set_defaults(func=guarded(_credentials))
    server = n_sub.add_parser("server-config", help="print the settings nats-server needs for kycledger's accounts")
    server.add_argument("--resolver-dir", default="/var/lib/nats/accounts",
                        help="where nats-server keeps the account JWTs pushed to it")
    server.add_argument("--json", action="store_true", help='print {"config": TEXT} (the same configuration)')
    add_location_args(server)
    server.set_defaults(func=guarded(_server_config))


def _credentials(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("nats-credentials"):
        issued = issue_tenant_credential(rt.ledger, nats_authority(rt), args.tenant, rotate=args.rotate,
                                         overlap=timedelta(minutes=args.overlap_minutes), public_key=args.public_key)
    view = issued.as_dict()
    if args.json:
        print_json(view)
    else:
        print(view.get("creds") or view["user_jwt"], end="" if "creds" in view else "\n")
    return 0


def _server_config(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt:
        authority = nats_authority(rt)
        revocations = LedgerRevocations(rt.ledger).now(rt.ledger.clock())
        settings = authority.server_settings(Path(args.resolver_dir), revocations)
    header = ("# kycledger's NATS operator and accounts (public JWTs, no secret). Include this file in\n"
              "# nats-server's configuration next to your listen, tls and jetstream settings.\n")
    if args.json:
        print_json({"config": header + render_config(settings)})
    else:
        print(header + render_config(settings), end="")
    return 0
