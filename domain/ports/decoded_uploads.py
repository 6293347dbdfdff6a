"""Pixels the media intake decoded, handed to the checks of the same request (docs/targets.md §5).

The intake keeps an upload's own compressed picture when it can (``adapters.media``: metadata stripped
from the byte stream, nothing re-encoded), so the pixels it decodes to validate an upload are exactly
the pixels a check decodes from the stored bytes. Within a ``handing_over`` block (one request, and the
threads it starts with its context), the intake hands them over (``hand_over``) and the checks'
decoders take them (``handed_over``) instead of decoding the same bytes again. Outside a block, or for
bytes nobody handed over (a worker reading storage, a re-encoded upload), the checks decode as always:
the same pixels either way, so inline and worker runs judge the same arrays.

The block holds the pixels only while it lasts (and a run it started still goes): no picture outlives
the request that brought it.
Handed-over pixels are shared by every check of the request, so the intake hands them over read-only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class _Handed:
    """The pixels of one block, found by their encoded bytes (compared in full, not by a digest)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_length: dict[int, list[tuple[bytes, object]]] = {}

    def add(self, content: bytes, pixels: object) -> None:
        with self._lock:
            self._by_length.setdefault(len(content), []).append((content, pixels))

    def find(self, content: bytes) -> object | None:
        with self._lock:
            candidates = list(self._by_length.get(len(content), ()))
        for known, pixels in candidates:
            if known == content:
                return pixels
        return None


_CURRENT: ContextVar[_Handed | None] = ContextVar("kycledger_decoded_uploads", default=None)


@contextmanager
def handing_over() -> Iterator[None]:
    """A block within which decoded uploads are handed to the checks (nested blocks share the outer one)."""
    if _CURRENT.get() is not None:
        yield
        return
    token = _CURRENT.set(_Handed())
    try:
        yield
    finally:
        _CURRENT.reset(token)


def hand_over(content: bytes, pixels: object) -> None:
    """Offer the pixels decoded from ``content`` to the checks of this block (nothing outside a block)."""
    handed = _CURRENT.get()
    if handed is not None:
        handed.add(content, pixels)


def handed_over(content: bytes) -> object | None:
    """The pixels handed over for exactly these bytes in this block, or None (then decode them)."""
    handed = _CURRENT.get()
    return None if handed is None else handed.find(content)
