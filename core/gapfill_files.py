"""The gap filler over raster files: every date of a series, clouds filled, one GeoTIFF per date.

Streams the region in windows sized from the memory budget (each window grown by the radius that
the trust and stand-in rules look around a pixel, so the result does not depend on the windows),
reads every date of a window, fills it with :func:`core.gapfill.fill_series` and writes every date
to its own temporary GeoTIFF; the files are renamed to their final names only when all are complete
(cancel or error: nothing is left). Progress and cancel are checked for every date of every window.

Every run also estimates its own error: in each window, on a block of at most
``ESTIMATE_SIDE`` px a side, clear pixels of the mostly clear dates are hidden behind other dates'
real masks and filled from the rest (:func:`core.gapfill.held_out_error`); the pooled error model
(squared error by gap length) then gives the expected RMSE of the pixels that were really filled,
per date and for the run. It is logged, returned and written as GeoTIFF tags.
"""

import contextlib
import os

import numpy as np

from . import gapfill as gf
from .errors import InputError
from .gdal_environment import bounded_gdal_cache
from .grid_reader import ReaderPool, iter_observations
from .raster_writer import GeoTiffWriter, check_output_path
from .reporting import ProgressSpan, Reporter, Stopwatch
from .series_masks import series_masks, with_harmonize
from .time_series import open_time_series, output_descriptions
from .windows import DEFAULT_MEMORY_MB, Window, plan_windows, window_slices

OUTPUT_SUFFIX = "_gapfilled"
#: Side (px) of the block of each window on which the run measures its own error.
ESTIMATE_SIDE = 96
_DN_PER_REFLECTANCE = 10000.0


def reach(never_clear_local=True, regression=True):
    """Pixels around a pixel that its result depends on: the window overlap that makes the output
    independent of the windows: the trust box or the stand-in search for pixels never clear, the
    cells of the date's regression, then the residual smoothing's three box passes that carry them
    further."""
    from .date_regression import reach as regression_reach

    smoothing = 3 * gf.DEFAULT_RESIDUAL_RADIUS
    stand_in = gf.DEFAULT_NEVER_CLEAR_RADIUS if never_clear_local else 0
    cells = regression_reach() + gf.DEFAULT_TRUST_RADIUS if regression else 0
    return max(gf.DEFAULT_TRUST_RADIUS, stand_in, cells) + smoothing + 1


def output_names(series, folder, suffix=OUTPUT_SUFFIX):
    """Output path of every item of ``series`` (in series order): ``<input stem><suffix>.tif``,
    with ``_<input position>`` added where two inputs share a stem."""
    stems = [os.path.splitext(os.path.basename(item.path))[0] for item in series.items]
    paths = []
    for item, stem in zip(series.items, stems):
        if stems.count(stem) > 1:
            stem = f"{stem}_{item.input_index + 1}"
        paths.append(os.path.join(folder, f"{stem}{suffix}.tif"))
    return paths


def prepare_output_folder(output_folder):
    if not output_folder:
        raise InputError("No output folder was given (OUTPUT_FOLDER).")
    output_folder = os.path.abspath(output_folder)
    if os.path.exists(output_folder) and not os.path.isdir(output_folder):
        raise InputError(f"The output folder {output_folder} is a file.")
    try:
        os.makedirs(output_folder, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create the output folder {output_folder}: {exc}") from exc
    return output_folder


def _scale_of(series):
    if not series.reference.is_float:
        return _DN_PER_REFLECTANCE
    from .seq2seq import series_scale

    return series_scale(series)


def _to_output(values, dtype, nodata):
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        out = np.clip(np.rint(np.nan_to_num(values, nan=0.0)), info.min, info.max).astype(dtype)
        if nodata is not None and nodata == 0 and info.min <= 1 <= info.max:
            zero = ~out.any(axis=0)
            if zero.any():
                out[:, zero] = 1  # a filled pixel is never written as all-zero nodata
        return out
    return values.astype(dtype)


def gapfill(s2_paths, mask_paths, output_folder, extent=None, extent_crs=None, method="rbf",
            sigmas=gf.DEFAULT_SIGMAS, screen=True, never_clear="local", estimate=True, regression=True,
            memory_mb=DEFAULT_MEMORY_MB, threads=2, reporter=None, cloudmask_settings=None, device="cpu",
            harmonize="auto"):
    """Gap-fill every date of the series and write ``<input stem>_gapfilled.tif`` per date.

    ``method``: ``rbf`` (ensemble of Gaussian kernels, ``sigmas`` in days) or ``linear``.
    ``screen``: leave out observations that deviate from their neighbours in time (missed
    clouds). ``regression``: learn each date's relation to its neighbours from its own clear pixels
    (:mod:`core.date_regression`). ``never_clear``: ``local`` (pixels clear on no date take the locally least cloudy
    date) or ``nodata``. Clear pixels keep their observed values; pixels that are nodata on every
    date stay nodata. Without ``mask_paths`` masks are computed with s2cloudless first.
    Returns a dict (outputs in input order, estimated errors, counts, seconds).
    """
    reporter = reporter or Reporter()
    if method not in gf.METHODS:
        raise InputError(f"Unknown gap-filling method {method!r}: use one of {', '.join(gf.METHODS)}.")
    if never_clear not in ("local", "nodata"):
        raise InputError(f"Unknown rule for pixels never clear {never_clear!r}: use 'local' or 'nodata'.")
    sigmas = tuple(float(s) for s in sigmas)
    if not sigmas or not all(np.isfinite(s) and s > 0 for s in sigmas):
        raise InputError(f"The kernel widths (SIGMAS) must be positive numbers of days (got {sigmas}).")
    output_folder = prepare_output_folder(output_folder)
    with series_masks(s2_paths, mask_paths, extent, extent_crs, with_harmonize(cloudmask_settings, harmonize),
                      reporter, memory_mb, device) as (masks, stage_reporter):
        return _gapfill_masked(s2_paths, masks, output_folder, extent, extent_crs, method, sigmas, screen,
                               never_clear, estimate, memory_mb, threads, stage_reporter, regression, harmonize)


@bounded_gdal_cache
def _gapfill_masked(s2_paths, mask_paths, output_folder, extent, extent_crs, method, sigmas, screen,
                    never_clear, estimate, memory_mb, threads, reporter, regression=True, harmonize="auto"):
    clock = Stopwatch()
    series = open_time_series(s2_paths, mask_paths, extent, extent_crs, reporter, require_masks=True,
                              harmonize=harmonize)
    n = len(series)
    if n < 2:
        raise InputError("Gap filling needs a time series: give at least 2 S2 layers.")
    outputs = output_names(series, output_folder)
    for path in outputs:
        check_output_path(path, series.paths())
    for line in series.describe():
        reporter.info(line)
    if series.dated:
        days = [item.date for item in series.items]
    else:
        days = None
        reporter.warning("Not every layer has an acquisition date: the dates are taken as equally spaced "
                         "(one day apart) in the given order, so the kernel widths count layers, not days.")
    day = gf.day_numbers(days, n)
    grid = series.grid
    bands, dtype = series.band_count, series.dtype
    scale = _scale_of(series)
    nodata = series.reference.nodata
    if nodata is None:
        nodata = float("nan") if series.reference.is_float else 0
    options = dict(method=method, sigmas=sigmas, scale=scale,
                   screen_factor=gf.DEFAULT_SCREEN_FACTOR if screen else 0.0,
                   never_clear="local" if never_clear == "local" else "fallback", regression=bool(regression))
    overlap = reach(never_clear == "local", bool(regression))
    prefetch = max(int(threads or 1), 1)
    # per pixel of a window: the stack as read and about 5 float32 copies of it at the peak (the
    # stack, its validity-masked copy, the estimate, the result; measured with tracemalloc), masks,
    # the regression's neighbour indexes, output
    bytes_pp = n * (bands * (dtype.itemsize + 4 * 5) + 20) + bands * dtype.itemsize
    steps = plan_windows(grid.height, grid.width, bytes_pp, memory_mb, overlap=overlap)
    reporter.info(f"Gap filling: {'radial-basis ensemble, sigma ' + ', '.join(f'{s:g}' for s in sigmas) + ' days' if method == 'rbf' else 'linear in time'}; "
                  f"screening of missed clouds {'on' if screen else 'off'}; regression of each date on its "
                  f"neighbours {'on' if regression else 'off'}; pixels never clear: "
                  f"{'locally least cloudy date' if never_clear == 'local' else 'nodata'}; {len(steps)} window(s) "
                  f"(memory budget {memory_mb:g} MB).")
    processed = sum(st.read.height * st.read.width for st in steps) / max(grid.height * grid.width, 1)
    if processed > 2.0:
        reporter.info(f"The windows overlap by {overlap} px on each side (what a pixel's result depends on), "
                      f"so {processed:.1f} times the region's pixels are read and filled; a larger memory "
                      f"budget (MEMORY_MB) makes larger windows and a faster run.")
    readers = series.observation_readers()
    span = ProgressSpan(reporter, 0.0, 100.0, len(steps) * n * 2)
    descriptions = output_descriptions(series)
    pending = [os.path.join(os.path.dirname(p), f".{os.path.basename(p)}.s2cf-pending.tif") for p in outputs]
    counts = {"filled": np.zeros(n, dtype=np.int64), "never_clear": 0, "screened": 0, "valid_somewhere": 0}
    estimates = []  # per window: (sq_by_date, gaps_by_date) pooled after the run
    hidden_pixels = 0
    linear_sq, linear_n, own_sq = 0.0, 0, 0.0
    done = 0
    try:
        with contextlib.ExitStack() as stack, ReaderPool(threads) as pool:
            writers = []
            for t, item in enumerate(series.items):
                tags = {"S2CF_ALGORITHM": "gapfill", "S2CF_SOURCE": item.name, "S2CF_METHOD": method,
                        "S2CF_SIGMAS": ",".join(f"{s:g}" for s in sigmas), "S2CF_SCREENING": "on" if screen else "off",
                        "S2CF_REGRESSION": "on" if regression else "off", **series.offset_tags()}
                if item.date:
                    tags["ACQUISITION_DATE"] = item.date.isoformat()
                writers.append(stack.enter_context(_PendingWriter(pending[t], grid, bands, dtype, nodata,
                                                                  descriptions, tags)))
            for step in steps:
                win = step.read
                data = np.empty((n, bands, win.height, win.width), dtype=np.float32)
                clear = np.empty((n, win.height, win.width), dtype=bool)
                valid = np.empty_like(clear)
                for obs in iter_observations(readers, win, pool.pool, prefetch):
                    data[obs.index] = obs.data
                    clear[obs.index] = obs.clear
                    valid[obs.index] = obs.valid
                    done += 1
                    span.step(done)
                reporter.check_cancelled()
                data = np.where(valid[:, None], data, np.nan)
                filled, info = gf.fill_series(data, clear, days, valid=valid, return_info=True,
                                              origin=(win.row_off, win.col_off), **options)
                inner = (slice(step.inner.row_off, step.inner.row_off + step.inner.height),
                         slice(step.inner.col_off, step.inner.col_off + step.inner.width))
                core_clear = clear[(slice(None),) + inner]
                core_valid = valid[(slice(None),) + inner]
                ever = core_valid.any(axis=0)
                counts["valid_somewhere"] += int(ever.sum())
                counts["never_clear"] += int((ever & ~core_clear.any(axis=0)).sum())
                counts["screened"] += int(info["screened"][(slice(None),) + inner].sum())
                gaps = gf.gap_days(info["trust"] > 0, day)[(slice(None),) + inner]
                to_fill = ~core_clear & ever[None]
                if estimate:
                    block = _estimate_block(step, win)
                    part = _held_out(data, clear, valid, days, options, block)
                    if part is not None:
                        estimates.append(part[0])
                        hidden_pixels += part[1]
                        linear_sq += part[2]
                        own_sq += part[3]
                        linear_n += part[1]
                for t in range(n):
                    values = filled[t][:, inner[0], inner[1]]
                    out = _to_output(values, dtype, nodata)
                    lost = ~ever | np.isnan(values).any(axis=0)
                    if lost.any():
                        out[:, lost] = nodata
                    writers[t].write(out, step.core)
                    f = to_fill[t] & ~lost
                    counts["filled"][t] += int(f.sum())
                    done += 1
                    span.step(done)
                    reporter.check_cancelled()
                if estimate:
                    _remember_gaps(gaps, to_fill, info["regressed"][(slice(None),) + inner], counts)
            model = _pooled_model(estimates, hidden_pixels) if estimate else None
            per_date, run_rmse = _expected_errors(model, counts, n)
            for t, w in enumerate(writers):
                if model is not None and model.usable:
                    w.tags["S2CF_ESTIMATED_RMSE"] = _fmt(per_date[t])
                    w.tags["S2CF_ESTIMATED_RMSE_RUN"] = _fmt(run_rmse)
                    w.tags["S2CF_HELD_OUT_PIXELS"] = hidden_pixels
                w.tags["S2CF_FILLED_PIXELS"] = int(counts["filled"][t])
        if counts["valid_somewhere"] == 0:
            raise InputError("Every S2 layer is nodata inside the region of interest "
                             f"({grid.describe()}): nothing was written.")
        for temp, final in zip(pending, outputs):
            os.replace(temp, final)
            for sidecar in (final + ".aux.xml", final + ".ovr"):
                if os.path.exists(sidecar):
                    os.remove(sidecar)
        pending = []
    finally:
        for temp in pending:
            for name in (temp, temp + ".aux.xml"):
                if os.path.exists(name):
                    os.remove(name)
        for reader in readers:
            reader.close()
    held_rmse = float(np.sqrt(own_sq / linear_n)) if linear_n else float("nan")
    held_linear = float(np.sqrt(linear_sq / linear_n)) if linear_n else float("nan")
    if estimate and model is not None and model.usable:
        reporter.info(f"Estimated RMSE of the filled pixels {run_rmse:.4f} (reflectance), from {hidden_pixels:,} "
                      f"held-out clear pixels; on those pixels the gap filler had RMSE {held_rmse:.4f} and plain "
                      f"temporal linear interpolation {held_linear:.4f}.")
    elif estimate:
        reporter.warning("The error could not be estimated: no clear pixel of a mostly clear date could be "
                         "held out (too few clear observations).")
    filled_total = int(counts["filled"].sum())
    reporter.info(f"Filled {filled_total:,} pixel-dates; {counts['screened']:,} clear observations left out as "
                  f"outliers; {counts['never_clear']:,} pixels clear on no date "
                  f"({'locally least cloudy date' if never_clear == 'local' else 'nodata'}).")
    reporter.info(f"Wrote {n} gap-filled images to {output_folder} in {clock.seconds:.1f} s.")
    by_input = sorted(range(n), key=lambda k: series.items[k].input_index)
    return {"outputs": [outputs[k] for k in by_input], "output_folder": output_folder,
            "estimated_rmse": run_rmse if model is not None and model.usable else float("nan"),
            "estimated_rmse_per_date": [per_date[k] for k in by_input],
            "held_out_pixels": hidden_pixels, "held_out_rmse": held_rmse, "held_out_rmse_linear": held_linear,
            "filled_pixels": filled_total, "never_clear_pixels": counts["never_clear"],
            "screened": counts["screened"], "seconds": clock.seconds, "dates": n}


def _fmt(value):
    return "nan" if value != value else f"{value:.5f}"


class _PendingWriter(GeoTiffWriter):
    """A GeoTIFF writer whose tags may still change until it is closed (they are written then)."""

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and self._dataset is not None:
            self._dataset.update_tags(**{k: str(v) for k, v in self.tags.items()})
        return super().__exit__(exc_type, exc, tb)


def _estimate_block(step, win):
    """The central block (at most ESTIMATE_SIDE px a side) of a window's core, in window coordinates."""
    h, w = step.inner.height, step.inner.width
    bh, bw = min(h, ESTIMATE_SIDE), min(w, ESTIMATE_SIDE)
    r0 = step.inner.row_off + (h - bh) // 2
    c0 = step.inner.col_off + (w - bw) // 2
    return Window(r0, c0, bh, bw)


def _held_out(data, clear, valid, days, options, block):
    """Held-out error pieces of one window block: (pieces of both regimes, pixels, sum of squared
    errors of linear interpolation, of the gap filler)."""
    rs, cs = window_slices(block)
    d, c, v = data[:, :, rs, cs], clear[:, rs, cs], valid[:, rs, cs]
    scale = options["scale"]
    opts = {k: val for k, val in options.items() if k != "scale"}

    def predict(stack, rest):
        return gf.fill_series(stack, rest, days, scale=scale, valid=v, **opts)

    result = gf.held_out_error(d, c, days, scale=scale, predict=predict, keep_pieces=True, valid=v, **opts)
    if not result["pixels"]:
        return None
    return (result["pieces"], result["pixels"], result["rmse_linear"] ** 2 * result["pixels"],
            result["rmse"] ** 2 * result["pixels"])


def _remember_gaps(gaps, to_fill, regressed, counts):
    """Keep histograms of the gaps of the filled pixels per date, weighted by how much of the date's
    regression reached them and by how much did not (enough for the run's estimate)."""
    bins = len(gf.GAP_BINS) - 1
    n = gaps.shape[0]
    if counts.get("gap_hist") is None:
        counts["gap_hist"] = np.zeros((n, bins))
        counts["gap_hist_whole"] = np.zeros((n, bins))
    idx = np.clip(np.searchsorted(np.asarray(gf.GAP_BINS), gaps, side="right") - 1, 0, bins - 1)
    for t in range(n):
        sel = to_fill[t]
        if sel.any():
            r = np.clip(regressed[t][sel].astype(np.float64), 0.0, 1.0)
            counts["gap_hist"][t] += np.bincount(idx[t][sel], weights=r, minlength=bins)[:bins]
            counts["gap_hist_whole"][t] += np.bincount(idx[t][sel], weights=1.0 - r, minlength=bins)[:bins]


def _pooled_model(estimates, pixels):
    pooled = {}
    for pieces in estimates:
        for key, value in pieces.items():
            pooled.setdefault(key, []).extend(value)
    if not pooled.get("sq_by_date"):
        return gf.ErrorModel(np.full(len(gf.GAP_BINS) - 1, np.nan), 0)
    whole = gf.bin_values(pooled.get("whole_sq_by_date", []), pooled.get("whole_gaps_by_date", []), gf.GAP_BINS)
    return gf.ErrorModel(gf.bin_values(pooled["sq_by_date"], pooled["gaps_by_date"], gf.GAP_BINS), pixels,
                         whole=whole)


def _expected_errors(model, counts, n):
    hist = counts.get("gap_hist")
    if model is None or not model.usable or hist is None:
        return [float("nan")] * n, float("nan")
    whole_hist = counts["gap_hist_whole"]
    whole = np.where(np.isfinite(model.whole), model.whole, model.values)
    sq = hist * model.values[None] + whole_hist * whole[None]
    weight = hist + whole_hist
    per = [float(np.sqrt(sq[t].sum() / weight[t].sum())) if weight[t].sum() else float("nan") for t in range(n)]
    run = float(np.sqrt(sq.sum() / weight.sum())) if weight.sum() else float("nan")
    return per, run
