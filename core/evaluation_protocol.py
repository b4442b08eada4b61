"""The sequence-to-sequence evaluation protocol of SEN12MS-CR-TS (Ebel et al. 2022), as reusable code.

Protocol (DESIGN.md §4):

1. target = the least cloudy date of the series (most clear and valid pixels; earliest on ties),
   source = the most cloudy date (most cloudy valid pixels; earliest on ties, never the target);
2. the source's cloudy pixels are alpha-blended onto the target:
   ``blended = alpha * source + (1 - alpha) * target``. **Choice made here**: ``alpha`` is the
   source's cloud mask (1 on its cloudy valid pixels, 0 elsewhere), i.e. the source's cloudy pixels
   replace the target's, with their real clouds, shadows and haze; a caller that has a cloud
   probability map of the source (s2cloudless, values in [0, 1]) can pass it as ``source_alpha`` for
   the soft blend. The blended target's clear mask is its own clear mask minus ``alpha > 0``;
3. every method reconstructs the series with the blended target in place of the original;
4. the method's image for the target date is scored against the original target with
   :mod:`core.metrics` (all pixels; ``rmse_cloudy`` over ``alpha > 0``, ``rmse_clear`` elsewhere).

Methods (functions of a :class:`ProtocolCase` returning bands x rows x cols in [0, 1]):

- ``least_cloudy``: the least cloudy date of the blended series, forwarded unchanged;
- ``mosaic``: per pixel the mean of the clear observations of the blended series (as
  ``core.mosaic``), the paper's constant 0.5 where no date is clear;
- ``temporal_linear``: per-pixel linear interpolation in time between the nearest clear dates
  (:mod:`core.temporal_interpolation`), 0.5 where no date is clear;
- ``seq2seq_noise`` / ``seq2seq_s1``: :func:`core.seq2seq.reconstruct` driven by fixed noise or by
  the S1 series, clear pixels of the target kept as observed (as the product the algorithm writes).

Everything is held in memory ([0, 1] float32, dates x bands x rows x cols): meant for regions of
interest of evaluation size (a few hundred pixels a side), not whole scenes.
"""

import time

import numpy as np

from .errors import InputError
from .metrics import image_metrics
from .reporting import Reporter

METHODS = ("least_cloudy", "mosaic", "temporal_linear", "seq2seq_noise", "seq2seq_s1")
METHOD_LABELS = {
    "least_cloudy": "least cloudy",
    "mosaic": "mosaicing",
    "temporal_linear": "temporal linear interpolation",
    "seq2seq_noise": "seq2seq (noise input)",
    "seq2seq_s1": "seq2seq (S1 input)",
}
PAPER_FALLBACK = 0.5


class SeriesArrays:
    """A series read into memory on its reference grid ([0, 1] values)."""

    def __init__(self, data, clear, valid, dates, names, s1=None, s1_paired=None, grid=None, scale=10000.0):
        self.data = data            # dates x bands x rows x cols float32 in [0, 1]
        self.clear = clear          # dates x rows x cols bool: clear and valid
        self.valid = valid          # dates x rows x cols bool
        self.dates = dates          # datetime.date or None per date
        self.names = names
        self.s1 = s1                # dates x 2 x rows x cols float32 in [0, 1] (noise where unpaired) or None
        self.s1_paired = s1_paired  # per date: True when a real S1 image is behind s1[t]
        self.grid = grid
        self.scale = scale

    def __len__(self):
        return self.data.shape[0]


def load_series(s2_paths, mask_paths, s1_paths=None, extent=None, extent_crs=None, max_days=14,
                reporter=None, seed=0, harmonize="auto"):
    """Read a series (and its S1 partners) over the region of interest into :class:`SeriesArrays`."""
    from .grid_reader import iter_observations
    from .seq2seq import open_s1_series, read_inputs, series_scale
    from .time_series import open_time_series
    from .windows import Window

    reporter = reporter or Reporter()
    series = open_time_series(s2_paths, mask_paths, extent, extent_crs, reporter, require_masks=True,
                              harmonize=harmonize)
    grid = series.grid
    window = Window(0, 0, grid.height, grid.width)
    scale = series_scale(series)
    readers = series.observation_readers()
    n, bands = len(series), series.band_count
    data = np.empty((n, bands, grid.height, grid.width), dtype=np.float32)
    clear = np.empty((n, grid.height, grid.width), dtype=bool)
    valid = np.empty_like(clear)
    try:
        for obs in iter_observations(readers, window):
            data[obs.index] = np.clip(obs.data.astype(np.float32), 0, scale) / scale
            clear[obs.index] = obs.clear
            valid[obs.index] = obs.valid
    finally:
        for r in readers:
            r.close()
    s1 = paired = None
    s1_series = open_s1_series(s1_paths, series, max_days, reporter)
    if s1_series is not None:
        s1_readers = s1_series.readers(grid)
        try:
            s1 = read_inputs(s1_readers, window, seed, n)
        finally:
            for r in {id(r): r for r in s1_readers if r is not None}.values():
                r.close()
        paired = [p is not None for p in s1_series.pairs]
    return SeriesArrays(data, clear, valid, [i.date for i in series.items], [i.name for i in series.items],
                        s1, paired, grid, scale)


def select_dates(arrays, reporter=None):
    """(target, source) indexes of the protocol: least cloudy and most cloudy date."""
    n = len(arrays)
    if n < 3:
        raise InputError(f"The protocol needs at least 3 dates (got {n}).")
    clear_counts = arrays.clear.reshape(n, -1).sum(axis=1)
    cloudy_counts = (arrays.valid & ~arrays.clear).reshape(n, -1).sum(axis=1)
    target = int(np.argmax(clear_counts))  # argmax: first on ties = earliest
    order = [k for k in np.argsort(-cloudy_counts, kind="stable") if k != target]
    source = int(order[0])
    if cloudy_counts[source] == 0:
        raise InputError("No date of the series has cloudy pixels: there is nothing to blend onto the target.")
    return target, source


class ProtocolCase:
    """The blended series and what the scoring needs."""

    def __init__(self, arrays, target, source, alpha):
        self.arrays = arrays
        self.target = target
        self.source = source
        self.alpha = alpha                       # rows x cols in [0, 1]
        self.cloud = alpha > 0                   # the blended region
        self.truth = arrays.data[target].copy()  # the original target
        data = arrays.data.copy()
        data[target] = alpha * arrays.data[source] + (1 - alpha) * arrays.data[target]
        clear = arrays.clear.copy()
        clear[target] &= ~self.cloud
        valid = arrays.valid.copy()
        valid[target] &= ~(self.cloud & ~arrays.valid[source])
        self.data, self.clear, self.valid = data, clear, valid

    @property
    def dates(self):
        return self.arrays.dates

    def describe(self):
        a = self.arrays
        n = self.clear[0].size
        return (f"target = {a.names[self.target]} ({100 * (1 - a.clear[self.target].sum() / n):.1f} % not clear), "
                f"source = {a.names[self.source]} ({100 * self.cloud.mean():.1f} % cloudy blended onto the target)")


def make_case(arrays, source_alpha=None, target=None, source=None):
    """The protocol's case for ``arrays`` (target/source chosen by :func:`select_dates` unless given)."""
    t, s = select_dates(arrays)
    target = t if target is None else target
    source = s if source is None else source
    if source_alpha is None:
        alpha = (arrays.valid[source] & ~arrays.clear[source]).astype(np.float32)
    else:
        alpha = np.clip(np.asarray(source_alpha, dtype=np.float32), 0, 1)
        if alpha.shape != arrays.clear.shape[1:]:
            raise InputError(f"source_alpha {alpha.shape} does not match the grid {arrays.clear.shape[1:]}.")
    return ProtocolCase(arrays, target, source, alpha)


# ---------------------------------------------------------------------------------------------
# methods

def least_cloudy_method(case):
    n = case.clear.shape[0]
    counts = case.clear.reshape(n, -1).sum(axis=1)
    return case.data[int(np.argmax(counts))].copy()


def mosaic_method(case, fallback=PAPER_FALLBACK):
    clear = case.clear
    count = clear.sum(axis=0)
    sums = np.einsum("tbhw,thw->bhw", case.data.astype(np.float64), clear.astype(np.float64))
    out = np.full(sums.shape, fallback, dtype=np.float32)
    seen = count > 0
    out[:, seen] = (sums[:, seen] / count[seen]).astype(np.float32)
    return out


def temporal_linear_method(case, fallback=PAPER_FALLBACK):
    from .temporal_interpolation import interpolate_date

    days = case.dates if all(case.dates) else None
    return interpolate_date(case.data, case.clear, case.target, days=days, fallback=fallback)


def seq2seq_inputs(case, use_s1, seed=0):
    """seq2seq's input channels for a protocol case: the S1 series (with its static channels) or
    seeded noise."""
    from .seq2seq import noise_input, with_static_channels

    arrays = case.arrays
    n, _, h, w = case.data.shape
    if use_s1:
        if arrays.s1 is None:
            raise InputError("seq2seq with S1 needs S1 layers.")
        return with_static_channels(arrays.s1, arrays.s1_paired, seed)
    return with_static_channels(noise_input(n, h, w, seed), [False] * n, seed)


def seq2seq_method(case, use_s1, schedule="fast", device="cpu", seed=0, tile_size=None, tile_overlap=None,
                   reporter=None, keep_clear=True, threads=None):
    from .seq2seq import DEFAULT_TILE_OVERLAP, DEFAULT_TILE_SIZE, reconstruct

    arrays = case.arrays
    inputs = seq2seq_inputs(case, use_s1, seed)
    pred = reconstruct(case.data, case.clear, inputs, schedule=schedule, device=device, seed=seed,
                       tile_size=tile_size or DEFAULT_TILE_SIZE, tile_overlap=tile_overlap or DEFAULT_TILE_OVERLAP,
                       reporter=reporter, threads=threads, days=case.dates if all(case.dates) else None,
                       valid=case.valid, paired=arrays.s1_paired if use_s1 else None)
    image = pred[case.target]
    if keep_clear:
        own = case.clear[case.target]
        image[:, own] = case.data[case.target][:, own]
    return image


def run_protocol(case, methods, reporter=None):
    """Score every method (name -> callable(case) -> image) on ``case``; rows of a table."""
    reporter = reporter or Reporter()
    rows = []
    for name, method in methods.items():
        started = time.perf_counter()
        image = method(case)
        seconds = time.perf_counter() - started
        scores = image_metrics(np.clip(image, 0, 1), case.truth, case.cloud)
        scores.update(method=name, label=METHOD_LABELS.get(name, name), seconds=seconds)
        rows.append(scores)
        reporter.info(f"  {scores['label']}: RMSE {scores['rmse']:.4f}, SSIM {scores['ssim']:.4f} "
                      f"({seconds:.1f} s)")
    return rows


def standard_methods(case, names=METHODS, schedule="fast", device="cpu", seed=0, tile_size=None,
                     tile_overlap=None, reporter=None, threads=None):
    """The protocol's methods by name (seq2seq_s1 only when the series has S1)."""
    table = {
        "least_cloudy": least_cloudy_method,
        "mosaic": mosaic_method,
        "temporal_linear": temporal_linear_method,
        "seq2seq_noise": lambda c: seq2seq_method(c, False, schedule, device, seed, tile_size, tile_overlap,
                                                  reporter, threads=threads),
        "seq2seq_s1": lambda c: seq2seq_method(c, True, schedule, device, seed, tile_size, tile_overlap,
                                               reporter, threads=threads),
    }
    out = {}
    for name in names:
        if name not in table:
            raise InputError(f"Unknown protocol method '{name}': use {', '.join(METHODS)}.")
        if name == "seq2seq_s1" and case.arrays.s1 is None:
            continue
        out[name] = table[name]
    return out


def format_table(rows, title=None):
    """A plain-text table of protocol rows (RMSE, PSNR, SSIM, SAM in degrees, masked RMSE, time)."""
    head = f"{'method':32s} {'RMSE':>7s} {'PSNR':>7s} {'SSIM':>7s} {'SAM(deg)':>8s} {'RMSEcld':>7s} {'RMSEclr':>7s} {'s':>7s}"
    lines = ([title] if title else []) + [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['label']:32s} {r['rmse']:7.4f} {r['psnr']:7.2f} {r['ssim']:7.4f} {r['sam']:8.3f} "
                     f"{r.get('rmse_cloudy', float('nan')):7.4f} {r.get('rmse_clear', float('nan')):7.4f} "
                     f"{r['seconds']:7.1f}")
    return "\n".join(lines)
