"""The ``kycledger`` command. Each command group lives in its own ``ops/cli/<group>.py`` module
exposing ``register(subparsers)``; this module only assembles them."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator, Sequence

from ops.cli.common import ALWAYS_JSON_HELP

# ``kycledger --help`` prints this text as it always has (the CLI's output is part of its contract).
DESCRIPTION = (
    "The ``kycledger`` command. Each command group lives in its own ``ops/cli_<group>.py`` module\n"
    "exposing ``register(subparsers)``; this module only assembles them."
)

# One line per command group; a group module defines register(subparsers) -> None and sets
# ``func`` on each parser it adds (func(args) -> int exit code).
GROUPS: tuple[str, ...] = (
    "ops.cli.dev",
    "ops.cli.tenants",
    "ops.cli.ledger",
    "ops.cli.ml",
    "ops.cli.worker",
    "ops.cli.decisions",
    "ops.cli.serve",
    "ops.cli.audit",
    "ops.cli.nats",
    "ops.cli.console",
    "ops.cli.quickstart",
    "ops.cli.postman",
)


# Long-running processes: their output is their log, not something a script parses.
NO_JSON_OUTPUT: frozenset[str] = frozenset({"serve", "worker"})


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path
    for action in subs:
        for name, child in action.choices.items():
            yield from _leaves(child, (*path, name))


def leaf_parsers(parser: argparse.ArgumentParser) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command's own parser, by its words (``("keys", "create")``)."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}
    for path in _leaves(parser):
        node = parser
        for word in path:
            action = next(a for a in node._actions if isinstance(a, argparse._SubParsersAction))
            node = action.choices[word]
        found[path] = node
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kycledger", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for module_name in GROUPS:
        importlib.import_module(module_name).register(sub)
    # Scripts may pass --json to every command that prints something (README "The command line"):
    # commands that print JSON anyway accept it too, rather than refusing it.
    for path, leaf in leaf_parsers(parser).items():
        if path[0] not in NO_JSON_OUTPUT and not any("--json" in a.option_strings for a in leaf._actions):
            leaf.add_argument("--json", action="store_true", help=ALWAYS_JSON_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
