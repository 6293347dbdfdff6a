"""A Postman collection (v2.1) generated from the OpenAPI document, signing each request itself.

Every ``/v1`` and ``/kyc`` operation becomes a request in a folder per tag, with its path variables,
its query parameters and its example body; the collection's pre-request script (``signing.js``) adds
``X-API-KEY``, ``X-API-TIMESTAMP``, ``X-API-SIGN`` and ``X-API-NONCE`` as api/SIGNING.md says, from the
collection variables ``apiKeyId`` and ``apiKeySecret``. ``kycledger postman --out FILE`` writes it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
SIGNING_SCRIPT = Path(__file__).with_name("signing.js")
_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")
METHODS = ("get", "post", "put", "patch", "delete")


def signing_script() -> str:
    return SIGNING_SCRIPT.read_text(encoding="utf-8")


def _example_body(operation: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    if "example" in content:
        return content["example"]
    examples = content.get("examples") or {}
    if examples:
        return next(iter(examples.values()))["value"]
    in_schema = content.get("schema", {}).get("examples") or []  # JSON Schema style, as litestar writes them
    return in_schema[0] if in_schema else {}


def _request(path: str, method: str, operation: dict[str, Any]) -> dict[str, Any]:
    segments = [f":{m.group(1)}" if (m := _PARAM.fullmatch(s)) else s for s in path.strip("/").split("/")]
    query = [{"key": p["name"], "value": "", "disabled": not p.get("required", False),
              "description": p.get("description", "")}
             for p in operation.get("parameters", []) if p.get("in") == "query"]
    raw = "{{baseUrl}}/" + "/".join(segments) + ("?" + "&".join(f"{q['key']}=" for q in query if not q["disabled"])
                                                  if any(not q["disabled"] for q in query) else "")
    request: dict[str, Any] = {
        "method": method.upper(),
        "header": [],
        "url": {"raw": raw, "host": ["{{baseUrl}}"], "path": segments, "query": query,
                "variable": [{"key": s[1:], "value": ""} for s in segments if s.startswith(":")]},
        "description": operation.get("description") or operation.get("summary", ""),
    }
    body = _example_body(operation)
    if body is not None:
        request["header"].append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {"mode": "raw", "raw": json.dumps(body, indent=2), "options": {"raw": {"language": "json"}}}
    return {"name": operation.get("summary") or operation.get("operationId", f"{method.upper()} {path}"),
            "request": request}


def collection(doc: dict[str, Any], base_url: str = "http://127.0.0.1:8000") -> dict[str, Any]:
    """The collection of every signed operation of ``doc`` (an OpenAPI 3.1 document), by tag."""
    folders: dict[str, list[dict[str, Any]]] = {}
    for path, item in sorted(doc.get("paths", {}).items()):
        if not path.startswith(("/v1/", "/kyc/")):
            continue
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                tag = (operation.get("tags") or ["other"])[0]
                folders.setdefault(tag, []).append(_request(path, method, operation))
    info = doc.get("info", {})
    return {
        "info": {"name": info.get("title", "kycledger"), "schema": SCHEMA,
                 "description": "Generated from the kycledger OpenAPI document (version "
                                f"{info.get('version', '?')}). Set apiKeyId and apiKeySecret; every request "
                                "is signed by the collection's pre-request script (api/SIGNING.md)."},
        "variable": [{"key": "baseUrl", "value": base_url}, {"key": "apiKeyId", "value": ""},
                     {"key": "apiKeySecret", "value": ""}],
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript",
                                                      "exec": signing_script().splitlines()}}],
        "item": [{"name": tag, "item": items} for tag, items in sorted(folders.items())],
    }
