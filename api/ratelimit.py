"""Per-key rate limits (requirements/platform §6 and §11: 60 requests/minute and 50,000/day by default).

Fixed windows counted with one atomic upsert per window in a store shared by every worker, so
concurrent requests cannot pass the limit: exactly ``limit`` hits see a count within it. Windows
are counted shortest first and a request refused by one is not counted in the longer ones. Answers
carry the IETF draft ``RateLimit-Limit``/``-Remaining``/``-Reset`` headers (the tightest window) and,
on 429, ``Retry-After``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from api.deps import ApiDependencies
from api.errors import ApiProblem


@dataclass(frozen=True)
class RateWindow:
    limit: int
    count: int
    reset_s: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


@dataclass(frozen=True)
class RateDecision:
    """The windows a request was counted in; ``headers`` for every answer to that key."""

    windows: tuple[RateWindow, ...]

    @property
    def allowed(self) -> bool:
        return not any(w.exceeded for w in self.windows)

    @property
    def reported(self) -> RateWindow:
        exceeded = [w for w in self.windows if w.exceeded]
        if exceeded:
            return max(exceeded, key=lambda w: w.reset_s)
        return min(self.windows, key=lambda w: (w.remaining, w.reset_s))

    def headers(self) -> dict[str, str]:
        w = self.reported
        return {"RateLimit-Limit": str(w.limit), "RateLimit-Remaining": str(w.remaining),
                "RateLimit-Reset": str(w.reset_s)}


def _reset_after(now: float, window_s: int) -> int:
    return max(1, math.ceil((math.floor(now / window_s) + 1) * window_s - now))


def count_request(deps: ApiDependencies, key_id: str) -> RateDecision:
    """Count one request of ``key_id``; raises a 429 ``ApiProblem`` once a window is full."""
    now = deps.clock().timestamp()
    windows = []
    for window_s, limit in ((60, deps.settings.rate_limit_per_minute), (86_400, deps.settings.rate_limit_per_day)):
        # One counter per window length: the store keys a window by its start, and the minute and
        # the day window start together at midnight (counted in one slot, each request was two hits).
        count = deps.rate_counter.hit(f"key:{key_id}:{window_s}s", window_s, now)
        windows.append(RateWindow(limit=limit, count=count, reset_s=_reset_after(now, window_s)))
        if windows[-1].exceeded:
            # A request refused by the minute window must not use up the day's budget: counted
            # there, a burst of refused requests racing the allowed ones could push an allowed one
            # over the daily limit (and a client that backs off would lose its day to 429s).
            break
    decision = RateDecision(tuple(windows))
    if not decision.allowed:
        headers = {**decision.headers(), "Retry-After": str(decision.reported.reset_s)}
        raise ApiProblem(429, "rate_limited", "rate limit exceeded for this API key", headers=headers,
                         limit=decision.reported.limit, retry_after_s=decision.reported.reset_s)
    return decision
