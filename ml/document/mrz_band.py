"""Where the machine readable zone is among the detected text lines, before any recognition.

ICAO 9303 MRZ lines are fixed-pitch OCR-B, every character printed (fillers included), so the 2 or 3
lines of one MRZ are equally long, left-aligned, stacked without gaps, and much longer than tall
(30 characters at least). The MRZ is the bottom of the data page. We therefore look, from the bottom up,
for a long thin line with one or two more of the same length and left edge right above it. A page where
this finds nothing, or finds lines that do not parse as an MRZ, is read in full by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

from ml.document.ocr import TextBox

MIN_ASPECT = 10.0  # width / height: a 30-character OCR-B line is ~14 (box padding included), 44 is ~20
SAME_LENGTH = 0.08  # lines of one MRZ differ in detected width by a few per cent only
MAX_GAP_LINES = 1.0  # vertical gap between two MRZ lines, in line heights (observed ~0.1-0.3)
MAX_LINES = 3  # TD1 has 3 lines, TD2/TD3/MRV 2
MAX_ANCHORS = 3  # bottom-most long lines tried as the MRZ's last line
# Recognition time grows with line width, and an MRZ line is read at ~31 px per character (48 px high).
# The recogniser emits one CTC step per 8 px, and a '<<<<' filler run needs 2 steps per character to
# stay apart; measured on the ICAO specimens, runs collapse at 14 px per character and read right from
# 17 px. Lines are squeezed to 22 px per character of the longest layout (44), 2.75 steps per character,
# which cuts MRZ recognition by about a third; shorter layouts (TD1, TD2) keep more.
MRZ_MAX_ASPECT = 44 * 22 / 48


def _long(box: TextBox) -> bool:
    return box.thickness > 0 and box.length / box.thickness >= MIN_ASPECT


def _continues(upper: TextBox, lower: TextBox) -> bool:
    """``upper`` is the MRZ line right above ``lower``: same length, same left edge, no gap between.
    Lengths are measured along the lines, so a page left slightly tilted still groups its MRZ."""
    ux, uy, _, uh = upper.box
    lx, ly, _, _ = lower.box
    same_length = abs(upper.length - lower.length) <= SAME_LENGTH * lower.length
    same_left = abs(ux - lx) <= SAME_LENGTH * lower.length
    gap = ly - (uy + uh)
    return same_length and same_left and uy < ly and gap <= MAX_GAP_LINES * lower.thickness


def mrz_band(boxes: Sequence[TextBox]) -> list[TextBox]:
    """The 2-3 lines that look like the MRZ, top to bottom; empty when no such group exists."""
    long_lines = sorted((b for b in boxes if _long(b)), key=lambda b: b.reading_key)
    for anchor_index in range(len(long_lines) - 1, max(-1, len(long_lines) - 1 - MAX_ANCHORS), -1):
        group = [long_lines[anchor_index]]
        for candidate in reversed(long_lines[:anchor_index]):
            if len(group) == MAX_LINES:
                break
            if _continues(candidate, group[-1]):
                group.append(candidate)
        if len(group) >= 2:
            return group[::-1]
    return []
