"""GeoTIFF output written to a temporary file and renamed when complete."""

import os
import tempfile

from .dependencies import require
from .errors import InputError

_INT_PREDICTOR = 2
_FLOAT_PREDICTOR = 3
_BIGTIFF_LIMIT = 3.5 * 1024 ** 3  # bytes; classic TIFF ends at 4 GiB


def check_output_path(path, input_paths):
    """Raise InputError when ``path`` would overwrite one of the inputs or cannot be written."""
    if not path:
        raise InputError("No output file was given.")
    if os.path.isdir(path):
        raise InputError(f"The output {path} is a folder; give a file name.")
    target = os.path.realpath(path)
    for source in input_paths:
        if source and os.path.exists(source) and os.path.realpath(source) == target:
            raise InputError(f"The output {path} is one of the inputs; choose another file name "
                             "(inputs are never overwritten).")
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise InputError(f"Cannot create the output folder {folder}: {exc}") from exc
    if not os.access(folder, os.W_OK):
        raise InputError(f"The output folder {folder} is not writable.")


class GeoTiffWriter:
    """Writes a tiled, compressed GeoTIFF on a grid, window by window.

    Use as a context manager. Data goes to a hidden temporary file next to the
    destination; only when the ``with`` block ends without an exception is it
    renamed to ``path``. On any exception (cancel included) the temporary file is
    removed and ``path`` is left as it was.
    """

    def __init__(self, path, grid, count, dtype, nodata=None, descriptions=None, tags=None,
                 band_tags=None, block=256):
        self.path = os.path.abspath(path)
        self.grid = grid
        self.count = int(count)
        self.dtype = str(dtype)
        self.nodata = nodata
        self.descriptions = list(descriptions or [])
        self.tags = dict(tags or {})
        self.band_tags = band_tags or {}
        self.block = block
        self._dataset = None
        self._tmp = None

    def _profile(self):
        numpy = require("numpy")
        is_float = numpy.issubdtype(numpy.dtype(self.dtype), numpy.floating)
        size = self.grid.pixels * self.count * numpy.dtype(self.dtype).itemsize
        profile = {
            "driver": "GTiff",
            "width": self.grid.width,
            "height": self.grid.height,
            "count": self.count,
            "dtype": self.dtype,
            "crs": self.grid.crs,
            "transform": self.grid.transform,
            "compress": "deflate",
            "predictor": _FLOAT_PREDICTOR if is_float else _INT_PREDICTOR,
            "zlevel": 1,
            "interleave": "pixel" if self.count <= 4 else "band",
            "bigtiff": "yes" if size > _BIGTIFF_LIMIT else "if_safer",
            "num_threads": "all_cpus",
        }
        if self.grid.width >= self.block and self.grid.height >= self.block:
            profile.update(tiled=True, blockxsize=self.block, blockysize=self.block)
        if self.nodata is not None:
            profile["nodata"] = self.nodata
        return profile

    def __enter__(self):
        rasterio = require("rasterio")
        folder = os.path.dirname(self.path) or "."
        os.makedirs(folder, exist_ok=True)
        base = os.path.basename(self.path)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".partial.tif", dir=folder)
        os.close(fd)
        import warnings
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # no CRS is fine for pixel-coordinate inputs
                self._dataset = rasterio.open(self._tmp, "w", **self._profile())
            for i, text in enumerate(self.descriptions[: self.count], start=1):
                self._dataset.set_band_description(i, text)
            if self.tags:
                self._dataset.update_tags(**{k: str(v) for k, v in self.tags.items()})
            for band, tags in self.band_tags.items():
                self._dataset.update_tags(band, **{k: str(v) for k, v in tags.items()})
        except BaseException:
            # __exit__ does not run when __enter__ fails: clean up here
            if self._dataset is not None:
                try:
                    self._dataset.close()
                except Exception:
                    pass
                self._dataset = None
            self._discard()
            raise
        return self

    def write(self, array, window):
        """Write ``array`` (bands x rows x cols, or rows x cols for one band) at ``window``
        (a :class:`core.windows.Window` of the grid)."""
        from rasterio.windows import Window as RioWindow

        rio_window = RioWindow(window.col_off, window.row_off, window.width, window.height)
        if array.ndim == 2:
            array = array[None]
        self._dataset.write(array.astype(self.dtype, copy=False), window=rio_window)

    def __exit__(self, exc_type, exc, tb):
        dataset, self._dataset = self._dataset, None
        try:
            dataset.close()
        except Exception:
            if exc_type is None:
                self._discard()
                raise
        if exc_type is not None:
            self._discard()
            return False
        try:
            os.replace(self._tmp, self.path)
        except OSError as exc:
            self._discard()
            raise InputError(f"Cannot write the output {self.path}: {exc}") from exc
        self._tmp = None
        for sidecar in (self.path + ".aux.xml", self.path + ".ovr"):
            if os.path.exists(sidecar):
                os.remove(sidecar)  # stale statistics of an older file would mislead QGIS
        return False

    def _discard(self):
        for name in (self._tmp, (self._tmp or "") + ".aux.xml"):
            if name and os.path.exists(name):
                os.remove(name)
        self._tmp = None


