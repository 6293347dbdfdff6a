"""``MsgpackLivenessFramesCodec``: the stored liveness-frames format is frozen by a test vector.

The vector was produced by the format's first implementation (a ``msgspec.Struct`` in ``api.media``),
so answers stored before the move to ``adapters/media`` stay readable byte for byte.
"""

from __future__ import annotations

import subprocess
import sys

import msgspec
import pytest

from adapters.media import MsgpackLivenessFramesCodec
from domain.ports.media import LivenessFrames

pytestmark = pytest.mark.unit

CODEC = MsgpackLivenessFramesCodec()
ANSWER = LivenessFrames(nonce="9f2c6d0e1b7a4c3d", offsets_ms=[0, 120], frames=[b"\xff\xd8\xffA", b"\xff\xd8\xffB"])
VECTOR = bytes.fromhex(
    "83a56e6f6e6365b039663263366430653162376134633364aa6f6666736574735f6d73920078"
    "a66672616d657392c404ffd8ff41c404ffd8ff42")


def test_packing_matches_the_frozen_vector() -> None:
    assert CODEC.pack(ANSWER) == VECTOR


def test_a_stored_blob_reads_back() -> None:
    assert CODEC.unpack(VECTOR) == ANSWER
    assert CODEC.unpack(CODEC.pack(ANSWER)) == ANSWER


def test_a_blob_of_another_shape_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError):
        CODEC.unpack(msgspec.msgpack.encode({"nonce": "n", "offsets_ms": ["late"], "frames": []}))


def test_repr_shows_no_bytes() -> None:
    assert repr(ANSWER) == "LivenessFrames(2 frames)"


def test_the_frames_type_is_read_by_msgspec_when_the_codec_is_imported_not_on_the_first_answer() -> None:
    """msgspec reads a dataclass's type hints once per process, when it first decodes it: the codec
    does it at import, before the process says ready (docs/targets.md §5)."""
    probe = "from domain.ports.media import LivenessFrames as F; {}print(hasattr(F, '__msgspec_cache__'))"
    seen = [
        subprocess.run([sys.executable, "-c", probe.format(first)], capture_output=True, text=True, check=True)
        for first in ("", "import adapters.media.frames; ")
    ]
    assert [run.stdout.strip() for run in seen] == ["False", "True"]
