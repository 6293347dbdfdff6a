"""Page assets: the static files of the web client and the self-contained evidence viewer.

The evidence viewer is served as ONE HTML document with its stylesheet and scripts inlined, so a
person can save it and open it as a local file, offline (docs/architecture.md §9: it works as a saved local file).
Its Content-Security-Policy allows exactly those inline scripts by their SHA-256, and connections
to its own origin only (the checkpoint key published at ``/.well-known/kycledger-checkpoint-key``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
# litestar adds "; charset=utf-8" to every text/* media type: naming it here too sent it twice.
CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
_INLINE = re.compile(r'<(style|script) data-inline="([a-z0-9.-]+)"></\1>')

# Security headers of every page: no referrer (the capture URL carries the client token), no caching
# of pages holding a token, no framing, and only our own origin.
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY", "Permissions-Policy": "camera=(self), microphone=(), geolocation=()"}
CAPTURE_CSP = ("default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; "
               "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
               "base-uri 'none'; form-action 'none'")


def static_names() -> frozenset[str]:
    """The files the static route may serve (a fixed list: no path from the request reaches the disk)."""
    return frozenset(p.name for p in STATIC_DIR.iterdir() if p.suffix in CONTENT_TYPES and p.is_file())


def static_file(name: str) -> tuple[bytes, str] | None:
    """(content, media type) of a known static file, or None."""
    if name not in static_names():
        return None
    path = STATIC_DIR / name
    return path.read_bytes(), CONTENT_TYPES[path.suffix]


@cache
def evidence_page() -> tuple[bytes, str]:
    """The self-contained evidence viewer and its Content-Security-Policy."""
    template = (STATIC_DIR / "evidence.html").read_text(encoding="utf-8")
    script_hashes: list[str] = []

    def inline(match: re.Match[str]) -> str:
        tag, name = match.group(1), match.group(2)
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        if tag == "script":
            digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
            script_hashes.append(f"'sha256-{digest}'")
        return f"<{tag}>{text}</{tag}>"

    html = _INLINE.sub(inline, template)
    csp = (f"default-src 'none'; script-src {' '.join(script_hashes)}; style-src 'unsafe-inline'; "
           "img-src data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
    return html.encode("utf-8"), csp
