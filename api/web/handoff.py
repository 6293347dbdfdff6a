"""Cross-device hand-off (requirements/capture §1 "Sync data across devices").

A person who opened the capture link on a computer without a (rear) camera continues on a phone by
scanning a QR code of the same link. Every step is recorded server-side, so the phone resumes where
the session stands. The code is drawn here, offline (``segno``, pure Python), never by a third-party
service: the link carries the session's client token.
"""

from __future__ import annotations

import io

import segno


def capture_link(base_url: str, client_token: str) -> str:
    """The capture page of ``client_token`` on this server (``base_url`` as the browser reached it)."""
    return f"{base_url.rstrip('/')}/capture/{client_token}"


def qr_svg(link: str) -> bytes:
    """``link`` as a QR code (error correction M), an SVG the page shows as an image."""
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(
        out, kind="svg", scale=5, border=4, xmldecl=False, title="QR code: continue on your phone",
        dark="#000", light="#fff")
    return out.getvalue()
