"""``kycledger ml ...``: offline ML commands for batch and audit work (issue 4).

Each capability registers its own subcommands from ``ops/cli_ml_<area>.py``.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

ML_GROUPS: tuple[str, ...] = (
    # one line per area module, each exposing register(ml_subparsers) -> None
    "ops.cli_ml_face",
    "ops.cli_ml_document",
    "ops.cli_ml_screening",
)

EVAL_SECTIONS: tuple[str, ...] = (
    # one line per module exposing report_section(data_dir: pathlib.Path) -> str (markdown)
    "ops.eval_face",
    "ops.eval_liveness",
    "ops.eval_document",
    "ops.eval_document_orientation",
    "ops.eval_document_captures",
    "ops.eval_document_cards",
    "ops.eval_screening",
    "ops.eval_screening_scripts",
)


def register(sub: Any) -> None:
    ml = sub.add_parser("ml", help="run the ML adapters offline and print JSON")
    ml_sub = ml.add_subparsers(dest="ml_command", required=True)
    for module_name in ML_GROUPS:
        importlib.import_module(module_name).register(ml_sub)
    ev = ml_sub.add_parser("evaluate", help="evaluate every adapter on ../shared/data; write markdown")
    ev.add_argument("--data", default="../shared/data", help="the shared test data folder")
    ev.add_argument("--out", required=True, help="markdown report path")
    ev.add_argument("--section", choices=[m.removeprefix("ops.eval_") for m in EVAL_SECTIONS],
                    help="only this section (e.g. liveness), to refresh one part of the report")
    ev.set_defaults(func=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    from pathlib import Path

    data_dir = Path(args.data)
    if not data_dir.is_dir():
        print(f"error: data folder not found: {data_dir}")
        return 2
    parts = ["# kycledger ML evaluation\n", f"Data: `{data_dir}`\n"]
    chosen = [m for m in EVAL_SECTIONS if args.section in (None, m.removeprefix("ops.eval_"))]
    for module_name in chosen:
        parts.append(importlib.import_module(module_name).report_section(data_dir))
    Path(args.out).write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
