"""How often the console's sign-in may be tried: per (login, address), per address, and in all.

Guessing a person's password is slowed where the guesser is, not where the person is: attempts for
one login from one client address back off in steps (5 a minute, 10 a quarter hour, 30 a day), one
address may try 30 sign-ins a quarter hour across every login (password spraying), and the whole
deployment takes at most ``ALL_PER_MINUTE`` attempts a minute (a botnet's many addresses; it also
caps the Argon2id work the server does for strangers). None of these locks an account: a stranger
who keeps failing for someone's login only uses up their own address's budget, and the person signs
in from theirs. The account's own lock counts second-factor failures only (``ConsoleAccount.refuse``),
which takes the person's password to trigger. A product default (docs/architecture.md §8: people
sign in as themselves); the counters are the API's shared rate-limit windows, so every replica
counts together. Attempts are counted, successful or not: a person who signs in five times in a
minute waits as well.

The client address is the peer the ASGI server reports (behind a reverse proxy, let the server
take it from the proxy's forwarded header: README "Console"). IPv6 addresses count by their /64,
the block one machine usually holds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Sequence
from typing import Any

from api.deps import ApiDependencies
from api.errors import ApiProblem
from api.ratelimit import RateDecision, RateWindow

PAIR_WINDOWS = ((60, 5), (900, 10), (86_400, 30))  # (seconds, attempts) for one login from one address
ADDRESS_WINDOWS = ((900, 30),)
ALL_PER_MINUTE = 300
ALL_WINDOWS = ((60, ALL_PER_MINUTE),)


def client_address(scope: Any) -> str:
    """The peer's address, IPv6 cut to its /64; ``unknown`` when the server reports none."""
    client = scope.get("client")
    host = str(client[0]) if client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _login_key(login: str) -> str:
    """Logins are personal: the counters hold a digest of the folded login, never the login."""
    return hashlib.sha256(login.strip().lower().encode("utf-8")).hexdigest()[:32]


def _reset_after(now: float, window_s: int) -> int:
    return max(1, math.ceil((math.floor(now / window_s) + 1) * window_s - now))


def _count(deps: ApiDependencies, bucket: str, windows: Sequence[tuple[int, int]], now: float) -> RateDecision:
    counted = []
    for window_s, limit in windows:
        # One counter per window length: the store keys a window by its start, which windows of
        # different lengths share at their common boundaries (every day's first minute).
        count = deps.rate_counter.hit(f"{bucket}:{window_s}s", window_s, now)
        counted.append(RateWindow(limit=limit, count=count, reset_s=_reset_after(now, window_s)))
        if counted[-1].exceeded:
            break  # a refused attempt does not use up the longer windows (as ``api.ratelimit``)
    return RateDecision(tuple(counted))


def admit_sign_in(deps: ApiDependencies, scope: Any, login: str) -> None:
    """Count one sign-in attempt; a 429 ``sign_in_rate_limited`` problem with ``Retry-After`` once a
    window is full. The narrowest bucket is counted first, so a refused attempt never reaches the
    wider ones: one address hammering one login cannot use up the deployment's budget."""
    now = deps.clock().timestamp()
    address = client_address(scope)
    for bucket, windows in ((f"console-sign-in:pair:{_login_key(login)}:{address}", PAIR_WINDOWS),
                            (f"console-sign-in:address:{address}", ADDRESS_WINDOWS),
                            ("console-sign-in:all", ALL_WINDOWS)):
        decision = _count(deps, bucket, windows, now)
        if not decision.allowed:
            wait = decision.reported.reset_s
            raise ApiProblem(429, "sign_in_rate_limited", "too many sign-in attempts: try again later",
                             headers={"Retry-After": str(wait)}, retry_after_s=wait)
