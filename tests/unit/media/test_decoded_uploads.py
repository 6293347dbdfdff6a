"""``domain.ports.decoded_uploads``: pixels handed from the intake to the checks of one request only."""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from domain.ports.decoded_uploads import hand_over, handed_over, handing_over

pytestmark = pytest.mark.unit


def test_outside_a_block_nothing_is_kept() -> None:
    hand_over(b"jpeg bytes", "pixels")
    assert handed_over(b"jpeg bytes") is None


def test_within_a_block_the_same_bytes_find_their_pixels_and_other_bytes_do_not() -> None:
    with handing_over():
        hand_over(b"jpeg bytes", "pixels")
        assert handed_over(bytes(bytearray(b"jpeg bytes"))) == "pixels"  # equal bytes, another object
        assert handed_over(b"jpeg bytez") is None  # same length, other content
        assert handed_over(b"jpeg") is None
    assert handed_over(b"jpeg bytes") is None  # forgotten with the block


def test_a_nested_block_shares_the_outer_one() -> None:
    with handing_over():
        with handing_over():
            hand_over(b"a", "pixels")
        assert handed_over(b"a") == "pixels"


def test_threads_started_with_the_context_see_the_block_and_others_do_not() -> None:
    seen: list[object] = []
    with handing_over():
        hand_over(b"selfie", "pixels")
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(contextvars.copy_context().run, handed_over, b"selfie").result() == "pixels"
            assert pool.submit(handed_over, b"selfie").result() is None  # a worker thread of its own
        thread = threading.Thread(target=lambda: seen.append(handed_over(b"selfie")))
        thread.start()
        thread.join()
    assert seen == [None]


def test_two_blocks_side_by_side_keep_their_own_pixels() -> None:
    def request(pixels: str) -> object:
        with handing_over():
            hand_over(b"same upload", pixels)
            return handed_over(b"same upload")

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(request, ["first", "second"]))
    assert answers == ["first", "second"]
