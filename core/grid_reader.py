"""Reading windows of any raster onto the reference grid."""

import threading
import warnings
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .dependencies import require
from .errors import InputError
from .validity import clear_from_mask, valid_pixels

NEAREST = "nearest"
BILINEAR = "bilinear"


class GridReader:
    """Reads windows of one raster as they fall on ``grid``.

    When the raster shares the grid's CRS, pixel size and alignment, windows are plain
    offset reads (areas outside the raster are filled with ``fill``). Otherwise the
    raster is warped on the fly onto the grid with ``resampling``. One reader must be
    used by one thread at a time.
    """

    def __init__(self, info, grid, resampling=BILINEAR, bands=None, fill=None):
        self.info = info
        self.grid = grid
        self.bands = list(bands) if bands is not None else list(range(1, info.count + 1))
        self.fill = fill if fill is not None else (info.nodata if info.nodata is not None else 0)
        self.offset = grid.pixel_offset_in(info.grid)
        self.resampling = resampling
        self._dataset = None
        self._vrt = None
        if self.offset is None and (grid.crs is None or info.grid.crs is None):
            raise InputError(
                f"The {info.label} is not on the grid of the first S2 layer and one of them has no "
                "CRS, so it cannot be resampled: give every layer a CRS or put them on one grid.")

    @property
    def resampled(self):
        return self.offset is None

    def _open(self):
        rasterio = require("rasterio")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._dataset = rasterio.open(self.info.path)
        if self.offset is None:
            from rasterio.enums import Resampling
            from rasterio.vrt import WarpedVRT

            nodata = self.info.nodata if self.info.nodata is not None else self.fill
            self._vrt = WarpedVRT(
                self._dataset, crs=self.grid.crs, transform=self.grid.transform,
                width=self.grid.width, height=self.grid.height,
                resampling=getattr(Resampling, self.resampling),
                src_nodata=self.info.nodata, nodata=nodata)

    def read(self, window):
        """bands x rows x cols array of ``window`` (a core.windows.Window of the grid).

        GDAL errors (a truncated or damaged file, a file that went away) become an
        InputError that names the layer."""
        rasterio = require("rasterio")
        from rasterio._err import CPLE_BaseError

        try:
            return self._read(window)
        except (rasterio.errors.RasterioError, rasterio.errors.RasterioIOError, CPLE_BaseError) as exc:
            raise InputError(f"The {self.info.label} cannot be read ({self.info.path}): {exc}") from exc

    def _read(self, window):
        from rasterio.windows import Window as RioWindow

        if self._dataset is None:
            self._open()
        dtype = np.dtype(self.info.dtype)
        if self._vrt is not None:
            rio = RioWindow(window.col_off, window.row_off, window.width, window.height)
            return self._vrt.read(self.bands, window=rio).astype(dtype, copy=False)
        row0 = window.row_off + self.offset[0]
        col0 = window.col_off + self.offset[1]
        src_h, src_w = self.info.grid.height, self.info.grid.width
        r0, c0 = max(row0, 0), max(col0, 0)
        r1 = min(row0 + window.height, src_h)
        c1 = min(col0 + window.width, src_w)
        if r0 == row0 and c0 == col0 and r1 - r0 == window.height and c1 - c0 == window.width:
            return self._dataset.read(self.bands, window=RioWindow(c0, r0, c1 - c0, r1 - r0))
        out = np.full((len(self.bands), window.height, window.width), self.fill, dtype=dtype)
        if r1 > r0 and c1 > c0:
            part = self._dataset.read(self.bands, window=RioWindow(c0, r0, c1 - c0, r1 - r0))
            out[:, r0 - row0:r1 - row0, c0 - col0:c1 - col0] = part
        return out

    def footprint(self, window):
        """rows x cols bool: which pixels of ``window`` fall on the raster (resampled rasters: where
        the warp has data)."""
        from rasterio.windows import Window as RioWindow

        if self._dataset is None:
            self._open()
        if self._vrt is not None:
            rio = RioWindow(window.col_off, window.row_off, window.width, window.height)
            return self._vrt.read_masks(1, window=rio) > 0
        row0 = window.row_off + self.offset[0]
        col0 = window.col_off + self.offset[1]
        rows = np.arange(row0, row0 + window.height)
        cols = np.arange(col0, col0 + window.width)
        inside_r = (rows >= 0) & (rows < self.info.grid.height)
        inside_c = (cols >= 0) & (cols < self.info.grid.width)
        return inside_r[:, None] & inside_c[None, :]

    def close(self):
        if self._vrt is not None:
            self._vrt.close()
            self._vrt = None
        if self._dataset is not None:
            self._dataset.close()
            self._dataset = None


class Observation:
    """One date of a series in one window: its bands and which pixels are clear."""

    __slots__ = ("index", "data", "valid", "clear")

    def __init__(self, index, data, valid, clear):
        self.index = index
        self.data = data
        self.valid = valid
        self.clear = clear


class ObservationReader:
    """Reads S2 windows with their masks (mask optional) and works out clear pixels; the processing
    baseline offset of the layer (``offset``) is removed from its valid pixels."""

    def __init__(self, index, s2_reader, mask_reader=None, offset=None):
        self.index = index
        self.s2 = s2_reader
        self.mask = mask_reader
        self.offset = offset  # core.baseline_offset.LayerOffset or None

    def read(self, window):
        data = self.s2.read(window)
        valid = valid_pixels(data, self.s2.info.nodata)
        if self.offset:
            from .baseline_offset import remove_offset

            data = remove_offset(data, valid, self.offset, self.s2.info.nodata)
        if self.mask is None:
            clear = valid
        else:
            mask = self.mask.read(window)[0]
            clear = clear_from_mask(mask, self.mask.info.nodata) & valid
        return Observation(self.index, data, valid, clear)

    def close(self):
        self.s2.close()
        if self.mask is not None:
            self.mask.close()


def iter_observations(readers, window, pool=None, prefetch=2):
    """Yield :class:`Observation` of every reader for ``window``, in reader order.

    With a thread pool, up to ``prefetch`` reads run ahead in the background (GDAL
    decodes outside the GIL), so at most ``prefetch + 1`` dates of one window are in
    memory at once.
    """
    if pool is None:
        for reader in readers:
            yield reader.read(window)
        return
    pending = deque()
    upcoming = iter(readers)
    for reader in upcoming:
        pending.append(pool.submit(reader.read, window))
        if len(pending) > prefetch:
            break
    while pending:
        observation = pending.popleft().result()
        nxt = next(upcoming, None)
        if nxt is not None:
            pending.append(pool.submit(nxt.read, window))
        yield observation


class ReaderPool:
    """A small thread pool for prefetching reads (None when one thread is asked for)."""

    def __init__(self, threads):
        self.threads = max(int(threads or 1), 1)
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="s2cf-read") if self.threads > 1 else None
        self.lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        return False
