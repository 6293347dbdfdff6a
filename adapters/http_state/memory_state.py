"""HTTP state in process memory, for the in-memory ledger (tests, what-if runs): one process only."""

from __future__ import annotations

import math
import threading

StoredResponse = tuple[int, tuple[tuple[str, str], ...], bytes]


class InMemoryHttpState:
    """The same contract as ``SqlHttpState``, guarded by one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replay: dict[str, float] = {}
        self._rate: dict[tuple[str, int], int] = {}
        self._quota: dict[str, int] = {}
        # (scope, key) -> (fingerprint, state, expires_at, response)
        self._idem: dict[tuple[str, str], tuple[str, str, float, StoredResponse | None]] = {}

    def first_use(self, fingerprint: str, now: float, ttl_s: float) -> bool:
        with self._lock:
            if self._replay.get(fingerprint, -math.inf) >= now:
                return False
            self._replay[fingerprint] = now + ttl_s
            return True

    def hit(self, bucket: str, window_s: int, now: float) -> int:
        with self._lock:
            slot = (bucket, math.floor(now / window_s) * window_s)
            self._rate[slot] = self._rate.get(slot, 0) + 1
            return self._rate[slot]

    def consume(self, bucket: str, limit: int) -> int | None:
        with self._lock:
            used = self._quota.get(bucket, 0)
            if used >= limit:
                return None
            self._quota[bucket] = used + 1
            return used + 1

    def used(self, bucket: str) -> int:
        with self._lock:
            return self._quota.get(bucket, 0)

    def claim(self, scope: str, key: str, fingerprint: str, now: float,
              lease_s: float) -> tuple[str, StoredResponse | None]:
        with self._lock:
            found = self._idem.get((scope, key))
            if found is None or found[2] < now:
                self._idem[(scope, key)] = (fingerprint, "in_flight", now + lease_s, None)
                return ("claimed", None)
            stored_fp, state, _, response = found
            if stored_fp != fingerprint:
                return ("mismatch", None)
            return ("completed", response) if state == "completed" else ("in_flight", None)

    def complete(self, scope: str, key: str, response: StoredResponse, now: float, ttl_s: float) -> None:
        with self._lock:
            found = self._idem.get((scope, key))
            if found is not None:
                self._idem[(scope, key)] = (found[0], "completed", now + ttl_s, response)

    def release(self, scope: str, key: str) -> None:
        with self._lock:
            found = self._idem.get((scope, key))
            if found is not None and found[1] == "in_flight":
                del self._idem[(scope, key)]

    def close(self) -> None:
        """Nothing to release."""
