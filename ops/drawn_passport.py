"""A passport data page drawn at run time: nobody's document, for the warm-up and the benchmarks.

The warm-up reads one (``ops.warmup``: the document path's first-use costs, docs/targets.md §5); the
verification benchmark draws one with a valid machine-readable zone, the holder's name and number printed
on the page and a real portrait, so that every check of the "all checks passing" scenario can pass
(``tools.bench.passing_inputs``). The layout is a TD3 data page's (ICAO 9303): title, portrait on the
left, the printed fields beside it, the two MRZ lines at the bottom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from domain.documents.mrz_chars import check_digit

Page = NDArray[np.uint8]
PAGE_SHAPE = (880, 1334, 3)  # a scanned passport page's size (height, width, channels)
PORTRAIT_BOX = (70, 150, 420, 600)  # x0, y0, x1, y1 of the portrait on the page
PAPER, PORTRAIT_GREY, INK = 235, 95, 20


@dataclass(frozen=True)
class PassportHolder:
    """The fields of a TD3 machine-readable zone (names and codes as they are written in it)."""

    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: date
    sex: str
    expiry_date: date
    issuing_state: str


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def td3_lines(holder: PassportHolder) -> tuple[str, str]:
    """The holder's two TD3 MRZ lines with their check digits (ICAO 9303 part 4)."""
    name = f"{holder.surname}<<{holder.given_names}".replace(" ", "<")
    line1 = f"P<{holder.issuing_state}{name}".ljust(44, "<")[:44]
    number = holder.document_number.ljust(9, "<")
    birth, expiry, personal = _yymmdd(holder.birth_date), _yymmdd(holder.expiry_date), "<" * 14
    body = (f"{number}{check_digit(number)}{holder.nationality}{birth}{check_digit(birth)}{holder.sex}"
            f"{expiry}{check_digit(expiry)}{personal}{check_digit(personal)}")
    composite = body[0:10] + body[13:20] + body[21:43]
    return line1, body + check_digit(composite)


def draw_passport_page(mrz_lines: Sequence[str], printed: Sequence[str] = (),
                       portrait: Page | None = None) -> Page:
    """The page (BGR): ``printed`` lines beside the portrait (a grey block when there is none), then the
    MRZ. ``portrait`` is resized to fill its box, so give it the box's aspect ratio."""
    import cv2  # the ML extras: imported only where the real models are wired

    page = np.full(PAGE_SHAPE, PAPER, dtype=np.uint8)
    x0, y0, x1, y1 = PORTRAIT_BOX
    if portrait is None:
        cv2.rectangle(page, (x0, y0), (x1, y1), (PORTRAIT_GREY,) * 3, -1)
    else:
        page[y0:y1 + 1, x0:x1 + 1] = cv2.resize(portrait, (x1 - x0 + 1, y1 - y0 + 1), interpolation=cv2.INTER_AREA)
    cv2.putText(page, "PASSPORT  UTOPIA", (480, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (30, 30, 30), 3)
    for row, line in enumerate(printed):
        cv2.putText(page, line, (480, 280 + 55 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.95, (30, 30, 30), 2)
    for row, line in enumerate(mrz_lines):
        cv2.putText(page, line, (50, 740 + 60 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.15, (INK,) * 3, 3)
    return page
