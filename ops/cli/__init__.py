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


# The command words each group module registers. A call whose first word is one of them builds only
# that group's parser: ``kycledger tenants create`` then does not import the API server, OpenCV and
# the ML adapters other groups need (about 1.5 CPU-seconds of imports at every call); ``--help``
# and anything else build every group. tests/unit/cli checks this table against ``register``.
COMMAND_GROUPS: dict[str, str] = {
    "dev": "ops.cli.dev",
    "tenants": "ops.cli.tenants",
    "operators": "ops.cli.tenants",
    "members": "ops.cli.tenants",
    "keys": "ops.cli.tenants",
    "ledger": "ops.cli.ledger",
    "ml": "ops.cli.ml",
    "worker": "ops.cli.worker",
    "decisions": "ops.cli.decisions",
    "serve": "ops.cli.serve",
    "audit": "ops.cli.audit",
    "nats": "ops.cli.nats",
    "console": "ops.cli.console",
    "quickstart": "ops.cli.quickstart",
    "postman": "ops.cli.postman",
}

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


def build_parser(groups: Sequence[str] = GROUPS) -> argparse.ArgumentParser:
    """The parser of the ``groups`` given (default: every group, as ``--help`` shows them)."""
    parser = argparse.ArgumentParser(prog="kycledger", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for module_name in groups:
        importlib.import_module(module_name).register(sub)
    # Scripts may pass --json to every command that prints something (README "The command line"):
    # commands that print JSON anyway accept it too, rather than refusing it.
    for path, leaf in leaf_parsers(parser).items():
        if path[0] not in NO_JSON_OUTPUT and not any("--json" in a.option_strings for a in leaf._actions):
            leaf.add_argument("--json", action="store_true", help=ALWAYS_JSON_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    group = COMMAND_GROUPS.get(words[0]) if words else None
    args = build_parser((group,) if group else GROUPS).parse_args(words)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
