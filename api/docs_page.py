"""The interactive API reference at ``/docs``, off unless ``KYC_API_DOCS`` enables it.

Swagger UI is served from this server only: its files come from the ``swagger-ui-bundle-v2``
registry package (Apache-2.0), never from a third-party host, and the page's Content-Security-
Policy allows scripts from our own origin alone. It reads ``/openapi.json``; requests it sends
still need the HMAC signature (``api/SIGNING.md``), which it cannot make, so it is a reference,
not a console.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import Parameter

from api.errors import ApiProblem

DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kycledger API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>
"""
INIT = b'window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});\n'
ASSETS = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}  # litestar adds the charset


@cache
def swagger_dir() -> Path:
    """The packaged Swagger UI files; a clear error when the package is missing."""
    try:
        import swagger_ui_bundle  # the registry package that ships Swagger UI's built files
    except ImportError:
        raise RuntimeError("KYC_API_DOCS is on but swagger-ui-bundle-v2 is not installed") from None
    return Path(swagger_ui_bundle.swagger_ui_path)


class DocsController(Controller):
    """``/docs`` and its assets (mounted only when the docs are enabled)."""

    path = "/docs"
    include_in_schema = False

    @get("/", operation_id="docsPage", sync_to_thread=False)
    def page(self) -> Response[bytes]:
        return Response(PAGE, media_type="text/html",
                        headers={"Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-cache"})

    @get("/assets/{name:str}", operation_id="docsAsset", sync_to_thread=True)
    def asset(self, name: Annotated[str, Parameter(max_length=40)]) -> Response[bytes]:
        if name == "init.js":
            content, media_type = INIT, "text/javascript"
        elif name in ASSETS:  # a fixed list: no path from the request reaches the disk
            content, media_type = (swagger_dir() / name).read_bytes(), ASSETS[name]
        else:
            raise ApiProblem(404, "not_found", "no such asset")
        return Response(content, media_type=media_type, headers={"Cache-Control": "no-cache"})
