"""GDAL settings for a run: a block cache bounded by the run's memory budget.

GDAL's default block cache is 5 % of the machine's memory, filled by every read and
counted in the process's memory: on a 24 GB machine that alone is 1.2 GB. Runs set it
from their memory budget instead; the previous value is restored afterwards.
"""

import contextlib
import functools
import inspect

from .dependencies import require
from .windows import DEFAULT_MEMORY_MB

_MIN_CACHE_MB = 16
_MAX_CACHE_MB = 256


def cache_bytes_for_budget(memory_mb):
    """A quarter of the budget, between 16 and 256 MB (reads are block-aligned, so a
    small cache costs little; resampled reads need a few source blocks at a time)."""
    cache_mb = min(max(float(memory_mb) / 4.0, _MIN_CACHE_MB), _MAX_CACHE_MB)
    return int(cache_mb * 1024 * 1024)


@contextlib.contextmanager
def raster_environment(memory_mb=DEFAULT_MEMORY_MB):
    """Context in which GDAL's block cache is bounded by ``memory_mb``."""
    rasterio = require("rasterio")
    with rasterio.Env(GDAL_CACHEMAX=cache_bytes_for_budget(memory_mb)):
        yield


def bounded_gdal_cache(function):
    """Decorator: run ``function`` inside :func:`raster_environment` with its own
    ``memory_mb`` argument."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        with raster_environment(bound.arguments.get("memory_mb", DEFAULT_MEMORY_MB)):
            return function(*args, **kwargs)

    return wrapper
