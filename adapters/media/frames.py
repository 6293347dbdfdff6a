"""The stored format of an active-liveness answer: one msgpack map ``{nonce, offsets_ms, frames}``.

Frozen by a test vector (``tests/unit/adapters/media``): blobs already stored must stay readable.
"""

from __future__ import annotations

import msgspec

from domain.ports.media import LivenessFrames

# Built at import: msgspec reads the dataclass's fields (its type hints) when a decoder for it is
# made, about 20 ms the first verification used to pay (docs/targets.md §5).
_DECODER = msgspec.msgpack.Decoder(LivenessFrames)


class MsgpackLivenessFramesCodec:
    """``LivenessFramesCodec`` on msgpack: fields in declaration order, frames as binary."""

    def pack(self, frames: LivenessFrames) -> bytes:
        return msgspec.msgpack.encode(frames)

    def unpack(self, blob: bytes) -> LivenessFrames:
        return _DECODER.decode(blob)
