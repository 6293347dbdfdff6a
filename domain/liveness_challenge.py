"""Active liveness as pure rules: the server's challenge, its single-use nonce, the frames' times.

The server issues a random, ordered list of actions (requirements/pipeline §5: "two to four actions (turn the head,
blink, smile)"; requirements/capture §1: "blink, move or smile"), always a blink and at least one movement, with a
nonce and an expiry. The client answers with frames; an ML adapter only *measures* what happened in
them and ``domain.liveness_verdict`` decides, so the rule is the same for every adapter.

Randomness and the clock are injected so issuing is testable. Used nonces are persisted as events
by the sessions aggregate; this module needs only a ``Container`` of them (``admission_failure``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Protocol, TypeVar

from domain.errors import InvalidArgumentError
from domain.ports.liveness import InvalidLivenessResponseError

T = TypeVar("T")

MIN_NONCE_LENGTH = 16
# A 10 s answer (the longest challenge, ``max_capture_ms``) at the capture page's 12.5 frames per
# second is 125 frames; the rest is headroom for faster cameras.
MAX_FRAMES = 150


class LivenessAction(StrEnum):
    """What the user is asked to do; left/right are the user's own (see ``CapturedFrame``)."""

    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    SMILE = "smile"


# Every issued challenge has the eye action and at least one movement: photos of a person have open
# eyes, so a slideshow of ordinary photos cannot show a blink, and a movement makes a replayed clip of
# a blink alone insufficient.
EYE_ACTION = LivenessAction.BLINK
MOVEMENTS: tuple[LivenessAction, ...] = (LivenessAction.TURN_LEFT, LivenessAction.TURN_RIGHT, LivenessAction.SMILE)


def is_complete_challenge(actions: Sequence[LivenessAction]) -> bool:
    """True when ``actions`` hold the eye action and at least one movement (what the issuer gives)."""
    return EYE_ACTION in actions and any(a in MOVEMENTS for a in actions)


class RandomSource(Protocol):
    """The part of ``random.Random`` the issuer uses (ops injects ``secrets.SystemRandom()``)."""

    def sample(self, population: Sequence[T], k: int) -> list[T]: ...

    def randint(self, a: int, b: int) -> int: ...


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise InvalidArgumentError(f"{name} must be timezone-aware", field=name)
    return moment


@dataclass(frozen=True)
class LivenessChallenge:
    """A server-issued challenge: do ``actions`` in this order, within ``max_capture_ms``."""

    nonce: str
    actions: tuple[LivenessAction, ...]
    issued_at: datetime
    expires_at: datetime
    max_capture_ms: int

    def __post_init__(self) -> None:
        if len(self.nonce) < MIN_NONCE_LENGTH:
            raise InvalidArgumentError("challenge nonce too short to be unguessable", field="nonce")
        if not self.actions or len(set(self.actions)) != len(self.actions):
            raise InvalidArgumentError("a challenge needs distinct actions", field="actions")
        if _aware(self.expires_at, "expires_at") <= _aware(self.issued_at, "issued_at"):
            raise InvalidArgumentError("a challenge must expire after it is issued", field="expires_at")
        if self.max_capture_ms <= 0:
            raise InvalidArgumentError("max_capture_ms must be positive", field="max_capture_ms")

    def to_record(self) -> dict[str, object]:
        """JSON-safe form (API body, CLI ``--challenge``, event payload)."""
        return {"nonce": self.nonce, "actions": [a.value for a in self.actions],
                "issued_at": self.issued_at.isoformat(), "expires_at": self.expires_at.isoformat(),
                "max_capture_ms": self.max_capture_ms}

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> LivenessChallenge:
        """Parse ``to_record``'s form; malformed input is an ``InvalidArgumentError``."""
        try:
            actions = record["actions"]
            if not isinstance(actions, list):
                raise TypeError("actions must be a list")
            return cls(nonce=str(record["nonce"]), actions=tuple(LivenessAction(str(a)) for a in actions),
                       issued_at=datetime.fromisoformat(str(record["issued_at"])),
                       expires_at=datetime.fromisoformat(str(record["expires_at"])),
                       max_capture_ms=int(str(record["max_capture_ms"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"malformed liveness challenge: {exc}", field="challenge") from exc


@dataclass(frozen=True)
class ChallengeIssuer:
    """Issues a blink and 1-2 random distinct movements, in random order (requirements/pipeline §5: "two to four
    actions"; at most 3 so that each action gets about 2.5 s of the 10 s)."""

    rng: RandomSource
    clock: Callable[[], datetime]
    new_nonce: Callable[[], str]
    ttl: timedelta = timedelta(seconds=60)
    min_movements: int = 1
    max_movements: int = 2
    max_capture_ms: int = 10_000  # requirements/pipeline §5: active capture is a 3-10 second video

    def issue(self) -> LivenessChallenge:
        count = self.rng.randint(self.min_movements, self.max_movements)
        chosen = [EYE_ACTION, *self.rng.sample(list(MOVEMENTS), count)]
        actions = tuple(self.rng.sample(chosen, len(chosen)))  # the blink's place is random too
        now = _aware(self.clock(), "clock")
        return LivenessChallenge(nonce=self.new_nonce(), actions=actions, issued_at=now,
                                 expires_at=now + self.ttl, max_capture_ms=self.max_capture_ms)


def admission_failure(challenge: LivenessChallenge, presented_nonce: str, received_at: datetime,
                      used_nonces: Container[str]) -> str | None:
    """Why a response may not even be examined (a reason code), or None when it may.

    Single use: once a response for a nonce has been examined, whatever its verdict, the nonce is
    spent; the caller records it (an event) and passes it in ``used_nonces`` from then on.
    """
    if presented_nonce != challenge.nonce:
        return "nonce_mismatch"
    if presented_nonce in used_nonces:
        return "nonce_reused"
    if _aware(received_at, "received_at") > challenge.expires_at:
        return "challenge_expired"
    if received_at < challenge.issued_at:
        return "received_before_issue"
    return None


def validate_frame_offsets(offsets_ms: Sequence[int]) -> None:
    """Frames must exist, be few enough to process, and have strictly increasing times."""
    if len(offsets_ms) < 2:
        raise InvalidLivenessResponseError("an active liveness response needs at least 2 frames")
    if len(offsets_ms) > MAX_FRAMES:
        raise InvalidLivenessResponseError("too many frames", frames=len(offsets_ms), limit=MAX_FRAMES)
    if any(b <= a for a, b in pairwise(offsets_ms)) or offsets_ms[0] < 0:
        raise InvalidLivenessResponseError("frame times must start at >= 0 and strictly increase")
