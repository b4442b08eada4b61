"""The gap filler's regression of a date on its neighbours (core.date_regression), and its place in
core.gapfill.fill_series: real numpy, small synthetic series whose answer is known."""

import numpy as np

from s2cloudfree.core import date_regression as dr
from s2cloudfree.core import gapfill as gf


def _series(dates=7, bands=3, size=96, seed=0):
    """A textured landscape; every date is the previous one scaled per band (phenology), and date 3
    is, in addition, a mix of the bands of its neighbours that no temporal mean reproduces."""
    rng = np.random.default_rng(seed)
    land = rng.random((bands, size, size)).astype(np.float32)
    for _ in range(3):  # some spatial structure
        land = (land + np.roll(land, 1, axis=1) + np.roll(land, 1, axis=2)) / 3
    land = 0.05 + 0.3 * (land - land.min()) / (land.max() - land.min())
    stack = np.stack([land * (1 + 0.03 * t) for t in range(dates)]).astype(np.float32)
    mix = np.roll(np.arange(bands), 1)
    stack[3] = 0.6 * stack[3] + 0.4 * stack[3][mix] + 0.02
    clear = np.ones((dates, size, size), dtype=bool)
    days = [float(10 * t) for t in range(dates)]
    return stack, clear, days


def test_a_date_related_to_its_neighbours_by_a_linear_map_is_filled_from_its_clear_part():
    stack, clear, days = _series()
    clear[3, :, 64:] = False                         # a third of date 3 is cloudy, all within reach
    cloudy = ~clear[3]
    with_reg, info = gf.fill_series(stack, clear, days, screen_factor=0.0, return_info=True)
    without = gf.fill_series(stack, clear, days, screen_factor=0.0, regression=False)
    err_with = np.sqrt(np.mean((with_reg[3][:, cloudy] - stack[3][:, cloudy]) ** 2))
    err_without = np.sqrt(np.mean((without[3][:, cloudy] - stack[3][:, cloudy]) ** 2))
    assert err_with < 0.002 < 0.01 < err_without    # the map is learnt from the clear half
    assert info["regressed"][3].min() > 0.99          # every pixel of date 3 is within reach
    assert not info["regressed"][[0, 1, 2, 4, 5, 6]].any()  # clear dates have nothing to fill
    assert np.array_equal(with_reg[3][:, ~cloudy], stack[3][:, ~cloudy])  # clear pixels as observed


def test_a_date_cloudy_all_around_keeps_the_temporal_estimate():
    stack, clear, days = _series()
    clear[3] = False
    clear[3, :4, :4] = True                           # 16 clear pixels: too few for 3 x 3 + 1 features
    with_reg, info = gf.fill_series(stack, clear, days, screen_factor=0.0, return_info=True)
    no_reg = gf.fill_series(stack, clear, days, screen_factor=0.0, regression=False)
    assert not info["regressed"][3].any()
    assert np.array_equal(with_reg, no_reg)


def test_result_does_not_depend_on_the_window_that_holds_it():
    """The lattice of cells is anchored at the grid origin: a window grown by the reach gives the
    same values as the whole grid, and a wrong origin does not."""
    stack, clear, days = _series(size=300, seed=1)
    rng = np.random.default_rng(2)
    for t in range(stack.shape[0]):
        r, c = rng.integers(0, 200, 2)
        clear[t, r:r + 90, c:c + 120] = False
    whole = gf.fill_series(stack, clear, days)
    from s2cloudfree.core.gapfill_files import reach

    grow = reach()
    r0, r1, c0, c1 = 140, 190, 131, 201
    rr, cc = r0 - grow, c0 - grow
    assert rr > 0 and cc > 0 and r1 + grow < 300 and c1 + grow < 300
    part = (slice(None), slice(None), slice(rr, r1 + grow), slice(cc, c1 + grow))
    inner = (slice(None), slice(None), slice(r0 - rr, r1 - rr), slice(c0 - cc, c1 - cc))
    here = gf.fill_series(stack[part], clear[part[:1] + part[2:]], days, origin=(rr, cc))
    assert np.array_equal(here[inner], whole[:, :, r0:r1, c0:c1])
    shifted = gf.fill_series(stack[part], clear[part[:1] + part[2:]], days, origin=(0, 0))
    assert not np.array_equal(shifted[inner], whole[:, :, r0:r1, c0:c1])


def test_neighbour_dates_and_gather():
    used = np.zeros((5, 1, 2), dtype=bool)
    used[0, 0, 0] = used[2, 0, 0] = used[4, 0, 1] = True
    before, after = dr.neighbour_dates(used)
    assert before[:, 0, 0].tolist() == [-1, 0, 0, 2, 2]
    assert after[:, 0, 0].tolist() == [2, 2, -1, -1, -1]
    assert before[:, 0, 1].tolist() == [-1, -1, -1, -1, -1]
    assert after[:, 0, 1].tolist() == [4, 4, 4, 4, -1]
    stack = np.arange(5 * 2 * 1 * 2, dtype=np.float32).reshape(5, 2, 1, 2)
    got = dr.gather_dates(stack, after[1])
    assert got[:, 0, 0].tolist() == stack[2, :, 0, 0].tolist()
    assert got[:, 0, 1].tolist() == stack[4, :, 0, 1].tolist()
    assert np.isnan(dr.gather_dates(stack, before[1])[:, 0, 1]).all()


def test_stacked_cholesky_solve_matches_lapack_on_ridge_systems():
    """The regression's own solver against LAPACK on systems shaped like the fit's (289 cells, 40
    features, 13 bands; the constant unpenalised, the rest with a small ridge)."""
    from s2cloudfree.core.date_regression import solve_symmetric_positive

    rng = np.random.default_rng(4)
    x = rng.normal(0.1, 0.05, (289, 300, 40))
    x[..., -1] = 1.0
    penalty = np.eye(40)
    penalty[-1, -1] = 0.0
    a = np.matmul(x.transpose(0, 2, 1), x) + 1e-4 * 300 * penalty
    b = rng.normal(0, 0.01, (289, 40, 13))
    expected = np.linalg.solve(a, b)
    got = solve_symmetric_positive(a, b)
    assert np.abs(got - expected).max() <= 1e-9 * np.abs(expected).max()
    assert np.allclose(np.matmul(a, got), b, atol=1e-12)
