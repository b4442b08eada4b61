"""The mosaicing baseline: per pixel, the mean of the clear observations."""

import contextlib
import os

import numpy as np

from .clear_statistics import bytes_per_pixel_for_reading, clear_statistics, least_cloudy_position
from .dependencies import require
from .gdal_environment import bounded_gdal_cache
from .errors import InputError
from .grid_reader import ReaderPool, iter_observations
from .raster_writer import GeoTiffWriter, check_output_path
from .reporting import ProgressSpan, Reporter, Stopwatch
from .series_masks import series_masks, with_harmonize
from .time_series import open_time_series, output_descriptions
from .validity import valid_pixels
from .windows import DEFAULT_MEMORY_MB, plan_windows

#: What pixels without any clear observation get, in the order of the FALLBACK enum.
FALLBACKS = ("nodata", "constant", "least_cloudy")
#: The paper's constant for pixels never seen clear, as reflectance.
PAPER_CONSTANT_REFLECTANCE = 0.5
_DN_PER_REFLECTANCE = 10000.0


def _output_nodata(series):
    ref = series.reference
    if ref.nodata is not None:
        return ref.nodata
    return float("nan") if ref.is_float else 0


_SCALE_SAMPLES = 4  # per side: 16 small windows spread over a layer
_SCALE_SAMPLE_SIDE = 32


def _layer_sample(path, nodata):
    """Finite valid values of 16 small windows spread over a whole layer (cheap to read)."""
    import warnings

    rasterio = require("rasterio")
    from rasterio.windows import Window as RioWindow

    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(path) as ds:
            h, w = min(ds.height, _SCALE_SAMPLE_SIDE), min(ds.width, _SCALE_SAMPLE_SIDE)
            for r in np.linspace(0, ds.height - h, _SCALE_SAMPLES).astype(int):
                for c in np.linspace(0, ds.width - w, _SCALE_SAMPLES).astype(int):
                    data = ds.read(window=RioWindow(int(c), int(r), w, h))
                    part = data[:, valid_pixels(data, nodata)]
                    values.append(part[np.isfinite(part)])
    return np.concatenate(values)


def _constant_value(series):
    """The paper's 0.5 reflectance in the scale of the inputs (DN or reflectance).

    Float inputs may hold either scale: it is decided once per run from samples spread
    over whole layers (the first layer with valid samples), so that it does not depend on
    the windows the memory budget gives.
    """
    if not series.reference.is_float:
        return PAPER_CONSTANT_REFLECTANCE * _DN_PER_REFLECTANCE
    is_dn = False
    for item in sorted(series.items, key=lambda i: i.input_index):
        values = _layer_sample(item.path, item.nodata)
        if values.size:
            is_dn = float(np.median(values)) > 50.0
            break
    return PAPER_CONSTANT_REFLECTANCE * (_DN_PER_REFLECTANCE if is_dn else 1.0)


def _to_dtype(mean, dtype):
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(mean), info.min, info.max).astype(dtype)
    return mean.astype(dtype)


def mosaic(s2_paths, mask_paths, output_path, count_path=None, extent=None, extent_crs=None,
           fallback="nodata", memory_mb=DEFAULT_MEMORY_MB, threads=2, reporter=None,
           cloudmask_settings=None, device="cpu", harmonize="auto"):
    """Write the per-pixel mean of the clear observations of the series.

    ``fallback`` says what pixels that are clear on no date get: ``nodata``, ``constant``
    (the paper's 0.5 reflectance) or ``least_cloudy`` (the value of the least cloudy date).
    The mean is computed in floating point and written in the inputs' data type (integers
    rounded to nearest). ``count_path``, when given, receives the number of clear
    observations per pixel (uint16). Without ``mask_paths``, masks are computed with
    s2cloudless (``cloudmask_settings``, default 0.4 / 4 / 2) for the region of interest
    first. ``harmonize``: the processing-baseline offset rule (:mod:`core.baseline_offset`).
    Returns a dict of summary figures.
    """
    if fallback not in FALLBACKS:
        raise InputError(f"Unknown fallback {fallback!r}: use one of {', '.join(FALLBACKS)}.")
    reporter = reporter or Reporter()
    inputs = list(s2_paths or []) + list(mask_paths or [])
    check_output_path(output_path, inputs)
    if count_path:
        if os.path.realpath(count_path) == os.path.realpath(output_path):
            raise InputError("OUTPUT and OUTPUT_COUNT must be different files.")
        check_output_path(count_path, inputs)
    with series_masks(s2_paths, mask_paths, extent, extent_crs, with_harmonize(cloudmask_settings, harmonize),
                      reporter, memory_mb, device) as (masks, stage_reporter):
        return _mosaic_of_masked_series(s2_paths, masks, output_path, count_path, extent, extent_crs,
                                        fallback, memory_mb, threads, stage_reporter, harmonize)


@bounded_gdal_cache
def _mosaic_of_masked_series(s2_paths, mask_paths, output_path, count_path, extent, extent_crs,
                             fallback, memory_mb, threads, reporter, harmonize="auto"):
    clock = Stopwatch()
    series = open_time_series(s2_paths, mask_paths, extent, extent_crs, reporter, require_masks=True,
                              harmonize=harmonize)
    for line in series.describe():
        reporter.info(line)

    prefetch = max(threads, 1)
    bands, dtype = series.band_count, series.dtype
    bytes_pp = (bytes_per_pixel_for_reading(series, prefetch)
                + bands * 4 * 2  # float32 sums and mean
                + bands * dtype.itemsize * 2  # output and fallback date
                + 2 + 2)  # count and count output
    reporter.info(f"Memory budget: {memory_mb:g} MB ({bytes_pp} bytes per pixel), "
                  f"{threads} reading thread(s); fallback for pixels never clear: {fallback}.")

    best = None
    start = 0.0
    if fallback == "least_cloudy":
        stats = clear_statistics(series, reporter, memory_mb, threads, 0.0, 45.0)
        best = least_cloudy_position(series, stats)
        reporter.info(f"Fallback date (least cloudy): {series.items[best].name}.")
        start = 45.0

    steps = plan_windows(series.grid.height, series.grid.width, bytes_pp, memory_mb)
    readers = series.observation_readers()
    span = ProgressSpan(reporter, start, 100.0, len(steps) * len(readers))
    nodata = _output_nodata(series)
    tags = {"S2CF_ALGORITHM": "mosaic", "S2CF_FALLBACK": fallback, "S2CF_DATES": len(series.items),
            **series.offset_tags()}
    if series.dated:
        tags["S2CF_FIRST_DATE"] = series.items[0].date.isoformat()
        tags["S2CF_LAST_DATE"] = series.items[-1].date.isoformat()
    totals = {"pixels": series.grid.pixels, "never_clear": 0, "valid_somewhere": 0}
    constant = _constant_value(series) if fallback == "constant" else None
    done = 0
    try:
        with contextlib.ExitStack() as stack, ReaderPool(threads) as pool:
            writer = stack.enter_context(GeoTiffWriter(
                output_path, series.grid, bands, dtype, nodata, output_descriptions(series), tags))
            counter = None
            if count_path:
                counter = stack.enter_context(GeoTiffWriter(
                    count_path, series.grid, 1, "uint16", None, ["clear observations"],
                    {"S2CF_ALGORITHM": "mosaic clear-observation count"}))
            for step in steps:
                h, w = step.core.height, step.core.width
                sums = np.zeros((bands, h, w), dtype=np.float32)
                count = np.zeros((h, w), dtype=np.uint16)
                seen = np.zeros((h, w), dtype=bool)
                fallback_data = fallback_valid = None
                for obs in iter_observations(readers, step.core, pool.pool, prefetch):
                    np.add(sums, obs.data, out=sums, where=obs.clear)
                    count += obs.clear
                    seen |= obs.valid
                    if obs.index == best:
                        fallback_data, fallback_valid = obs.data, obs.valid
                    done += 1
                    span.step(done)
                has_clear = count > 0
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = sums / np.maximum(count, 1)
                out = _to_dtype(mean, dtype)
                never = ~has_clear
                if never.any():
                    out[:, never] = nodata
                    if fallback == "constant":
                        out[:, never] = _to_dtype(np.float32(constant), dtype)
                    elif fallback == "least_cloudy":
                        take = never & fallback_valid
                        out[:, take] = fallback_data[:, take]
                writer.write(out, step.core)
                if counter is not None:
                    counter.write(count, step.core)
                totals["never_clear"] += int(np.count_nonzero(never))
                totals["valid_somewhere"] += int(np.count_nonzero(seen))
            if totals["valid_somewhere"] == 0:
                raise InputError("Every S2 layer is nodata inside the region of interest "
                                 f"({series.grid.describe()}): nothing was written.")
    finally:
        for reader in readers:
            reader.close()
    share = totals["never_clear"] / max(totals["pixels"], 1)
    reporter.info(f"Pixels never clear: {totals['never_clear']} ({100 * share:.2f} %), filled with {fallback}.")
    reporter.info(f"Done in {clock.seconds:.2f} s.")
    return {"output": output_path, "count_output": count_path, "never_clear_fraction": share,
            "dates": len(series.items), "grid": series.grid}
