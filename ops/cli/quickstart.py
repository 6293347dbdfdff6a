"""``kycledger quickstart``: one verification end to end on the embedded default (``ops.cli.quickstart_flow``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ops.cli.common import guarded
from ops.cli.quickstart_flow import QuickstartError, run_quickstart
from ops.cli.quickstart_samples import sample_document, sample_selfie
from ops.settings import DEFAULT_DATA_DIR


def register(sub: Any) -> None:
    quick = sub.add_parser("quickstart", help="a sandbox tenant and one signed verification, each step printed")
    quick.add_argument("--data-dir", default=None, help=f"the embedded stack's folder (default {DEFAULT_DATA_DIR})")
    quick.add_argument("--url", default=None, help="use this running `kycledger dev` (same --data-dir) instead "
                                                   "of starting one")
    quick.add_argument("--save-samples", default=None, metavar="DIR",
                       help="only write the sample document and selfie (PNG) into DIR, for curl")
    quick.add_argument("--json", action="store_true", help="print each step as a JSON line")
    quick.set_defaults(func=guarded(_quickstart))


def _quickstart(args: argparse.Namespace) -> int:
    def say(line: str) -> None:
        print(json.dumps({"step": line}) if args.json else line, flush=True)

    if args.save_samples:
        folder = Path(args.save_samples)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sample-document.png").write_bytes(sample_document())
        (folder / "sample-selfie.png").write_bytes(sample_selfie())
        say(f"wrote {folder / 'sample-document.png'} and {folder / 'sample-selfie.png'}")
        return 0
    try:
        return run_quickstart(Path(args.data_dir) if args.data_dir else DEFAULT_DATA_DIR, args.url, say)
    except QuickstartError as error:
        say(f"quickstart failed: {error}")
        return 1
