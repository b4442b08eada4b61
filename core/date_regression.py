"""How a date relates to its neighbours in time, learnt from its own clear pixels (a step of the gap filler).

The temporal estimate of a cloudy pixel (``core.gapfill``) is a weighted mean of the pixel's clear
observations on other dates. Where part of the date itself is clear, those clear pixels show how
this date differs from that mean: phenology between acquisitions (a field greening faster than its
neighbours' dates suggest), haze or illumination, and how each band follows the others. This
module fits, per date, a ridge regression of the observed bands on

- the temporal estimate of every band at the pixel (from the other dates only),
- the nearest used observation before and after the date (every band, as a difference to the
  temporal estimate; 0 where there is none),
- a constant,

with the date's own trusted clear pixels as samples (weighted by their trust), and applies it to
its cloudy pixels. The residual of the regression is then carried into the gaps by the gap filler's
spatial step.

**Local, not per image.** Landscapes and atmospheres change across a scene, so the coefficients are
local: the grid is cut into cells of ``cell`` px (a lattice anchored at the grid's origin, so the
result does not depend on how a caller cuts the grid into windows); every cell gets the regression
fitted on the clear pixels of the (2 ``reach_cells`` + 1)² cells around it, and the coefficients are
interpolated bilinearly between cell centres, so they vary smoothly. A cell whose neighbourhood has
too few clear pixels (``min_samples_per_feature`` per feature) gets no regression (coefficients 0:
the temporal estimate is kept there).

The regression is on the correction of the temporal estimate, with a ridge penalty (``ridge``
times the weight of the samples, the constant left free), so that with few or uninformative clear
pixels it stays close to the temporal estimate. Values are in reflectance ([0, 1]): callers pass
``scale`` (units per reflectance) and get corrections in their own units.

Sums and solves are in float64 (the result does not hang on the order of float32 sums); the cost
is one batched matrix product per date over the pixels (features² multiply-adds per pixel).
"""

import numpy as np

from .working_precision import working_float

#: Side (px) of the cells of the lattice on which the coefficients are fitted.
DEFAULT_CELL = 16
#: Cells on each side of a cell whose clear pixels enter its fit (2: a box of 5 x 5 cells = 80 px).
DEFAULT_REACH_CELLS = 2
#: Ridge penalty per unit of sample weight (reflectance units), chosen on the tuning windows of
#: benchmarks/bench_quality.py.
DEFAULT_RIDGE = 1e-4
#: A cell is fitted only when its neighbourhood holds at least this much trusted clear weight per feature.
DEFAULT_MIN_SAMPLES_PER_FEATURE = 5.0


def reach(cell=DEFAULT_CELL, reach_cells=DEFAULT_REACH_CELLS):
    """Pixels around a pixel whose observations its regression depends on."""
    return (reach_cells + 1) * cell + cell // 2


def neighbour_dates(used):
    """The nearest date with a used observation before and after every date, the date itself
    excluded: (before, after), each dates x rows x cols int16 date indexes, -1 where there is none
    (indexes rather than values: two small arrays instead of two copies of the stack)."""
    n = used.shape[0]
    before = np.full(used.shape, -1, dtype=np.int16)
    after = np.full(used.shape, -1, dtype=np.int16)
    last = np.full(used.shape[1:], -1, dtype=np.int16)
    for k in range(n):
        before[k] = last
        last = np.where(used[k], np.int16(k), last)
    last = np.full(used.shape[1:], -1, dtype=np.int16)
    for k in range(n - 1, -1, -1):
        after[k] = last
        last = np.where(used[k], np.int16(k), last)
    return before, after


def gather_dates(stack, index):
    """Per pixel, the bands of the date ``index`` (rows x cols, -1: none): bands x rows x cols
    float32, NaN where ``index`` is -1."""
    h, w = index.shape
    rows, cols = np.indices((h, w))
    ok = index >= 0
    values = stack[np.where(ok, index, 0), :, rows, cols]                 # rows x cols x bands
    values = np.moveaxis(values, -1, 0).astype(working_float(), copy=False)
    return np.where(ok[None], values, working_float()(np.nan))


def _cell_blocks(values, cell, origin):
    """``values`` (features x rows x cols) padded so that the lattice anchored at the grid origin
    (``origin``: the array's (row, col) offset in the grid) cuts it into whole cells: returns
    (cells_r, cells_c, cell*cell, features) and the padding before the array (rows, cols)."""
    f, h, w = values.shape
    pr, pc = origin[0] % cell, origin[1] % cell
    cr, cc = -(-(h + pr) // cell), -(-(w + pc) // cell)
    padded = np.zeros((f, cr * cell, cc * cell), dtype=values.dtype)
    padded[:, pr:pr + h, pc:pc + w] = values
    blocks = padded.reshape(f, cr, cell, cc, cell).transpose(1, 3, 2, 4, 0).reshape(cr, cc, cell * cell, f)
    return blocks, (pr, pc)


def _box_over_cells(values, k):
    """Sum over the (2k+1)² cells around every cell (cut at the edges); cells on the leading axes."""
    if k <= 0:
        return values
    for axis in (0, 1):
        n = values.shape[axis]
        c = np.cumsum(values, axis=axis)
        c = np.concatenate([np.zeros_like(np.take(c, [0], axis=axis)), c], axis=axis)
        lo = np.clip(np.arange(n) - k, 0, n)
        hi = np.clip(np.arange(n) + k + 1, 0, n)
        values = np.take(c, hi, axis=axis) - np.take(c, lo, axis=axis)
    return values


def _axis_weights(n, count, offset, cell):
    """For ``n`` pixels starting ``offset`` px into the lattice: the two cell centres around each
    pixel and the weight of the second (bilinear; constant beyond the outer centres)."""
    pos = (np.arange(n) + offset + 0.5) / cell - 0.5
    i0 = np.clip(np.floor(pos).astype(int), 0, count - 1)
    i1 = np.clip(i0 + 1, 0, count - 1)
    f = np.clip(pos - np.floor(pos), 0.0, 1.0)
    f = np.where((pos < 0) | (i0 == count - 1), 0.0, f)
    return i0, i1, f


def _runs(index):
    """(start, stop) of the runs of equal values of a non-decreasing integer array."""
    cuts = np.flatnonzero(np.diff(index)) + 1
    starts = np.concatenate([[0], cuts])
    stops = np.concatenate([cuts, [index.size]])
    return list(zip(starts.tolist(), stops.tolist()))


def _apply_cells(coef, features, cell, pad):
    """Per pixel, the features (F x rows x cols) times the coefficients (cells_r x cells_c x F x B)
    interpolated bilinearly between the cell centres: bands x rows x cols float64. Computed as the
    bilinear blend of the four neighbouring cells' predictions (the same thing, since the
    prediction is linear in the coefficients), block by block between cell centres, so that no
    per-pixel copy of the coefficients is made."""
    nf, h, w = features.shape
    bands = coef.shape[-1]
    r0, r1, fr = _axis_weights(h, coef.shape[0], pad[0], cell)
    c0, c1, fc = _axis_weights(w, coef.shape[1], pad[1], cell)
    out = np.empty((bands, h, w))
    for ra, rb in _runs(r0):
        i0, i1 = r0[ra], r1[ra]
        wr = fr[ra:rb][:, None]
        for ca, cb in _runs(c0):
            j0, j1 = c0[ca], c1[ca]
            wc = fc[ca:cb][None, :]
            x = features[:, ra:rb, ca:cb].reshape(nf, -1).T                       # pixels x F
            corners = coef[[i0, i1, i0, i1], [j0, j0, j1, j1]]                     # 4 x F x B
            weights = np.stack([(1 - wr) * (1 - wc), wr * (1 - wc), (1 - wr) * wc, wr * wc]).reshape(4, -1, 1)
            blended = (np.matmul(x[None], corners) * weights).sum(axis=0)          # pixels x B
            out[:, ra:rb, ca:cb] = blended.T.reshape(bands, rb - ra, cb - ca)
    return out


def _interpolate_cells(values, cell, pad, shape):
    """Bilinear interpolation of per-cell values (cells_r x cells_c) placed at the cell centres
    onto the pixels (rows x cols)."""
    h, w = shape
    r0, r1, fr = _axis_weights(h, values.shape[0], pad[0], cell)
    c0, c1, fc = _axis_weights(w, values.shape[1], pad[1], cell)
    by_rows = values[r0] * (1 - fr)[:, None] + values[r1] * fr[:, None]
    return by_rows[:, c0] * (1 - fc)[None, :] + by_rows[:, c1] * fc[None, :]


def solve_symmetric_positive(a, b):
    """Solve a[i] @ x[i] = b[i] for a stack of symmetric positive definite matrices (n x F x F,
    right-hand sides n x F x B) by Cholesky factorisation, vectorised over the stack in plain
    element-wise float64 arithmetic. Not np.linalg.solve: that calls LAPACK once per matrix, and
    with a multi-threaded BLAS on a busy machine each of those small calls waits for its threads
    (0.5 s instead of 5 ms for 289 systems of 40 features, measured); element-wise sums also
    round the same on every CPU."""
    a = np.asarray(a, dtype=np.float64)
    x = np.array(b, dtype=np.float64)
    nf = a.shape[-1]
    low = np.zeros_like(a)
    for j in range(nf):
        row = low[:, j, :j]
        diag = np.sqrt(np.maximum(a[:, j, j] - np.einsum("nk,nk->n", row, row), 1e-300))
        low[:, j, j] = diag
        if j + 1 < nf:
            low[:, j + 1:, j] = (a[:, j + 1:, j] - np.einsum("nik,nk->ni", low[:, j + 1:, :j], row)) / diag[:, None]
    for j in range(nf):                          # forward: low @ z = b
        x[:, j] = (x[:, j] - np.einsum("nk,nkb->nb", low[:, j, :j], x[:, :j])) / low[:, j, j, None]
    for j in range(nf - 1, -1, -1):              # backward: low.T @ x = z
        x[:, j] = (x[:, j] - np.einsum("nk,nkb->nb", low[:, j + 1:, j], x[:, j + 1:])) / low[:, j, j, None]
    return x


def fit_date(observed, estimate, before, after, weight, cell=DEFAULT_CELL, reach_cells=DEFAULT_REACH_CELLS,
             ridge=DEFAULT_RIDGE, min_samples_per_feature=DEFAULT_MIN_SAMPLES_PER_FEATURE, origin=(0, 0),
             scale=1.0):
    """The regression's estimate of one date (bands x rows x cols float32, in the units of the
    inputs), and the share of its pixels that got a regression (rows x cols float32 in [0, 1]).

    ``observed``: the date (bands x rows x cols; only read where ``weight`` > 0); ``estimate``: its
    temporal estimate from the other dates (finite where the result is wanted); ``before`` /
    ``after``: the nearest used observations (NaN where none); ``weight``: rows x cols, the trust in
    each clear observation of the date (0: not a sample). ``origin``: the (row, col) of the arrays'
    first pixel in the whole grid (the lattice is anchored there). ``scale``: units per reflectance.
    """
    bands, h, w = estimate.shape
    s = 1.0 / float(scale)
    e = np.nan_to_num(estimate.astype(np.float64) * s)
    b = np.where(np.isfinite(before), before.astype(np.float64) * s - e, 0.0)
    a = np.where(np.isfinite(after), after.astype(np.float64) * s - e, 0.0)
    features = np.concatenate([e, b, a, np.ones((1, h, w))], axis=0)     # F x rows x cols
    nf = features.shape[0]
    wt = np.where(np.isfinite(estimate).all(axis=0), np.asarray(weight, dtype=np.float64), 0.0)
    target = np.where(wt[None] > 0, np.nan_to_num(observed.astype(np.float64) * s) - e, 0.0)
    x, pad = _cell_blocks(features, cell, origin)                         # cr x cc x p x F
    y, _ = _cell_blocks(target, cell, origin)                             # cr x cc x p x B
    ww, _ = _cell_blocks(wt[None], cell, origin)                          # cr x cc x p x 1
    xw = x * ww
    xx = _box_over_cells(np.matmul(xw.transpose(0, 1, 3, 2), x), reach_cells)   # cr x cc x F x F
    xy = _box_over_cells(np.matmul(xw.transpose(0, 1, 3, 2), y), reach_cells)   # cr x cc x F x B
    n = _box_over_cells(ww.sum(axis=(2, 3)), reach_cells)                        # cr x cc
    fitted = n >= float(min_samples_per_feature) * nf
    penalty = np.eye(nf)
    penalty[-1, -1] = 0.0
    system = xx + (ridge * np.maximum(n, 1e-12))[..., None, None] * penalty + 1e-12 * np.eye(nf)
    coef = np.zeros(xy.shape)
    if fitted.any():
        coef[fitted] = solve_symmetric_positive(system[fitted], xy[fitted])
    correction = _apply_cells(coef, features, cell, pad)
    share = _interpolate_cells(fitted.astype(np.float64), cell, pad, (h, w))
    out = (e + correction) / s
    return out.astype(working_float()), share.astype(working_float())
