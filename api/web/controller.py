"""Routes serving the web client's pages and assets (no API secret involved: nothing here is signed).

``/capture/{client_token}`` is the capture client (requirements/capture "Scan your ID" and "Selfie & Liveness
Check"); the page itself holds no data, it reads the token from its own URL and calls the
client-token routes. ``/evidence`` is the offline evidence viewer. These paths are outside the
platform middleware's HMAC prefixes (``api.middleware.PROTECTED_PREFIXES``), as is ``/client``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import Parameter

from api.errors import ApiProblem
from api.web.pages import CAPTURE_CSP, PAGE_HEADERS, evidence_page, static_file


class WebPageController(Controller):
    """The capture client, the evidence viewer and their static assets."""

    path = "/"
    tags = ("web client",)
    include_in_schema = False

    @get("/capture/{client_token:str}", operation_id="webCapturePage", sync_to_thread=False)
    def capture(self, client_token: Annotated[str, Parameter(max_length=400)]) -> Response[bytes]:
        # The token is checked by every API call the page makes; the page shows "link expired" on a 401.
        found = static_file("capture.html")
        assert found is not None
        return Response(found[0], media_type=found[1],
                        headers={**PAGE_HEADERS, "Content-Security-Policy": CAPTURE_CSP})

    @get("/evidence", operation_id="webEvidenceViewer", sync_to_thread=False)
    def evidence(self) -> Response[bytes]:
        html, csp = evidence_page()
        return Response(html, media_type="text/html",  # litestar adds the charset
                        headers={**PAGE_HEADERS, "Content-Security-Policy": csp})

    @get("/web/static/{name:str}", operation_id="webStaticAsset", sync_to_thread=False)
    def asset(self, name: Annotated[str, Parameter(max_length=80)]) -> Response[bytes]:
        found = static_file(name)
        if found is None:
            raise ApiProblem(404, "not_found", "no such asset")
        return Response(found[0], media_type=found[1],
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
