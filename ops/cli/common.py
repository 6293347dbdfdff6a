"""Shared CLI plumbing: where the ledger is, the operator's audit context, error output."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from domain.audit import PLATFORM_TENANT, audit_context
from domain.errors import DomainError
from ops.bootstrap import LedgerRuntime, open_runtime


def add_location_args(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir", help="embedded ledger folder (SQLite); default $KYC_DATA_DIR or .kycledger")
    where.add_argument("--db", help="PostgreSQL URL; default $KYC_DB_URL")


@contextmanager
def runtime_from_args(args: argparse.Namespace) -> Iterator[LedgerRuntime]:
    runtime = open_runtime(data_dir=getattr(args, "data_dir", None), db_url=getattr(args, "db", None))
    try:
        yield runtime
    finally:
        runtime.close()


@contextmanager
def operator_context(command: str) -> Iterator[None]:
    """CLI commands act as the platform operator; the request id ties their events together."""
    with audit_context(PLATFORM_TENANT, f"operator:cli:{getpass.getuser()}", f"cli-{command}-{uuid.uuid4()}"):
        yield


ALWAYS_JSON_HELP = "JSON output (accepted by every command; this one always prints JSON)"


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, sort_keys=True, default=str))


def guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn domain errors into a JSON error on stderr and exit code 2 (never a traceback)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except DomainError as e:
            print(json.dumps({"error": {"code": e.code, "message": e.message, "details": e.details}},
                             default=str), file=sys.stderr)
            return 2

    return run
