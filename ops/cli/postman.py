"""``kycledger postman``: the Postman collection of this version's API (``api.postman.collection``)."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from api.postman.collection import collection
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.cli.common import print_json


def register(sub: Any) -> None:
    postman = sub.add_parser("postman", help="write a Postman collection of the API that signs its requests")
    postman.add_argument("--out", default="kycledger.postman_collection.json")
    postman.add_argument("--base-url", default="http://127.0.0.1:8000")
    postman.add_argument("--json", action="store_true", help='print {"out", "requests"} (it always does)')
    postman.set_defaults(func=_postman)


def openapi_document() -> dict[str, Any]:
    """This version's OpenAPI document, from an app on a throw-away in-memory ledger (nothing served)."""
    with tempfile.TemporaryDirectory() as folder:
        rt = open_runtime(data_dir=Path(folder), in_memory=True)
        try:
            with TestClient(build_api(rt)) as client:
                doc: dict[str, Any] = client.get("/openapi.json").json()
        finally:
            rt.close()
    return doc


def _postman(args: argparse.Namespace) -> int:
    built = collection(openapi_document(), args.base_url)
    Path(args.out).write_text(json.dumps(built, indent=2) + "\n", encoding="utf-8")
    print_json({"out": args.out, "requests": sum(len(folder["item"]) for folder in built["item"])})
    return 0
