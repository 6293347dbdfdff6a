"""Challenge actions found in per-frame MediaPipe signals, relative to the person's own baseline.

Each action is a rising edge with hysteresis, so each blink, smile or turn counts once. The
reference is the person, not a fixed number: the median of the answer's frames for the eyes (open
most of the time), the 10th percentile for the mouth (a smile asked for may fill half the answer),
the median of the first frames for the head (the capture page asks to face the camera first).

- blink: the eyes-closed score rises ``BLINK.rise`` above the baseline and falls back (eyes re-open);
- smile: the smile score rises ``SMILE.rise`` above the baseline;
- turn left / right: yaw ``TURN.rise`` degrees to that side of the reference.

Figures behind the numbers (MediaPipe on the two real webcam clips of ../shared/data/liveness-video
at 12.5 frames/s): open-eye baseline 0.08-0.10 (90th percentile 0.13-0.16); the four blinks peak at
0.67, 0.49, 0.67 and 0.48, i.e. 0.38-0.59 above the baseline (a fixed 0.5 missed two of them); a
broad smile reaches 0.66 (cap12, 7-10 s) over a baseline of 0, a slight one 0.35 (cap13); deliberate
head shakes reach 9-13 degrees from the reference, idle sway stays within about 2 degrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median, quantiles

from domain.liveness_challenge import LivenessAction
from domain.liveness_verdict import ObservedAction
from ml.liveness.landmarker import FrameSignals

REFERENCE_FRAMES = 3


@dataclass(frozen=True)
class Trigger:
    rise: float  # the signal must exceed its reference by this
    off: float  # and come back within this of the reference before it can count again
    full: float  # the rise that counts as full-strength evidence (strength 1.0)
    must_return: bool = False  # a blink is only a blink once the eyes re-open


BLINK = Trigger(rise=0.25, off=0.12, full=0.5, must_return=True)
SMILE = Trigger(rise=0.4, off=0.2, full=0.7)
TURN = Trigger(rise=10.0, off=5.0, full=25.0)  # degrees of yaw from the reference


def _trigger(action: LivenessAction) -> Trigger:
    return {LivenessAction.BLINK: BLINK, LivenessAction.SMILE: SMILE}.get(action, TURN)


def _relative(action: LivenessAction, tracked: Sequence[FrameSignals]) -> list[float]:
    """The action's signal per frame minus the person's reference."""
    if action is LivenessAction.BLINK:
        base = median(s.blink for s in tracked)
        return [s.blink - base for s in tracked]
    if action is LivenessAction.SMILE:
        # A smile asked for may last half the answer: the neutral mouth is the low end, not the median.
        base = quantiles([s.smile for s in tracked], n=10)[0] if len(tracked) > 1 else tracked[0].smile
        return [s.smile - base for s in tracked]
    yaw0 = median(s.yaw_deg for s in tracked[:REFERENCE_FRAMES])
    sign = 1.0 if action is LivenessAction.TURN_LEFT else -1.0
    return [sign * (s.yaw_deg - yaw0) for s in tracked]


def _edges(values: Sequence[float], trigger: Trigger) -> list[tuple[int, float]]:
    """(position, strength) of each completed rise of ``values`` over ``trigger.rise``."""
    found: list[tuple[int, float]] = []
    start: int | None = None
    peak = 0.0
    for position, value in enumerate(values):
        if start is None and value >= trigger.rise:
            start, peak = position, value
        elif start is not None:
            peak = max(peak, value)
            if value < trigger.off:
                found.append((start, peak))
                start = None
    if start is not None and not trigger.must_return:
        found.append((start, peak))
    return [(p, max(0.0, min(1.0, v / trigger.full))) for p, v in found]


def detect_actions(signals: Sequence[FrameSignals], offsets_ms: Sequence[int]
                   ) -> tuple[tuple[ObservedAction, ...], dict[LivenessAction, float]]:
    """Every action's onsets over the frames with a face, and each action's peak strength."""
    indices = [i for i, s in enumerate(signals) if s.face_count > 0]
    tracked = [signals[i] for i in indices]
    if not tracked:
        return (), {}
    events: list[ObservedAction] = []
    peaks: dict[LivenessAction, float] = {}
    for action in LivenessAction:
        trigger = _trigger(action)
        values = _relative(action, tracked)
        peaks[action] = max(0.0, min(1.0, max(values) / trigger.full))
        for position, strength in _edges(values, trigger):
            index = indices[position]
            events.append(ObservedAction(action, index, offsets_ms[index], strength))
    events.sort(key=lambda e: (e.frame_index, e.action.value))
    return tuple(events), peaks
