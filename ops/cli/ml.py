"""``kycledger ml ...``: offline ML commands for batch and audit work.

Each capability registers its own subcommands from ``ops/cli/ml_<area>.py``.
"""

from __future__ import annotations

import argparse
import importlib
import json
from typing import Any

ML_GROUPS: tuple[str, ...] = (
    # one line per area module, each exposing register(ml_subparsers) -> None
    "ops.cli.ml_face",
    "ops.cli.ml_document",
    "ops.cli.ml_screening",
)

EVAL_SECTIONS: tuple[str, ...] = (
    # one line per module exposing report_section(data_dir: pathlib.Path) -> str (markdown)
    "tools.eval.face",
    "tools.eval.liveness",
    "tools.eval.document",
    "tools.eval.document_orientation",
    "tools.eval.document_captures",
    "tools.eval.document_cards",
    "tools.eval.document_upscale_guard",
    "tools.eval.screening",
    "tools.eval.screening_scripts",
    "tools.eval.screening_pooled",
)


def register(sub: Any) -> None:
    ml = sub.add_parser("ml", help="run the ML adapters offline and print JSON")
    ml_sub = ml.add_subparsers(dest="ml_command", required=True)
    for module_name in ML_GROUPS:
        importlib.import_module(module_name).register(ml_sub)
    ev = ml_sub.add_parser("evaluate", help="evaluate every adapter on ../shared/data; write markdown")
    ev.add_argument("--data", default="../shared/data", help="the shared test data folder")
    ev.add_argument("--out", required=True, help="markdown report path")
    ev.add_argument("--section", choices=[m.removeprefix("tools.eval.") for m in EVAL_SECTIONS],
                    help="only this section (e.g. liveness), to refresh one part of the report")
    ev.add_argument("--json", action="store_true", help='print {"out": PATH, "sections": [...]} when done')
    ev.set_defaults(func=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    from pathlib import Path

    data_dir = Path(args.data)
    if not data_dir.is_dir():
        message = f"data folder not found: {data_dir}"
        print(json.dumps({"error": {"code": "data_not_found", "message": message}}) if args.json
              else f"error: {message}")
        return 2
    parts = ["# kycledger ML evaluation\n", f"Data: `{data_dir}`\n"]
    chosen = [m for m in EVAL_SECTIONS if args.section in (None, m.removeprefix("tools.eval."))]
    for module_name in chosen:
        parts.append(importlib.import_module(module_name).report_section(data_dir))
    Path(args.out).write_text("\n".join(parts), encoding="utf-8")
    sections = [m.removeprefix("ops.eval_") for m in chosen]
    print(json.dumps({"out": args.out, "sections": sections}) if args.json else f"wrote {args.out}")
    return 0
