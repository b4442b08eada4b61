"""The default seq2seq fit: the gap filler's image corrected by a network fitted on the series.

Real torch, real numpy; small arrays so that each test takes seconds.
"""

import dataclasses

import numpy as np
import pytest

from s2cloudfree.core import gapfill as gf
from s2cloudfree.core import prior_correction as pc
from s2cloudfree.core import seq2seq as s2s
from s2cloudfree.core.errors import CancelledError

torch = pytest.importorskip("torch")

THREADS = 1
#: The default preset with few steps (seconds).
SHORT = dataclasses.replace(s2s.PRESETS[s2s.DEFAULT_PRESET], steps=12, warm_steps=6, crop=24)


def _series(dates=8, bands=3, size=32, seed=0):
    """A smooth landscape that brightens over time, with blocky clouds on most dates."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:size, :size] / size
    base = np.stack([0.1 + 0.2 * np.sin(3 * xx + b) * np.cos(2 * yy) ** 2 for b in range(bands)]).astype(np.float32)
    target = np.stack([np.clip(base * (1 + 0.04 * t), 0, 1) for t in range(dates)]).astype(np.float32)
    clear = np.ones((dates, size, size), dtype=bool)
    for t in range(1, dates, 2):
        r, c = rng.integers(0, size // 2, 2)
        clear[t, r:r + size // 2, c:c + size // 2] = False
    target = np.where(clear[:, None], target, np.float32(0.9))  # bright clouds where not clear
    inputs = s2s.with_static_channels(rng.random((dates, 2, size, size), dtype=np.float32), None)
    days = [700000 + 5 * t for t in range(dates)]
    return target, clear, inputs, days


def test_without_steps_the_output_is_the_gap_fillers():
    """An unfitted network adds nothing: the result is the gap filler's, everywhere it fills."""
    target, clear, inputs, days = _series()
    with s2s.torch_settings(0, THREADS):
        pred, info = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 0, days=days, return_info=True, steps=0)
    filled = gf.fill_series(target, clear, days)
    cloudy = np.broadcast_to(~clear[:, None], target.shape)
    assert np.abs(pred[cloudy] - np.clip(filled[cloudy], 0, 1)).max() < 1e-5
    assert info["steps"] == 0


def test_fit_is_deterministic_and_reports_its_error():
    target, clear, inputs, days = _series(seed=1)
    with s2s.torch_settings(0, THREADS):
        a, ia = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 3, days=days, return_info=True)
        b, _ = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 3, days=days, return_info=True)
    assert np.array_equal(a, b)
    assert 0.0 <= ia["alpha"] <= 1.0
    assert ia["held_out_pixels"] > 0
    assert np.isfinite(ia["estimated_rmse"]) and np.isfinite(ia["estimated_rmse_prior"])
    # the share of the correction is chosen to minimise the held-out error: never above the prior's
    assert ia["estimated_rmse"] <= ia["estimated_rmse_prior"] + 1e-9
    assert set(ia["state"]) and all(torch.is_tensor(v) for v in ia["state"].values())


def test_cloudy_values_never_reach_the_result():
    """The values under the clouds are neither in the loss nor in the network's input."""
    target, clear, inputs, days = _series(seed=2)
    other = np.where(clear[:, None], target, np.float32(0.3))
    with s2s.torch_settings(0, THREADS):
        a = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 0, days=days)
        b = s2s.fit_predict(other, clear, inputs, SHORT, "cpu", 0, days=days)
    assert np.array_equal(a, b)


def test_prior_of_a_date_does_not_use_that_date():
    target, clear, inputs, days = _series(seed=3)
    prior, _ = pc.compute_prior(target, clear, np.ones_like(clear), days)
    changed = target.copy()
    changed[4] = np.clip(changed[4] + 0.2, 0, 1)
    prior2, _ = pc.compute_prior(changed, clear, np.ones_like(clear), days)
    assert np.array_equal(prior[4], prior2[4])
    assert not np.array_equal(prior[3], prior2[3])


def test_warm_start_from_a_state_and_cancel():
    target, clear, inputs, days = _series(seed=4)
    with s2s.torch_settings(0, THREADS):
        _, info = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 0, days=days, return_info=True)
        _, cold = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 1, days=days, steps=0, return_info=True)
        _, warm = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 1, days=days, steps=0, return_info=True,
                                  init_state=info["state"])
        # the fitted weights are what a warm-started fit begins with (a fresh network's head is zero)
        assert all(torch.equal(warm["state"][k], v) for k, v in info["state"].items())
        assert not torch.equal(cold["state"]["head.weight"], info["state"]["head.weight"])
        assert not cold["state"]["head.weight"].any()
        seen = []

        def on_step(k, total):
            seen.append(k)
            if k == 3:
                raise CancelledError()

        with pytest.raises(CancelledError):
            s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 0, days=days, on_step=on_step)
    assert seen == [1, 2, 3]


def test_spatial_step_in_torch_matches_the_gap_filler():
    target, clear, inputs, days = _series(seed=5)
    prior, trust = pc.compute_prior(target, clear, np.ones_like(clear), days)
    residual = np.where(clear[:, None], target - prior, 0).astype(np.float32)
    weight = np.where(clear, trust, 0).astype(np.float32)
    correction, share = gf.smooth_residuals(residual, weight, gf.DEFAULT_RESIDUAL_RADIUS)
    expected = prior + correction * (share / (share + gf.DEFAULT_RESIDUAL_DAMPING))[:, None]
    got = pc.spatial_correction(torch, torch.from_numpy(target), torch.from_numpy(prior),
                                torch.from_numpy(weight)).numpy()
    assert np.abs(got - expected).max() < 1e-5
