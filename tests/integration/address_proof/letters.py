"""Address documents rendered at test time (the shared data has none): an A4 bill at 150 dpi with a
letterhead, the sender's own address, an addressee block in an envelope window, dates, account
details, a body paragraph and a table of charges. Written to the test's tmp dir, never committed.

Fonts: DejaVu Sans from the matplotlib wheel (a mediapipe runtime dependency, so always installed)
renders accents; Pillow's built-in font is the fallback.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PAGE = (1240, 1754)  # A4 at 150 dpi


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        import matplotlib

        path = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        return ImageFont.truetype(str(path), size)
    except (ImportError, OSError):
        return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class Letter:
    """What the bill says; ``issued`` is formatted with ``date_format`` (strftime)."""

    holder: str
    address: tuple[str, ...]
    issued: date
    date_format: str = "%d %B %Y"
    sender: str = "NORTHERN POWER & GAS LTD"
    sender_address: str = "PO Box 4410, Leeds LS1 4AP"
    title: str = "Your electricity statement"
    body: tuple[str, ...] = field(default=(
        "Thank you for being a customer. This statement covers the energy used at",
        "the supply address shown above during the last billing period. Payment",
        "will be collected by direct debit on or after the due date below.",
        "Questions about this bill? Call our customer team on 0800 000 111.",
    ))


def render_letter(letter: Letter, *, scanned: bool = False) -> bytes:
    """The letter as PNG bytes; ``scanned`` tilts it slightly, blurs it and saves it as a JPEG."""
    page = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(page)
    head, text, small = _font(46), _font(28), _font(22)
    draw.text((90, 80), letter.sender, font=head, fill=(20, 40, 120))
    draw.text((90, 145), f"{letter.sender_address}  |  www.example-energy.test", font=small, fill=(70, 70, 70))
    y = 300
    for line in (letter.holder, *letter.address):
        draw.text((100, y), line, font=text, fill="black")
        y += 40
    due = letter.issued + timedelta(days=21)
    right = (f"Statement date: {letter.issued.strftime(letter.date_format)}", "Account number: 8841 2299 10",
             f"Payment due: {due.strftime(letter.date_format)}")
    for i, line in enumerate(right):
        draw.text((760, 300 + 38 * i), line, font=small, fill="black")
    y = 640
    draw.text((90, y), letter.title, font=_font(38), fill="black")
    y += 75
    for line in letter.body:
        draw.text((90, y), line, font=text, fill=(30, 30, 30))
        y += 42
    y += 40
    for label, amount in (("Previous balance", "82.10"), ("Payments received", "-82.10"),
                          ("Electricity 412 kWh", "71.20"), ("Standing charge", "5.25"), ("Total due", "76.45")):
        draw.text((90, y), label, font=text, fill="black")
        draw.text((900, y), amount, font=text, fill="black")
        y += 44
    draw.text((90, 1650), "Northern Power & Gas Ltd is registered in England No. 01234567.", font=small,
              fill=(90, 90, 90))
    out = io.BytesIO()
    if scanned:
        page = page.rotate(1.2, expand=True, fillcolor="white").filter(ImageFilter.GaussianBlur(0.6))
        page.save(out, format="JPEG", quality=82)
    else:
        page.save(out, format="PNG")
    return out.getvalue()


def blank_page() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", PAGE, (250, 250, 248)).save(out, format="PNG")
    return out.getvalue()


def noise_page(seed: int = 7) -> bytes:
    """Random grey noise, as from a camera pointed at nothing: no text to read."""
    import random

    rng = random.Random(seed)
    width, height = 620, 877
    image = Image.frombytes("L", (width, height), bytes(rng.randrange(256) for _ in range(width * height)))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


def save(tmp_dir: Path, name: str, content: bytes) -> Path:
    """Write a rendered document into the test's tmp dir (kept out of the repository)."""
    path = tmp_dir / name
    path.write_bytes(content)
    return path
