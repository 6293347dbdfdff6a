"""The ``kycledger`` command. Each command group lives in its own ``ops/cli_<group>.py`` module
exposing ``register(subparsers)``; this module only assembles them."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# One line per command group; a group module defines register(subparsers) -> None and sets
# ``func`` on each parser it adds (func(args) -> int exit code).
GROUPS: tuple[str, ...] = (
    "ops.cli_dev",
    "ops.cli_tenants",
    "ops.cli_ledger",
    "ops.cli_ml",
    "ops.cli_worker",
    "ops.cli_decisions",
    "ops.cli_serve",
    "ops.cli_audit",
    "ops.cli_nats",
    "ops.cli_console",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kycledger", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for module_name in GROUPS:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
