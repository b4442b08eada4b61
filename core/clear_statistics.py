"""Per-date clear, valid and cloudy pixel counts over the region of interest."""

import numpy as np

from .errors import InputError
from .grid_reader import ReaderPool, iter_observations
from .reporting import ProgressSpan
from .windows import plan_windows


class DateStatistics:
    """Pixel counts of one date inside the region of interest."""

    def __init__(self, total):
        self.total = total
        self.valid = 0
        self.clear = 0

    @property
    def cloud_coverage(self):
        """Share of the region that is not a clear observation (cloud, shadow or nodata)."""
        return 1.0 - self.clear / self.total if self.total else 1.0

    @property
    def valid_cloud_fraction(self):
        """Share of the valid pixels that are cloudy."""
        return 1.0 - self.clear / self.valid if self.valid else 1.0


def bytes_per_pixel_for_reading(series, prefetch):
    """Working memory per pixel when ``prefetch + 1`` dates of a window are in memory."""
    per_date = series.band_count * series.dtype.itemsize + 3  # bands, mask, valid, clear
    return (prefetch + 1) * per_date * 2  # x2: temporaries of the validity tests


def clear_statistics(series, reporter, memory_mb, threads, span_start=0.0, span_end=100.0):
    """Count clear and valid pixels of every date; InputError when the whole series is nodata."""
    prefetch = max(threads, 1)
    steps = plan_windows(series.grid.height, series.grid.width,
                         bytes_per_pixel_for_reading(series, prefetch), memory_mb)
    stats = [DateStatistics(series.grid.pixels) for _ in series.items]
    readers = series.observation_readers()
    span = ProgressSpan(reporter, span_start, span_end, len(steps) * len(readers))
    done = 0
    try:
        with ReaderPool(threads) as pool:
            for step in steps:
                for obs in iter_observations(readers, step.core, pool.pool, prefetch):
                    stats[obs.index].valid += int(np.count_nonzero(obs.valid))
                    stats[obs.index].clear += int(np.count_nonzero(obs.clear))
                    done += 1
                    span.step(done)
    finally:
        for reader in readers:
            reader.close()
    if not any(s.valid for s in stats):
        raise InputError("Every S2 layer is nodata inside the region of interest "
                         f"({series.grid.describe()}).")
    return stats


def least_cloudy_position(series, stats):
    """Position (in ``series.items``) of the date with the smallest cloud coverage; ties go
    to the earliest date (or the first given when the series has no dates)."""
    best = None
    for k, s in enumerate(stats):
        if best is None or s.cloud_coverage < stats[best].cloud_coverage - 1e-12:
            best = k
    return best
