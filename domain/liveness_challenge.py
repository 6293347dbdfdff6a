"""Active liveness as pure rules: the server's challenge, its single-use nonce, and the verdict.

The server issues a random, ordered list of actions (seed 002 step 5: "2-4 challenges: blink,
turn, smile", seed 000 blink/smile challenges) with a nonce and an expiry. The client answers with
frames; an ML adapter only *measures* what happened in them (``ActiveObservation``) and
``judge_active_response`` decides, so the rule is the same for every adapter and replayable.

Randomness and the clock are injected so issuing is testable. Used nonces are persisted as events
by the sessions aggregate; this module needs only a ``Container`` of them (``admission_failure``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Protocol, TypeVar

from domain.checks import ModelProvenance, Outcome
from domain.errors import InvalidArgumentError
from domain.ports.face import SFACE_PUBLISHED_COSINE_THRESHOLD, cosine_to_similarity
from domain.ports.liveness import InvalidLivenessResponseError, LivenessMode, LivenessResult, SpoofType

T = TypeVar("T")

MIN_NONCE_LENGTH = 16
MAX_FRAMES = 64
# Mean absolute grey-level change between consecutive frames below which nothing moved: a still
# photo re-sent, or a replayed frozen frame. A live face doing any challenge moves far more.
STATIC_FRAME_CHANGE = 1.5


class LivenessAction(StrEnum):
    """What the user is asked to do; left/right are the user's own (see ``CapturedFrame``)."""

    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    SMILE = "smile"


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
    """Issues challenges of 2-4 random distinct actions in random order (seed 002 step 5)."""

    rng: RandomSource
    clock: Callable[[], datetime]
    new_nonce: Callable[[], str]
    ttl: timedelta = timedelta(seconds=60)
    min_actions: int = 2
    max_actions: int = 4
    max_capture_ms: int = 10_000  # seed 002: active capture is a 3-10 second video

    def issue(self) -> LivenessChallenge:
        count = self.rng.randint(self.min_actions, self.max_actions)
        actions = tuple(self.rng.sample(list(LivenessAction), count))
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


@dataclass(frozen=True)
class ObservedAction:
    """An action the adapter saw start at ``frame_index``, with its evidence strength in 0-1."""

    action: LivenessAction
    frame_index: int
    offset_ms: int
    strength: float


@dataclass(frozen=True)
class ActiveObservation:
    """What an adapter measured in the frames of one response (numbers only)."""

    frame_count: int
    frames_without_face: int
    frames_with_several_faces: int
    capture_span_ms: int
    actions: tuple[ObservedAction, ...]
    peaks: Mapping[LivenessAction, float]  # strongest evidence per action over all frames, 0-1
    max_frame_change: float
    identity_min_cosine: float  # lowest cosine of any frame's face to the first frame's face
    selfie_cosine: float | None = None
    scores: Mapping[str, float] = field(default_factory=dict)


def actions_in_order(expected: Sequence[LivenessAction], seen: Sequence[ObservedAction]) -> bool:
    """True when ``expected`` occurs as a subsequence of ``seen`` (extra movements are allowed)."""
    position = 0
    for observed in seen:
        if position < len(expected) and observed.action is expected[position]:
            position += 1
    return position == len(expected)


def rejected_response(reason: str, models: tuple[ModelProvenance, ...] = ()) -> LivenessResult:
    """The verdict for a response refused before examination (nonce, expiry)."""
    return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.FAIL, spoof_type=SpoofType.UNKNOWN,
                          confidence=1.0, hints=("restart_liveness",), reasons=(reason,), models=models)


def judge_active_response(challenge: LivenessChallenge, seen: ActiveObservation,
                          models: tuple[ModelProvenance, ...] = ()) -> LivenessResult:
    """Decide pass / uncertain / fail from measured evidence; every failed rule is a reason.

    Confidence: on failure by a protocol rule (static frames, order, time, faces) 1.0; on a
    missing action 1 - the strongest evidence seen for it; on identity 1 - similarity; on pass the
    weakest supporting evidence (action strengths, identity and selfie similarities).
    """
    fails: list[tuple[str, float, str]] = []  # reason, confidence, user hint
    if seen.frames_with_several_faces:
        fails.append(("multiple_faces", 1.0, "only_one_face"))
    if seen.frames_without_face:
        fails.append(("face_not_in_every_frame", 1.0, "keep_face_in_frame"))
    if seen.max_frame_change < STATIC_FRAME_CHANGE:
        fails.append(("static_frames", 1.0, "use_a_live_camera"))
    if seen.capture_span_ms > challenge.max_capture_ms:
        fails.append(("response_too_slow", 1.0, "respond_faster"))
    observed_kinds = {a.action for a in seen.actions}
    for action in challenge.actions:
        if action not in observed_kinds:
            missing_confidence = 1.0 - seen.peaks.get(action, 0.0)
            fails.append((f"{action.value}_not_seen", missing_confidence, f"{action.value}_clearly"))
    if observed_kinds >= set(challenge.actions) and not actions_in_order(challenge.actions, seen.actions):
        fails.append(("actions_out_of_order", 1.0, "follow_the_order"))
    if seen.identity_min_cosine < SFACE_PUBLISHED_COSINE_THRESHOLD:
        changed_confidence = 1.0 - cosine_to_similarity(seen.identity_min_cosine)
        fails.append(("identity_changed", changed_confidence, "only_one_face"))
    if seen.selfie_cosine is not None and seen.selfie_cosine < SFACE_PUBLISHED_COSINE_THRESHOLD:
        mismatch_confidence = 1.0 - cosine_to_similarity(seen.selfie_cosine)
        fails.append(("selfie_mismatch", mismatch_confidence, "same_person_as_selfie"))
    scores = {"max_frame_change": seen.max_frame_change, "identity_min_cosine": seen.identity_min_cosine,
              "capture_span_ms": float(seen.capture_span_ms), **seen.scores}
    if seen.selfie_cosine is not None:
        scores["selfie_cosine"] = seen.selfie_cosine
    if fails:
        return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.FAIL, spoof_type=SpoofType.UNKNOWN,
                              confidence=max(c for _, c, _ in fails),
                              hints=tuple(dict.fromkeys(h for _, _, h in fails)),
                              reasons=tuple(r for r, _, _ in fails), scores=scores, models=models)
    support = [a.strength for a in seen.actions if a.action in challenge.actions]
    support.append(cosine_to_similarity(seen.identity_min_cosine))
    if seen.selfie_cosine is None:
        return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.UNCERTAIN,
                              spoof_type=SpoofType.UNKNOWN, confidence=min(support), hints=(),
                              reasons=("selfie_not_provided",), scores=scores, models=models)
    support.append(cosine_to_similarity(seen.selfie_cosine))
    return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.PASS, spoof_type=SpoofType.NONE,
                          confidence=min(support), scores=scores, models=models)
