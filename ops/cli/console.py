"""``kycledger console enrol``: open a person's console account (login, password, second factor).

The password is read from standard input (one line), never from the command line, where other
users of the machine and the shell history would see it. The TOTP secret and its ``otpauth://``
URI are printed once, for the person's authenticator app; the ledger keeps them sealed only.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from adapters.crypto.argon2_passwords import Argon2idPasswordHasher
from domain.people.console_commands import ConsoleAccounts
from ops.cli.common import add_location_args, guarded, operator_context, print_json, runtime_from_args


def register(sub: Any) -> None:
    console = sub.add_parser("console", help="people's accounts for the review and audit console")
    c_sub = console.add_subparsers(dest="console_command", required=True)
    enrol = c_sub.add_parser("enrol", help="open a member's console account; the password is read from stdin")
    enrol.add_argument("--tenant", required=True)
    enrol.add_argument("--member", required=True, help="member id (mem_...) of an admin, reviewer, compliance "
                                                       "officer or auditor")
    enrol.add_argument("--login", required=True, help="what the person types to sign in, e.g. a work e-mail")
    add_location_args(enrol)
    enrol.set_defaults(func=guarded(_enrol))


def _enrol(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n")
    with runtime_from_args(args) as rt, operator_context("console-enrol"):
        accounts = ConsoleAccounts(rt.ledger, Argon2idPasswordHasher(), rt.ledger.clock)
        enrolment = accounts.enrol(args.tenant, args.member, args.login, password)
    print_json({"login": enrolment.login, "totp_secret": enrolment.totp_secret,
                "otpauth_uri": enrolment.otpauth_uri, "shown_once": True})
    return 0
