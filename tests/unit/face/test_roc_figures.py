"""ROC arithmetic of the face evaluation on hand-made scores."""

from __future__ import annotations

import numpy as np
import pytest

from tools.eval.face import far_frr, roc_figures

pytestmark = pytest.mark.unit


def test_eer_and_tar_on_known_scores() -> None:
    roc = roc_figures([0.9, 0.8, 0.7, 0.2], [0.1, 0.3, 0.25, 0.75])
    assert roc.eer == pytest.approx(0.25)
    tar, threshold, allowed = roc.tar_at_far[0.01]
    assert allowed == 0
    assert threshold > 0.75
    assert tar == pytest.approx(0.5)  # only 0.9 and 0.8 beat the highest impostor 0.75


def test_far_allowance_uses_the_impostor_count() -> None:
    impostors = [i / 200 for i in range(200)]  # 200 impostors: FAR 1% tolerates 2
    roc = roc_figures([0.999, 0.998, 0.5], impostors)
    tar, threshold, allowed = roc.tar_at_far[0.01]
    assert allowed == 2
    far, _ = far_frr(np.array([0.99]), np.array(impostors), threshold)
    assert far <= 0.01
    assert tar == pytest.approx(2 / 3)


def test_separated_scores_have_zero_eer() -> None:
    assert roc_figures([0.6, 0.7], [0.1, 0.2]).eer == 0.0


def test_empty_scores_are_refused() -> None:
    with pytest.raises(ValueError, match="genuine and impostor"):
        roc_figures([], [0.1])
