"""Every page, asset and answer names its charset at most once (litestar adds it to text/* types)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from api.deps import ApiSettings
from api.docs_page import ASSETS
from api.web.pages import static_names
from tests.e2e.api.helpers import ApiStack

pytestmark = pytest.mark.e2e


def test_no_answer_sends_its_charset_twice() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stack = ApiStack.start(Path(tmp), in_memory=True, settings=ApiSettings(docs_enabled=True))
        try:
            paths = ["/capture/kct1.not-a-token", "/evidence", "/docs", "/docs/assets/init.js", "/healthz",
                     "/openapi.json", "/v1/sessions", *(f"/web/static/{n}" for n in sorted(static_names())),
                     *(f"/docs/assets/{n}" for n in ASSETS)]
            seen = {}
            for path in paths:
                answer = stack.http.get(path)
                seen[path] = answer.headers["content-type"]
            assert all(t.count("charset") <= 1 for t in seen.values()), seen
            assert seen["/evidence"] == "text/html; charset=utf-8" and seen["/docs"] == "text/html; charset=utf-8"
            assert seen["/web/static/capture.js"] == "text/javascript; charset=utf-8"
        finally:
            stack.close()
