"""The quickstart's sample captures: a sandbox document and a selfie, drawn here, never a photo of a
person (nobody's personal data ships with the product).

The document carries the sandbox persona's machine-readable zone (``ops.sandbox.SANDBOX_PERSONA``,
ICAO's specimen state ``UTO``) and says on its face that it is a sample. Their colours are neutral,
so a sandbox key reads them as ``pass`` (``ops.sandbox`` magic inputs); ``kycledger quickstart
--save-samples DIR`` writes them out for use with curl.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from ops.sandbox import SANDBOX_PERSONA, sandbox_mrz

_PAPER, _INK, _SKIN, _BACKDROP = (226, 222, 208), (30, 30, 40), (214, 180, 150), (196, 200, 204)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _face(draw: ImageDraw.ImageDraw, left: int, top: int, width: int) -> None:
    """A drawn face (head, eyes, nose, mouth): an illustration, not anybody's likeness."""
    height = int(width * 1.3)
    draw.ellipse((left, top, left + width, top + height), fill=_SKIN, outline=_INK, width=3)
    eye_y, eye_r = top + height * 2 // 5, max(3, width // 14)
    for eye_x in (left + width // 3, left + width * 2 // 3):
        draw.ellipse((eye_x - eye_r, eye_y - eye_r, eye_x + eye_r, eye_y + eye_r), fill=_INK)
    draw.line((left + width // 2, eye_y + eye_r * 2, left + width // 2 - eye_r, top + height * 3 // 5), fill=_INK,
              width=2)
    draw.arc((left + width // 3, top + height * 3 // 5, left + width * 2 // 3, top + height * 4 // 5), 20, 160,
             fill=_INK, width=3)


def sample_document() -> bytes:
    """A passport-like data page of the sandbox persona, PNG (1000 x 700)."""
    page = Image.new("RGB", (1000, 700), _PAPER)
    draw = ImageDraw.Draw(page)
    draw.rectangle((10, 10, 989, 689), outline=_INK, width=3)
    draw.text((40, 30), "SAMPLE - NOT A REAL DOCUMENT - kycledger sandbox", fill=_INK)
    _face(draw, 60, 110, 220)
    persona = SANDBOX_PERSONA
    lines = [f"Surname: {persona['surname']}", f"Given names: {persona['given_names']}",
             f"Nationality: {persona['nationality']}", f"Date of birth: {persona['birth_date']}",
             f"Document no.: {persona['document_number']}", f"Expires: {persona['expiry_date']}"]
    for row, text in enumerate(lines):
        draw.text((340, 120 + row * 40), text, fill=_INK)
    mrz = sandbox_mrz(persona["expiry_date"])
    for row, text in enumerate(mrz.lines):
        draw.text((40, 580 + row * 40), text, fill=_INK)
    return _png(page)


def sample_selfie() -> bytes:
    """A drawn portrait, PNG (480 x 640)."""
    picture = Image.new("RGB", (480, 640), _BACKDROP)
    _face(ImageDraw.Draw(picture), 110, 120, 260)
    return _png(picture)
