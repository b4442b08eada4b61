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
from s2cloudfree.core.working_precision import working_precision

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
    with working_precision(np.float64):  # the default preset's prior is computed in float64
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
    # the share of the correction is chosen to minimise the held-out error: never above the prior's;
    # dates cloudy all around are never corrected
    assert ia["estimated_rmse"] <= ia["estimated_rmse_prior"] + 1e-9
    assert 0.0 <= ia["alpha_partial"] <= 1.0 and ia["alpha_whole"] == 0.0
    assert ia["alpha"] == ia["alpha_partial"]
    assert set(ia["state"]) and all(torch.is_tensor(v) for v in ia["state"].values())


def test_cloudy_values_never_reach_the_result():
    """The values under the clouds are neither in the loss nor in the network's input."""
    target, clear, inputs, days = _series(seed=2)
    other = np.where(clear[:, None], target, np.float32(0.3))
    with s2s.torch_settings(0, THREADS):
        a = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 0, days=days)
        b = s2s.fit_predict(other, clear, inputs, SHORT, "cpu", 0, days=days)
    assert np.array_equal(a, b)


def test_simulated_clouds_hide_training_pixels_of_every_date_twice_and_keep_neighbours():
    target, clear, inputs, days = _series(dates=9, seed=3)
    trust = gf.observation_trust(clear)
    train = trust > 0
    cloudy = ~clear
    hides = pc.simulated_clouds(clear, train, cloudy, np.random.default_rng(0), configurations=6)
    assert hides.shape == (6,) + clear.shape
    assert not (hides & ~train[None]).any()                  # only pixels that are clear and trusted
    for t in range(9):
        if (cloudy & train[t][None]).any():
            assert (hides[:, t].reshape(6, -1).any(axis=1)).sum() == 2, t
    for k in range(6):                                        # a hidden date keeps its neighbours
        hidden = np.flatnonzero(hides[k].reshape(9, -1).any(axis=1))
        assert not np.any(np.diff(hidden) == 1), (k, hidden)


def test_dates_cloudy_all_around_keep_the_gap_fillers_image():
    """Whatever the network learnt, a date with no clear pixel gets the gap filler's image."""
    target, clear, inputs, days = _series(seed=7)
    clear[5] = False
    target[5] = np.float32(0.9)
    with s2s.torch_settings(0, THREADS):
        pred, info = s2s.fit_predict(target, clear, inputs, SHORT, "cpu", 0, days=days, return_info=True)
    with working_precision(np.float64):
        expected = np.clip(gf.fill_series(target, clear, days), 0, 1).astype(np.float32)
    assert np.array_equal(pred[5], expected[5])


def test_held_out_share_stops_a_fit_that_does_not_help():
    """A network that learns nothing (learning rate 0: its correction stays 0) is stopped after a
    third of the steps and the result is the gap filler's."""
    target, clear, inputs, days = _series(seed=6)
    frozen = dataclasses.replace(SHORT, learning_rate=0.0)
    with s2s.torch_settings(0, THREADS):
        pred, info = s2s.fit_predict(target, clear, inputs, frozen, "cpu", 0, days=days, return_info=True)
    assert info["stopped_early"] and info["steps"] == SHORT.steps // 3
    assert info["alpha"] == 0.0
    with working_precision(np.float64):
        expected = np.clip(gf.fill_series(target, clear, days), 0, 1).astype(np.float32)
    assert np.array_equal(pred, expected)


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


def test_a_correction_is_applied_only_when_it_gains_enough_on_both_halves():
    """_validated_share: a correction that explains most of the held-out residual on both halves of
    the dates is kept; one that gains less than MIN_HELD_OUT_GAIN on one half is not applied."""
    from s2cloudfree.core import prior_correction as pc

    rng = np.random.default_rng(2)
    dates = np.repeat(np.arange(4), 50)
    r = rng.normal(0, 0.02, (3, dates.size))
    good = r + rng.normal(0, 0.002, r.shape)                 # the residual, nearly exactly
    share, gain = pc._validated_share(r, good, dates)
    assert share > 0.9 and gain > 0.5
    weak = rng.normal(0, 0.02, r.shape) + 0.15 * r           # mostly noise: a few % gain at most
    share, gain = pc._validated_share(r, weak, dates)
    assert 0.0 <= gain < pc.MIN_HELD_OUT_GAIN and share == 0.0
    half_only = good.copy()
    half_only[:, np.isin(dates, (1, 3))] = 0.0               # helps the even dates only
    assert pc._validated_share(r, half_only, dates)[0] == 0.0
