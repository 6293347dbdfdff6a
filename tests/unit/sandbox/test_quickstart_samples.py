"""The quickstart's samples are drawn, read as a sandbox pass, and carry the sandbox persona's MRZ."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from domain.checks import Outcome
from ops.cli.quickstart_flow import _short
from ops.cli.quickstart_samples import sample_document, sample_selfie
from ops.sandbox import magic_outcome

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("draw", "size"), [(sample_document, (1000, 700)), (sample_selfie, (480, 640))])
def test_samples_are_deterministic_pngs_that_the_sandbox_passes(draw: object, size: tuple[int, int]) -> None:
    image = draw()  # type: ignore[operator]
    assert image == draw() and image.startswith(b"\x89PNG")  # type: ignore[operator]
    with Image.open(io.BytesIO(image)) as decoded:
        assert decoded.size == size
    assert magic_outcome(image) is Outcome.PASS


def test_printed_bodies_shorten_base64_and_long_lists() -> None:
    shown = _short({"image_base64": "A" * 500, "frames": ["x"] * 20, "id": "s-1"})
    assert shown["image_base64"].endswith("(500 characters)") and len(shown["image_base64"]) < 80
    assert shown["frames"][-1] == "... 17 more" and shown["id"] == "s-1"
