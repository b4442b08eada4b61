"""core.temporal_interpolation: per-pixel linear interpolation between the nearest clear dates."""

import datetime as dt

import numpy as np
import pytest

from s2cloudfree.core.errors import InputError
from s2cloudfree.core.temporal_interpolation import PAPER_FALLBACK, interpolate_date, interpolate_series


def _series():
    # 5 dates, 2 bands, 1 x 4 pixels; value of band 0 = day number, band 1 = 2 x day number
    days = [dt.date(2021, 1, 1) + dt.timedelta(days=d) for d in (0, 2, 5, 10, 11)]
    n = len(days)
    stack = np.zeros((n, 2, 1, 4), dtype=np.float32)
    for k, d in enumerate(days):
        offset = (d - days[0]).days
        stack[k, 0] = offset
        stack[k, 1] = 2 * offset
    clear = np.ones((n, 1, 4), dtype=bool)
    return stack, clear, days


def test_linear_in_days_between_nearest_clear_dates():
    stack, clear, days = _series()
    clear[2, 0, 0] = False                # date 2 (day 5) cloudy at pixel 0: from day 2 and day 10
    clear[1:4, 0, 1] = False              # pixel 1 cloudy on days 2, 5, 10: from day 0 and day 11
    out = interpolate_date(stack, clear, 2, days=days)
    assert out[0, 0, 0] == pytest.approx(5.0)    # linear in days reproduces the day number
    assert out[1, 0, 0] == pytest.approx(10.0)
    assert out[0, 0, 1] == pytest.approx(5.0)
    assert out[0, 0, 2] == stack[2, 0, 0, 2]     # clear pixels keep their value


def test_weights_follow_days_not_positions():
    stack, clear, days = _series()
    stack[:, 0, 0, 0] = [0, 100, 0, 0, 0]
    stack[3, 0, 0, 0] = 800.0
    clear[2, 0, 0] = False
    out = interpolate_date(stack, clear, 2, days=days)
    # between day 2 (100) and day 10 (800): day 5 is 3/8 of the way
    assert out[0, 0, 0] == pytest.approx(100 + 700 * 3 / 8)
    # without dates: positions 1 and 3, half way
    out = interpolate_date(stack, clear, 2)
    assert out[0, 0, 0] == pytest.approx(450.0)


def test_one_sided_carries_nearest_and_never_clear_gets_fallback():
    stack, clear, days = _series()
    clear[:, 0, 0] = False
    clear[0, 0, 0] = True                 # pixel 0 clear only on the first date
    clear[:, 0, 1] = False                # pixel 1 never clear
    out = interpolate_date(stack, clear, 3, days=days)
    assert out[0, 0, 0] == stack[0, 0, 0, 0]
    assert np.all(out[:, 0, 1] == PAPER_FALLBACK)
    out = interpolate_date(stack, clear, 3, days=days, fallback=None)
    assert np.isnan(out[:, 0, 1]).all()


def test_series_matches_per_date():
    rng = np.random.default_rng(0)
    stack = rng.random((7, 3, 5, 6)).astype(np.float32)
    clear = rng.random((7, 5, 6)) > 0.5
    days = [dt.date(2020, 5, 1) + dt.timedelta(days=int(d)) for d in np.cumsum(rng.integers(1, 9, 7))]
    full = interpolate_series(stack, clear, days)
    for t in range(7):
        assert np.allclose(full[t], interpolate_date(stack, clear, t, days), atol=1e-6)


def test_bad_input():
    stack, clear, days = _series()
    with pytest.raises(InputError):
        interpolate_date(stack, clear[:, :, :2], 1)
    with pytest.raises(InputError):
        interpolate_date(stack, clear, 1, days=list(reversed(days)))
    with pytest.raises(InputError):
        interpolate_date(stack, clear, 9)
