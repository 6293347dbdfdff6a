"""The platform CLI: ``tenants``, ``operators``, ``members`` and ``keys``.

Whoever runs it acts as the platform operator (it opens the ledger directly). It opens tenants
with their first integration key and first administrator, makes platform operators (whose keys
belong to no tenant), enrols a tenant's people, and issues, rotates and revokes keys.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from domain.application import IssuedKey
from domain.members import TENANT_ROLES
from ops.cli.common import add_location_args, guarded, operator_context, print_json, runtime_from_args


def register(sub: Any) -> None:
    tenants = sub.add_parser("tenants", help="create and inspect tenants")
    t_sub = tenants.add_subparsers(dest="tenants_command", required=True)
    create = t_sub.add_parser("create", help="create a tenant, its first integration key and its first admin")
    create.add_argument("--name", required=True)
    create.add_argument("--plan", default="free", choices=["free", "pro", "enterprise"])
    create.add_argument("--admin-name", default="Administrator", help="the first administrator's display name")
    create.add_argument("--json", action="store_true", help="print JSON (the secret is shown only once)")
    add_location_args(create)
    create.set_defaults(func=guarded(_create_tenant))

    operators = sub.add_parser("operators", help="platform operators (their keys belong to no tenant)")
    o_sub = operators.add_subparsers(dest="operators_command", required=True)
    o_create = o_sub.add_parser("create", help="a platform operator and their first key")
    o_create.add_argument("--name", required=True, help="the operator's display name")
    add_location_args(o_create)
    o_create.set_defaults(func=guarded(_create_operator))

    members = sub.add_parser("members", help="a tenant's people (admins, reviewers, compliance, auditors, agents)")
    m_sub = members.add_subparsers(dest="members_command", required=True)
    m_create = m_sub.add_parser("create", help="enrol a person with one role and issue their first key")
    m_create.add_argument("--tenant", required=True)
    m_create.add_argument("--name", required=True, help="the person's display name")
    m_create.add_argument("--role", required=True, choices=sorted(TENANT_ROLES))
    add_location_args(m_create)
    m_create.set_defaults(func=guarded(_create_member))

    keys = sub.add_parser("keys", help="create, rotate and revoke API keys")
    k_sub = keys.add_subparsers(dest="keys_command", required=True)
    k_create = k_sub.add_parser("create", help="a new integration key for a tenant")
    k_create.add_argument("--tenant", required=True)
    # Only "client" is issued here; the other roles name what to run instead (people, platform operators).
    k_create.add_argument("--role", default="client", choices=["client", "auditor", "operator", "admin", "reviewer",
                                                               "compliance"])
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


def _issued(key: IssuedKey) -> dict[str, str | None]:
    return {"tenant_id": key.tenant_id, "api_key_id": key.key_id, "api_key_secret": key.secret.reveal(),
            "role": key.role, "environment": key.environment,
            **({"member_id": key.member_id} if key.member_id else {})}


def _create_tenant(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("tenants-create"):
        opened = rt.ledger.open_tenant(args.name, args.plan, args.admin_name)
    issued, admin = opened.integration, opened.admin
    if args.json:
        print_json({**_issued(issued), "admin": _issued(admin)})
    else:
        simulated = " (sandbox: simulated results, never billed)" if issued.sandbox else ""
        print(f"tenant {issued.tenant_id}\nintegration key id {issued.key_id}\n"
              f"integration key environment {issued.environment}{simulated}\n"
              f"integration key secret {issued.secret.reveal()}\n"
              f"admin {admin.member_id} key id {admin.key_id}\nadmin key secret {admin.secret.reveal()}\n"
              "(secrets are shown once: store them now)")
    return 0


def _create_operator(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("operators-create"):
        print_json(_issued(rt.ledger.create_operator(args.name)))
    return 0


def _create_member(args: argparse.Namespace) -> int:
    with runtime_from_args(args) as rt, operator_context("members-create"):
        member, issued = rt.ledger.enrol_with_key(args.tenant, args.name, args.role)
    print_json({**_issued(issued), "display_name": member.display_name})
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
