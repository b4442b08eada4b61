"""Per-pixel temporal linear interpolation between the nearest clear dates (a classic gap filler).

For a date ``t`` and a pixel that is not clear on ``t``: the nearest earlier date ``a`` and the
nearest later date ``b`` on which that pixel is clear give

    value = y_a + (y_b - y_a) * (day_t - day_a) / (day_b - day_a)

(weights by acquisition day, not by position). With a clear date on one side only, the nearest
clear value is carried (no extrapolation). Pixels clear on no date get ``fallback`` (the paper's
0.5 reflectance by default, as for mosaicing). Pixels clear on ``t`` keep their value.

Arrays: ``stack`` is dates x bands x rows x cols (any scale), ``clear`` dates x rows x cols (bool).
"""

import numpy as np

from .errors import InputError

#: The paper's value (on the [0, 1] scale) for pixels never seen clear.
PAPER_FALLBACK = 0.5


def _day_numbers(days, count):
    if days is None:
        return np.arange(count, dtype=np.float64)
    out = []
    for d in days:
        out.append(float(d.toordinal()) if hasattr(d, "toordinal") else float(d))
    out = np.asarray(out, dtype=np.float64)
    if out.shape != (count,):
        raise InputError(f"{len(out)} days were given for {count} dates.")
    if np.any(np.diff(out) < 0):
        raise InputError("Temporal interpolation needs the dates in time order.")
    return out


def _check(stack, clear):
    stack = np.asarray(stack)
    clear = np.asarray(clear, dtype=bool)
    if stack.ndim != 4 or clear.shape != (stack.shape[0],) + stack.shape[2:]:
        raise InputError(f"Temporal interpolation: stack {stack.shape} and clear mask {clear.shape} "
                         "do not match (dates x bands x rows x cols, dates x rows x cols).")
    return stack, clear


def interpolate_date(stack, clear, target, days=None, fallback=PAPER_FALLBACK):
    """The gap-filled image (bands x rows x cols, float32) of date index ``target``."""
    stack, clear = _check(stack, clear)
    n = stack.shape[0]
    if not 0 <= target < n:
        raise InputError(f"Date index {target} is outside the series of {n} dates.")
    day = _day_numbers(days, n)
    shape = stack.shape[2:]
    before_val = np.zeros(stack.shape[1:], dtype=np.float32)
    before_day = np.full(shape, np.nan)
    for k in range(target):  # later dates overwrite: the nearest earlier clear date wins
        c = clear[k]
        before_val[:, c] = stack[k][:, c]
        before_day[c] = day[k]
    after_val = np.zeros(stack.shape[1:], dtype=np.float32)
    after_day = np.full(shape, np.nan)
    for k in range(n - 1, target, -1):
        c = clear[k]
        after_val[:, c] = stack[k][:, c]
        after_day[c] = day[k]
    return _combine(stack[target], clear[target], day[target], before_val, before_day,
                    after_val, after_day, fallback)


def _combine(observed, own_clear, day, before_val, before_day, after_val, after_day, fallback):
    has_b = ~np.isnan(before_day)
    has_a = ~np.isnan(after_day)
    out = np.full(before_val.shape, np.nan if fallback is None else fallback, dtype=np.float32)
    both = has_b & has_a
    w = np.zeros(before_day.shape, dtype=np.float64)
    span = after_day[both] - before_day[both]
    w[both] = np.where(span > 0, (day - before_day[both]) / np.where(span > 0, span, 1.0), 0.0)
    w = w.astype(np.float32)
    out[:, both] = before_val[:, both] + (after_val[:, both] - before_val[:, both]) * w[both]
    only_b = has_b & ~has_a
    out[:, only_b] = before_val[:, only_b]
    only_a = has_a & ~has_b
    out[:, only_a] = after_val[:, only_a]
    out[:, own_clear] = observed[:, own_clear]
    return out


def interpolate_series(stack, clear, days=None, fallback=PAPER_FALLBACK):
    """Every date gap-filled (dates x bands x rows x cols, float32), in two passes over time."""
    stack, clear = _check(stack, clear)
    n = stack.shape[0]
    day = _day_numbers(days, n)
    out = np.empty(stack.shape, dtype=np.float32)
    shape = stack.shape[2:]
    # forward pass: nearest earlier clear value of every date (stored in out for now)
    before_days = np.full((n,) + shape, np.nan)
    val = np.zeros(stack.shape[1:], dtype=np.float32)
    last = np.full(shape, np.nan)
    for k in range(n):
        out[k] = val
        before_days[k] = last
        c = clear[k]
        val[:, c] = stack[k][:, c]
        last[c] = day[k]
    val = np.zeros(stack.shape[1:], dtype=np.float32)
    last = np.full(shape, np.nan)
    for k in range(n - 1, -1, -1):
        filled = _combine(stack[k], clear[k], day[k], out[k], before_days[k], val, last, fallback)
        c = clear[k]
        val[:, c] = stack[k][:, c]
        last[c] = day[k]
        out[k] = filled
    return out
