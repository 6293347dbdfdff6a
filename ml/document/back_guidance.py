"""What a person is told when the PDF417 symbol on their licence's back did not decode.

Straightening and deblurring (ml/document/pdf417.py) read a card tilted and blurred as far as its
pixels carry the symbol; beyond that no processing can (ml/EVALUATION.md, "Driver licences": the far
row of a 35 % keystone on the smallest card the capture gate accepts is 0.78 px per module, and even
the keystone undone exactly reads none). The photo itself shows what to change: a card held tilted
away (one edge of its outline visibly shorter than its opposite) is to be held straight; a card held
square but small in the frame is to be brought closer (docs/requirements/pipeline.md §3: a capture
that cannot be read is retaken with guidance, not failed bare).
"""

from __future__ import annotations

from domain.ports.document import Guidance
from ml.document.geometry import find_document
from ml.document.images import Image
from ml.document.straighten import edge_lengths, edge_ratio

# Opposite edges of the outline differing by more than this share: the card is held visibly tilted away
# (the card eval's 15 % keystone, edges 0.78 apart). From there a slightly blurred card at the smallest
# size the capture gate accepts reads only deblurred, and beyond a 30 % keystone (0.54) the far rows'
# modules are under one pixel, which no straightening restores (ml/EVALUATION.md, "Driver licences").
TILTED_EDGE_RATIO = 0.8
# The back's outline is looked for down to this share of the photo: a card tilted away steeply shrinks
# (the card eval's 40 % keystone covers 17 % of its photo, under the page search's 20 %).
BACK_MIN_AREA_SHARE = 0.1
# The capture gate's distance rule asks for a card at least half the frame's width
# (ml/document/quality.py ``COVERAGE``), on the 1280 px frame the capture page asks the camera for
# (api/web/static/camera.js): a card narrower than this was taken too far away.
MIN_CARD_PX = 640


def back_guidance(gray: Image) -> Guidance | None:
    """``ALIGN_DOCUMENT`` for a card outline one edge of which is under ``TILTED_EDGE_RATIO`` of its
    opposite, else ``MOVE_CLOSER`` for a card outline narrower than ``MIN_CARD_PX``; ``None`` when no
    card outline is found or the card is held square and large enough (then the photo does not say
    what kept the symbol from decoding)."""
    corners = find_document(gray, min_area_share=BACK_MIN_AREA_SHARE).corners
    if corners is None:
        return None
    if edge_ratio(corners) < TILTED_EDGE_RATIO:
        return Guidance.ALIGN_DOCUMENT
    return Guidance.MOVE_CLOSER if max(edge_lengths(corners)) < MIN_CARD_PX else None
