"""A classical gap filler for every date of a series: temporal radial-basis interpolation per pixel.

What it does, per pixel and per date ``t`` (arrays: ``stack`` dates x bands x rows x cols in any
scale, ``clear`` dates x rows x cols bool, ``days`` the acquisition day of every date):

1. **Ensemble of Gaussian kernels in time** (the approach of FORCE's time-series interpolation,
   sigma = 8, 16 and 32 days by default): for each sigma, the weighted mean of the clear
   observations with weights ``exp(-0.5 (dt / sigma)^2)``, observations further than the kernel's
   two-sided ``cutoff`` share (95 %: 1.96 sigma) left out. The kernel estimates are combined
   weighted by how much of each kernel has data (sum of the available weights over the kernel's
   total), so a narrow kernel dominates where observations are dense and a wide one bridges gaps.
2. **Observations a mask missed are not trusted**: every clear observation is compared with the
   leave-one-out estimate of the other dates; one that deviates by more than ``screen_factor``
   times the pixel's own typical deviation (and by at least ``screen_floor`` reflectance) is left
   out of the interpolation (thin cloud, haze and shadow left in by Sen2Cor or s2cloudless).
3. **Graceful fallback**: where no kernel reaches a clear observation, the value is linear in time
   between the nearest clear dates before and after (the nearest one carried where there is one
   side only); pixels clear on no date get ``fallback`` (None: NaN, the caller writes nodata).

``method='linear'`` skips 1 and uses 3 everywhere (plain temporal linear interpolation, with the
screening of 2).

4. **The date's own clear pixels, as a regression**: where part of the date is clear, a local
   ridge regression of the date on the temporal estimate and on the nearest observations before
   and after it (all bands) is fitted on those clear pixels and applied to its gaps
   (:mod:`core.date_regression`; ``regression``).
5. **The date's own residuals nearby**: on the date's trusted clear pixels the difference between
   the observation and the estimate so far is smoothed in space (three box filters of
   ``residual_radius`` px, weighted by trust, damped where few such pixels are near) and added to
   the estimate of its gaps.

With ``leave_one_out`` the fill of date ``t`` uses no observation of ``t`` (steps 1-3 only, from
the other dates): the prior of the networks (``core.prior_correction``). Otherwise clear pixels
keep their observed values. (The screening of step 2 looks at every date, ``t`` included.)

:func:`held_out_error` estimates the error of a run on its own data: for every date a share of its
clear pixels is hidden behind the real mask of another date, filled from the rest, and compared
with what was observed there.

Everything is numpy; the weighted means are matrix products over the date axis (dates x dates
weights times dates x pixels), so a window costs a few BLAS calls per kernel.
"""

import numpy as np

from .errors import InputError
from .working_precision import working_float

DEFAULT_SIGMAS = (8.0, 16.0, 32.0)
DEFAULT_CUTOFF = 0.95
#: Screening (chosen on the tuning windows of benchmarks/bench_quality.py).
DEFAULT_SCREEN_FACTOR = 4.0
DEFAULT_SCREEN_FLOOR = 0.03
DEFAULT_TRUST_RADIUS = 5
DEFAULT_TRUST_MINIMUM = 0.5
DEFAULT_TRUST_POWER = 2.0
#: Radius (pixels) of the neighbourhood that decides which date stands in for a pixel clear on no date.
DEFAULT_NEVER_CLEAR_RADIUS = 16
DEFAULT_DARKNESS_WEIGHT = 0.1
HELD_OUT_MIN_CLEAR = 0.95
#: Spatial correction of the temporal estimate by the date's own residuals nearby (0: off).
DEFAULT_RESIDUAL_RADIUS = 8
DEFAULT_RESIDUAL_DAMPING = 0.1
METHODS = ("rbf", "linear")
#: z of the two-sided share of a Gaussian kernel (95 % -> 1.96)
_Z = {0.9: 1.645, 0.95: 1.960, 0.99: 2.576}


def day_numbers(days, count):
    """Acquisition days as floats (ordinals), or 0..count-1 when ``days`` is None."""
    if days is None:
        return np.arange(count, dtype=np.float64)
    out = np.asarray([float(d.toordinal()) if hasattr(d, "toordinal") else float(d) for d in days],
                     dtype=np.float64)
    if out.shape != (count,):
        raise InputError(f"{len(out)} days were given for {count} dates.")
    if np.any(np.diff(out) < 0):
        raise InputError("Gap filling needs the dates in time order.")
    return out


def _check(stack, clear):
    stack = np.asarray(stack)
    clear = np.asarray(clear, dtype=bool)
    if stack.ndim != 4 or clear.shape != (stack.shape[0],) + stack.shape[2:]:
        raise InputError(f"Gap filling: stack {stack.shape} and clear mask {clear.shape} do not match "
                         "(dates x bands x rows x cols, dates x rows x cols).")
    return stack, clear


def _z(cutoff):
    if cutoff in _Z:
        return _Z[cutoff]
    from math import erf, sqrt

    lo, hi = 0.0, 10.0  # invert the two-sided Gaussian share by bisection
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if erf(mid / sqrt(2)) < cutoff:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def kernel_weights(day, sigma, cutoff=DEFAULT_CUTOFF, leave_one_out=False):
    """dates x dates Gaussian weights in time (row: the date estimated)."""
    dt = day[:, None] - day[None, :]
    w = np.exp(-0.5 * (dt / float(sigma)) ** 2)
    w[np.abs(dt) > _z(cutoff) * float(sigma)] = 0.0
    if leave_one_out:
        np.fill_diagonal(w, 0.0)
    return w.astype(working_float())


def rbf_estimate(stack, weights, day, sigmas=DEFAULT_SIGMAS, cutoff=DEFAULT_CUTOFF, leave_one_out=False):
    """(estimate dates x bands x rows x cols with NaN where no kernel has data, and the ensemble's
    availability dates x rows x cols). ``weights`` (dates x rows x cols, bool or float in [0, 1])
    is the trust in every observation: 0 leaves it out. Band by band, so that the working arrays
    are a few dates x pixels on top of the result."""
    kind = working_float()
    n, b = stack.shape[:2]
    shape = stack.shape[2:]
    p = int(np.prod(shape))
    c = np.asarray(weights, dtype=kind).reshape(n, p)
    kernels, scales = [], []
    weight = np.zeros((n, p), dtype=kind)
    for sigma in sigmas:
        w = kernel_weights(day, sigma, cutoff, leave_one_out)
        den = w @ c                                     # n x p: available kernel weight
        full = np.maximum(w.sum(axis=1), 1e-12)[:, None]  # the kernel's whole weight per date
        share = den / full                              # availability in [0, 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            # estimate_k * share_k = num / den * share
            scales.append(np.where(den > 1e-6, share / np.maximum(den, 1e-12), 0.0).astype(kind))
        kernels.append(w)
        weight += np.where(den > 1e-6, share, 0.0).astype(kind)
    est = np.empty((n, b, p), dtype=kind)
    available = weight > 0
    for band in range(b):
        y = np.nan_to_num(stack[:, band].reshape(n, p).astype(kind, copy=False) * c)
        total = np.zeros((n, p), dtype=kind)
        for w, scale in zip(kernels, scales):
            total += (w @ y) * scale
        with np.errstate(invalid="ignore", divide="ignore"):
            est[:, band] = np.where(available, total / weight, np.nan)
    return est.reshape(stack.shape), weight.reshape((n,) + shape)


def box_sum(values, radius):
    """Sum over the (2 radius + 1)^2 box around every pixel (cut at the grid edge) of ``values``
    (... x rows x cols float32): scipy's running means along rows and cols (zero outside the grid)
    times the box side, or cumulative sums in numpy when scipy is missing."""
    r = int(radius)
    k = 2 * r + 1
    try:
        from scipy.ndimage import uniform_filter1d
    except ImportError:
        uniform_filter1d = None
    values = np.asarray(values, dtype=working_float())
    if uniform_filter1d is not None:
        out = uniform_filter1d(values, k, axis=-2, mode="constant", cval=0.0)
        out = uniform_filter1d(out, k, axis=-1, mode="constant", cval=0.0)
        return out * working_float()(k * k)
    h, w = values.shape[-2:]
    lead = values.ndim - 2
    c = np.cumsum(np.pad(values, [(0, 0)] * lead + [(1, 0), (0, 0)]), axis=-2)
    lo, hi = np.clip(np.arange(h) - r, 0, h), np.clip(np.arange(h) + r + 1, 0, h)
    a = c[..., hi, :] - c[..., lo, :]
    c = np.cumsum(np.pad(a, [(0, 0)] * lead + [(0, 0), (1, 0)]), axis=-1)
    lo, hi = np.clip(np.arange(w) - r, 0, w), np.clip(np.arange(w) + r + 1, 0, w)
    return c[..., hi] - c[..., lo]


def local_clear_share(clear, radius):
    """Share of clear pixels in the (2 radius + 1)^2 box around every pixel of every date (the box
    cut at the grid edge), dates x rows x cols float32; 1 where clear everywhere around."""
    clear = np.asarray(clear, dtype=bool)
    if radius <= 0:
        return clear.astype(working_float())
    counts = box_sum(clear.astype(working_float()), radius)
    total = box_sum(np.ones((1,) + clear.shape[1:], dtype=working_float()), radius)
    return (counts / total).astype(working_float())


def smooth_residuals(residual, weight, radius, passes=3):
    """Weighted local mean of ``residual`` (dates x bands x rows x cols) with ``weight`` (dates x
    rows x cols, 0 where unknown): ``passes`` box filters of ``radius`` (close to a Gaussian of
    sigma ~ radius), normalised by the smoothed weight. Returns (smoothed residual, smoothed
    weight share in [0, 1]) - the share says how much known residual is near each pixel."""
    num = residual * weight[:, None]
    den = weight.astype(working_float())
    ones = np.ones((1,) + weight.shape[1:], dtype=working_float())
    for _ in range(passes):
        num = box_sum(num, radius)
        den = box_sum(den, radius)
        ones = box_sum(ones, radius)
    with np.errstate(invalid="ignore", divide="ignore"):
        smoothed = np.where(den[:, None] > 1e-6, num / np.maximum(den[:, None], 1e-12), 0.0)
    return smoothed.astype(working_float()), (den / ones).astype(working_float())


def observation_trust(clear, radius=DEFAULT_TRUST_RADIUS, minimum=DEFAULT_TRUST_MINIMUM, power=DEFAULT_TRUST_POWER):
    """Trust in every clear observation (dates x rows x cols float32 in [0, 1]): the local share of
    clear pixels around it to the ``power``, 0 below ``minimum`` and on pixels that are not clear.

    A pixel flagged clear in the middle of clouds is most often cloud edge, haze or shadow the mask
    missed; one in a wide clear area is what it says. Where a pixel has no trusted observation on
    any date, its clear observations are used with their raw trust (see :func:`fill_series`)."""
    share = local_clear_share(clear, radius)
    trust = np.where(clear & (share >= minimum), share ** power if power else 1.0, 0.0)
    return trust.astype(working_float())


def neighbour_linear(stack, clear, day, leave_one_out=True):
    """Linear in time between the nearest clear dates before and after every date (self excluded
    when ``leave_one_out``), the nearest carried with one side only; NaN where no date is clear.
    The neighbours are found as date indexes (two small integer arrays), so the working arrays are
    one date at a time on top of the result."""
    from .date_regression import gather_dates, neighbour_dates

    n = stack.shape[0]
    kind = working_float()
    before, after = neighbour_dates(clear)
    if not leave_one_out:
        own = np.arange(n, dtype=np.int16)[:, None, None]
        before = np.where(clear, own, before)
        after = np.where(clear, own, after)
    days = np.concatenate([np.asarray(day, dtype=np.float64), [np.nan]])  # index -1: no date
    out = np.empty(stack.shape, dtype=kind)
    for k in range(n):
        bd, ad = days[before[k]], days[after[k]]
        has_b, has_a = ~np.isnan(bd), ~np.isnan(ad)
        bv = gather_dates(stack, before[k]).astype(kind, copy=False)
        av = gather_dates(stack, after[k]).astype(kind, copy=False)
        both = has_b & has_a
        span = np.where(both, ad - bd, 1.0)
        w = np.where(both & (span > 0), (day[k] - bd) / np.where(span > 0, span, 1.0), 0.0).astype(kind)
        out[k] = np.where(both[None], bv + (av - bv) * w[None],
                          np.where((has_b & ~has_a)[None], bv, np.where((has_a & ~has_b)[None], av, np.nan)))
    return out


def screen_outliers(stack, trust, day, sigmas=DEFAULT_SIGMAS, cutoff=DEFAULT_CUTOFF,
                    factor=DEFAULT_SCREEN_FACTOR, floor=DEFAULT_SCREEN_FLOOR, scale=1.0):
    """Observations (``trust`` > 0) that deviate from their leave-one-out estimate by more than
    ``factor`` times the pixel's median deviation and by more than ``floor`` (reflectance; ``scale``
    units of the stack per unit reflectance). Returns the flagged pixels (dates x rows x cols)."""
    used = trust > 0
    if not factor or factor <= 0 or stack.shape[0] < 3:
        return np.zeros(used.shape, dtype=bool)
    import warnings

    est, _ = rbf_estimate(stack, trust, day, sigmas, cutoff, leave_one_out=True)
    lin = neighbour_linear(stack, used, day, leave_one_out=True)
    np.copyto(est, lin, where=np.isnan(est))
    del lin
    # mean absolute deviation over the bands (finite ones), band by band: no stack-sized temporaries
    total = np.zeros((stack.shape[0],) + stack.shape[2:], dtype=est.dtype)
    count = np.zeros(total.shape, dtype=np.int32)
    for band in range(stack.shape[1]):
        d = np.abs(stack[:, band] - est[:, band])
        finite = np.isfinite(d)
        total += np.where(finite, d, 0)
        count += finite
    del est
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        dev = (total / count) / float(scale)  # dates x rows x cols (NaN where no band is finite)
        dev = np.where(used & np.isfinite(dev), dev, np.nan)
        enough = np.sum(np.isfinite(dev), axis=0) >= 3
        typical = np.nanmedian(np.where(enough[None], dev, 0.0), axis=0)
        flagged = used & enough[None] & (np.nan_to_num(dev) > factor * typical[None]) & (np.nan_to_num(dev) > floor)
    return flagged


def locally_least_cloudy(stack, clear, valid, day, targets, radius=DEFAULT_NEVER_CLEAR_RADIUS, scale=1.0,
                         darkness=DEFAULT_DARKNESS_WEIGHT):
    """For the pixels ``targets`` (dates x rows x cols bool: which pixel of which date needs it), the
    value of another date that is locally the least cloudy there: the date with the largest share
    of clear pixels within ``radius`` px minus ``darkness`` times its mean reflectance there (so
    that, where every date is cloudy around the pixel, the thinnest cloud wins), ties to the
    nearest in time; only valid observations.
    Returns dates x bands x rows x cols float32 (NaN where not asked or no other valid date)."""
    n = stack.shape[0]
    out = np.full(stack.shape, np.nan, dtype=working_float())
    if not targets.any():
        return out
    share = local_clear_share(clear, radius)
    share = np.where(valid, share, -1.0)
    for t in range(n):
        where = targets[t]
        if not where.any():
            continue
        bright = np.nanmean(stack[:, :, where], axis=1) / float(scale)  # dates x pixels
        score = share[:, where] - darkness * np.nan_to_num(bright, nan=1.0) \
            - 1e-6 * np.abs(day - day[t])[:, None]  # ties: nearest in time
        score[t] = -np.inf                                              # never the date itself
        pick = np.argmax(score, axis=0)
        ok = score[pick, np.arange(pick.size)] > -0.5
        values = stack[pick, :, np.flatnonzero(where.ravel()) // where.shape[1],
                       np.flatnonzero(where.ravel()) % where.shape[1]]  # pixels x bands
        block = np.full((stack.shape[1], pick.size), np.nan, dtype=working_float())
        block[:, ok] = values[ok].T
        out[t][:, where] = block
    return out


def fill_series(stack, clear, days=None, method="rbf", sigmas=DEFAULT_SIGMAS, cutoff=DEFAULT_CUTOFF,
                screen_factor=DEFAULT_SCREEN_FACTOR, screen_floor=DEFAULT_SCREEN_FLOOR,
                trust_radius=DEFAULT_TRUST_RADIUS, trust_minimum=DEFAULT_TRUST_MINIMUM,
                trust_power=DEFAULT_TRUST_POWER, scale=1.0, leave_one_out=False, valid=None,
                never_clear="local", never_clear_radius=DEFAULT_NEVER_CLEAR_RADIUS,
                darkness=DEFAULT_DARKNESS_WEIGHT, residual_radius=DEFAULT_RESIDUAL_RADIUS,
                residual_damping=DEFAULT_RESIDUAL_DAMPING, fallback=None, regression=True, origin=(0, 0),
                screened=None, return_info=False):
    """Every date gap-filled (dates x bands x rows x cols float32).

    ``scale``: units of ``stack`` per unit reflectance (10000 for DN), for the screening floor.
    Pixels clear on no date: ``never_clear='local'`` gives them the value of the date that is
    locally least cloudy there (:func:`locally_least_cloudy`; ``valid`` dates x rows x cols says
    which observations exist, default: finite ones), ``'fallback'`` the value ``fallback`` (None:
    NaN, which the file writer turns into nodata). With ``return_info`` also returns a dict with
    ``trust`` (dates x rows x cols: the weight each observation got, 0 = left out), ``screened``
    (observations left out by the screening), ``never_clear`` (rows x cols) and ``regressed``
    (dates x rows x cols in [0, 1]: how much of the date's regression on its neighbours reached each
    pixel, :mod:`core.date_regression`; 0 where the date had too few clear pixels around).
    ``screened`` (dates x rows x cols bool): observations to leave out instead of screening the
    series again (a caller that fills the same series with some clear pixels hidden passes the
    screening of the whole series). ``regression``: fit that regression on the date's own clear
    pixels (step 3); ``origin``: the
    (row, col) of the arrays' first pixel in the whole grid, so that its lattice of cells is the
    same whatever window of the grid a caller passes."""
    stack, clear = _check(stack, clear)
    if method not in METHODS:
        raise InputError(f"Unknown gap-filling method {method!r}: use one of {', '.join(METHODS)}.")
    if never_clear not in ("local", "fallback"):
        raise InputError(f"Unknown never_clear rule {never_clear!r}: use 'local' or 'fallback'.")
    n = stack.shape[0]
    day = day_numbers(days, n)
    stack = stack.astype(working_float(), copy=False)
    trust = observation_trust(clear, trust_radius, trust_minimum, trust_power)
    # a pixel with clear observations but none trusted: use them as they are rather than not at all
    orphan = clear.any(axis=0) & ~(trust > 0).any(axis=0)
    if orphan.any():
        trust = np.where(orphan[None] & clear, working_float()(1.0), trust)
    if screened is None:
        screened = screen_outliers(stack, trust, day, sigmas, cutoff, screen_factor, screen_floor, scale)
    else:
        screened = np.asarray(screened, dtype=bool) & (trust > 0)
    trust = np.where(screened, working_float()(0.0), trust)
    used = trust > 0
    out = neighbour_linear(stack, used, day, leave_one_out=True)
    if method == "rbf":
        est, _ = rbf_estimate(stack, trust, day, sigmas, cutoff, leave_one_out=True)
        np.copyto(est, out, where=np.isnan(est))
        out = est
        del est
    holes = np.isnan(out).any(axis=1)
    if never_clear == "local" and holes.any():
        # a pixel-date that no other date observes: the locally least cloudy other date stands in
        if valid is None:
            valid = np.isfinite(stack).all(axis=1)
        stand_in = locally_least_cloudy(stack, clear, np.asarray(valid, dtype=bool), day, holes, never_clear_radius,
                                        scale, darkness)
        out = np.where(holes[:, None], stand_in, out)
    regressed = np.zeros(clear.shape, dtype=working_float())
    unregressed = {}  # dates with stand-ins: their estimate before the regression
    known = used & np.isfinite(out).all(axis=1)
    todo = np.flatnonzero(known.reshape(n, -1).any(axis=1) & (~clear).reshape(n, -1).any(axis=1))
    if regression and todo.size and not leave_one_out:
        # the date's own trusted clear pixels say how it relates to its neighbours in time
        # (phenology between dates, haze, sun angle, band by band): a local regression, fitted on
        # them, applied to its gaps
        from . import date_regression as dr

        before, after = dr.neighbour_dates(used)
        for t in todo:
            if holes[t].any():
                unregressed[t] = out[t].copy()
            fitted, regressed[t] = dr.fit_date(stack[t], np.where(holes[t], np.nan, out[t]),
                                               dr.gather_dates(stack, before[t]), dr.gather_dates(stack, after[t]),
                                               np.where(known[t] & ~holes[t], trust[t], 0.0), origin=origin,
                                               scale=scale)
            out[t] = np.where(holes[t][None], out[t], fitted)
        del before, after
    if residual_radius and residual_radius > 0 and not leave_one_out:
        # what the date's own trusted clear pixels still differ from the estimate by, smoothed in
        # space, is carried into its gaps
        for t in todo:  # date by date: the box filters' temporaries stay one date large
            weight = np.where(known[t], trust[t], 0.0).astype(working_float())[None]
            estimates = [(out[t], None)]
            if t in unregressed:
                # the regression does not reach the stand-ins: they take the residuals to the
                # estimate they were made with
                estimates.append((unregressed.pop(t), holes[t]))
            for estimate, where in estimates:
                residual = np.where(known[t][None], stack[t] - estimate, 0.0).astype(working_float())
                correction, share = smooth_residuals(residual[None], weight, residual_radius)
                damp = share / (share + float(residual_damping)) if residual_damping > 0 else (share > 0)
                smoothed = estimate + correction[0] * damp[0][None]
                out[t] = smoothed if where is None else np.where(where[None], smoothed, out[t])
    if not leave_one_out:
        out = np.where(clear[:, None], stack, out)  # observed values stay; trust only picks neighbours
    if fallback is not None:
        out = np.where(np.isnan(out), working_float()(fallback), out)
    out = out.astype(working_float(), copy=False)
    if return_info:
        return out, {"trust": trust, "screened": screened, "never_clear": ~clear.any(axis=0), "regressed": regressed}
    return out


def held_out_masks(clear, seed=0, share=0.2, min_clear=HELD_OUT_MIN_CLEAR, trust_radius=DEFAULT_TRUST_RADIUS,
                   trust_minimum=DEFAULT_TRUST_MINIMUM):
    """For the mostly clear dates (at least ``min_clear`` of their pixels clear; all dates with
    clear pixels when none is), the clear pixels hidden behind the cloud mask of another date
    (dates x rows x cols bool), at most ``share`` of each date's clear pixels (a random subset
    beyond it), and only pixels in clear surroundings (see :func:`observation_trust`): what a
    user's cloud on a clear day would hide, checked against values that are themselves clear.

    The partner of each date is drawn among the other dates that are cloudy where the date is
    clear; reproducible from ``seed``."""
    n = clear.shape[0]
    rng = np.random.default_rng([int(seed), 41])
    cloudy = ~clear
    hidden = np.zeros(clear.shape, dtype=bool)
    fraction = clear.reshape(n, -1).mean(axis=1) if n else np.zeros(0)
    dates = [t for t in range(n) if fraction[t] >= min_clear] or [t for t in range(n) if fraction[t] > 0]
    trusted = observation_trust(clear, trust_radius, trust_minimum, 0) > 0
    for t in dates:
        own = clear[t] & trusted[t]
        if not own.any():
            continue
        overlap = (cloudy & own[None]).reshape(n, -1).sum(axis=1)
        overlap[t] = 0
        candidates = np.flatnonzero(overlap > 0)
        if candidates.size == 0:
            continue
        partner = int(rng.choice(candidates))
        h = own & cloudy[partner]
        limit = int(share * clear[t].sum())
        count = int(h.sum())
        if limit == 0:
            continue
        if count > limit:
            flat = h.ravel().copy()
            drop = rng.choice(np.flatnonzero(flat), count - limit, replace=False)
            flat[drop] = False
            h = flat.reshape(h.shape)
        hidden[t] = h
    return hidden


def rmse_on(prediction, observed, where, scale=1.0):
    """RMSE (reflectance) of ``prediction`` against ``observed`` over the pixels ``where`` (dates x
    rows x cols), all bands; NaN predictions count as not filled and are left out. Returns
    (rmse, pixels)."""
    sel = where[:, None] & np.isfinite(prediction)
    sel = np.broadcast_to(sel, prediction.shape)
    if not sel.any():
        return float("nan"), 0
    d = (np.clip(prediction[sel], 0, None) - np.clip(observed[sel], 0, None)) / float(scale)
    return float(np.sqrt(np.mean(d.astype(np.float64) ** 2))), int(where.sum())


def gap_days(used, day):
    """Days from every date to the nearest *other* date with a used observation at each pixel
    (dates x rows x cols float32), doubled where the used observations are on one side only
    (extrapolation is harder than interpolation); inf where there is none."""
    n = used.shape[0]
    before = np.full(used.shape, np.inf, dtype=working_float())
    after = np.full(used.shape, np.inf, dtype=working_float())
    last = np.full(used.shape[1:], -np.inf)
    for k in range(n):
        before[k] = day[k] - last
        last = np.where(used[k], day[k], last)
    nxt = np.full(used.shape[1:], np.inf)
    for k in range(n - 1, -1, -1):
        after[k] = nxt - day[k]
        nxt = np.where(used[k], day[k], nxt)
    near = np.minimum(before, after)
    one_side = ~np.isfinite(before) | ~np.isfinite(after)
    return np.where(one_side, 2 * near, near).astype(working_float())


#: Bins of :func:`gap_days` for the error model (days).
GAP_BINS = (0.0, 6.0, 12.0, 24.0, 48.0, 96.0, np.inf)


class ErrorModel:
    """Expected squared error (reflectance^2) of a filled pixel as a function of its gap in days,
    measured on held-out clear pixels of the run's own series (:func:`held_out_error`), in two
    regimes: ``values`` where the date's regression on its own clear pixels reached the pixel
    (part of the date is clear; held-out pixels hidden behind another date's mask), ``whole``
    where it did not (the date is cloudy all around; held-out pixels of dates left out whole).
    Without ``whole`` the first curve serves both."""

    def __init__(self, values, pixels, bins=GAP_BINS, whole=None):
        self.bins = np.asarray(bins, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float64)  # per bin
        self.whole = self.values if whole is None else np.asarray(whole, dtype=np.float64)
        self.pixels = int(pixels)

    @property
    def usable(self):
        return self.pixels > 0 and np.isfinite(self.values).any()

    def bin_of(self, gaps):
        return np.clip(np.searchsorted(self.bins, np.asarray(gaps, dtype=np.float64), side="right") - 1,
                       0, len(self.values) - 1)

    def expected_square(self, gaps, regressed=None):
        """Per pixel; ``regressed`` (same shape, in [0, 1]): how much of the date's regression
        reached it (None: all of it)."""
        idx = self.bin_of(gaps)
        if regressed is None:
            return self.values[idx]
        r = np.clip(np.asarray(regressed, dtype=np.float64), 0.0, 1.0)
        whole = np.where(np.isfinite(self.whole[idx]), self.whole[idx], self.values[idx])
        return r * self.values[idx] + (1 - r) * whole

    def estimate(self, gaps, where, regressed=None):
        """Estimated RMSE over the pixels ``where`` (same shape as ``gaps``), NaN when unusable."""
        if not self.usable or not np.any(where):
            return float("nan")
        r = None if regressed is None else np.asarray(regressed)[where]
        return float(np.sqrt(np.mean(self.expected_square(np.asarray(gaps)[where], r))))


def bin_values(sq_by_date, gaps_by_date, bins):
    """Per gap bin: the median over dates of the dates' mean squared error in that bin (a date
    whose "clear" pixels are hazy does not dominate), pooled when few dates have the bin; empty
    bins take the value of the nearest smaller bin. (Not forced to grow with the gap: on the real
    series of benchmarks/bench_quality.py that made the estimate of a run over-estimate more,
    median 1.24 instead of 1.15 times the protocol's error.)"""
    values = np.full(len(bins) - 1, np.nan)
    for b in range(len(bins) - 1):
        per_date, pooled = [], []
        for sq, g in zip(sq_by_date, gaps_by_date):
            sel = (g >= bins[b]) & (g < bins[b + 1])
            if sel.sum() >= 20:
                per_date.append(float(sq[sel].mean()))
            pooled.append(sq[sel])
        pooled = np.concatenate(pooled) if pooled else np.zeros(0)
        if len(per_date) >= 3:
            values[b] = float(np.median(per_date))
        elif pooled.size:
            values[b] = float(pooled.mean())
    finite = np.isfinite(values)
    if not finite.any():
        return values
    first = int(np.flatnonzero(finite)[0])
    values[:first] = values[first]
    for b in range(1, len(values)):
        if not np.isfinite(values[b]):
            values[b] = values[b - 1]
    return values


def held_out_error(stack, clear, days=None, seed=0, share=0.2, scale=1.0, predict=None, keep_pieces=False,
                   **options):
    """Estimated error of a gap filler on this series, from held-out clear pixels.

    Two ways of hiding, for the two regimes of :class:`ErrorModel`: (1) for the mostly clear dates,
    up to ``share`` of the clear pixels hidden behind another date's real mask
    (:func:`held_out_masks`) and filled from the rest (``predict(stack, clear)`` -> filled dates x
    bands x rows x cols; default :func:`fill_series` with ``options``); (2) the same dates left out
    whole: their trusted clear pixels compared with the estimate from the other dates alone
    (:func:`fill_series` with ``leave_one_out``). Returns a dict: ``rmse`` (over the pixels of 1),
    ``rmse_whole`` (over those of 2), ``rmse_linear`` (plain temporal linear interpolation on the
    pixels of 1), ``pixels`` (of 1), and ``model`` (an :class:`ErrorModel` that turns the gap of
    any filled pixel into its expected error); with ``keep_pieces`` also ``pieces`` (per date:
    squared errors and gaps of its held-out pixels, for both regimes), so that several windows
    can be pooled into one model."""
    stack, clear = _check(stack, clear)
    hidden = held_out_masks(clear, seed, share)
    empty = {"rmse": float("nan"), "rmse_whole": float("nan"), "rmse_linear": float("nan"), "pixels": 0,
             "model": ErrorModel(np.full(len(GAP_BINS) - 1, np.nan), 0)}
    if not hidden.any():
        return empty
    rest = clear & ~hidden
    if predict is None:
        filled = fill_series(stack, rest, days, scale=scale, **options)
    else:
        filled = predict(stack, rest)
    day = day_numbers(days, stack.shape[0])
    linear = neighbour_linear(stack.astype(working_float()), rest, day, leave_one_out=False)
    r, pixels = rmse_on(filled, stack, hidden, scale)
    r_lin, _ = rmse_on(linear, stack, hidden, scale)
    gaps = gap_days(rest, day)
    sq_by_date, gaps_by_date = _pieces(filled, stack, hidden, gaps, scale)
    # (2) the dates of (1), left out whole: pixels of theirs in clear surroundings
    whole_opts = {k: v for k, v in options.items() if k not in ("leave_one_out", "residual_radius", "regression")}
    alone, info = fill_series(stack, clear, days, scale=scale, leave_one_out=True, residual_radius=0,
                              return_info=True, **whole_opts)
    dates = hidden.reshape(hidden.shape[0], -1).any(axis=1)
    whole_where = (info["trust"] >= 1.0) & dates[:, None, None]
    r_whole, _ = rmse_on(alone, stack, whole_where, scale)
    whole_sq, whole_gaps = _pieces(alone, stack, whole_where, gap_days(info["trust"] > 0, day), scale)
    model = ErrorModel(bin_values(sq_by_date, gaps_by_date, GAP_BINS), pixels,
                       whole=bin_values(whole_sq, whole_gaps, GAP_BINS))
    result = {"rmse": r, "rmse_whole": r_whole, "rmse_linear": r_lin, "pixels": pixels, "model": model}
    if keep_pieces:
        result["pieces"] = {"sq_by_date": sq_by_date, "gaps_by_date": gaps_by_date,
                            "whole_sq_by_date": whole_sq, "whole_gaps_by_date": whole_gaps}
    return result


def _pieces(filled, stack, where, gaps, scale):
    """Per date with pixels in ``where``: their squared errors (mean over bands) and gaps."""
    sq_by_date, gaps_by_date = [], []
    for t in range(stack.shape[0]):
        h = where[t]
        if not h.any():
            continue
        d = (np.clip(np.nan_to_num(filled[t][:, h], nan=0.0), 0, None) - np.clip(stack[t][:, h], 0, None)) / float(scale)
        sq_by_date.append(np.mean(d.astype(np.float64) ** 2, axis=0))
        gaps_by_date.append(gaps[t][h])
    return sq_by_date, gaps_by_date
