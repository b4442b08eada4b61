"""s2cloudless cloud masks, identical to the package's own, on scenes of any size.

What s2cloudless does (version 1.7.3, ``S2PixelCloudDetector(all_bands=True)``):

1. From the 13 Level-1C bands (reflectance = DN / 10000) it keeps ten, B01 B02 B04 B05 B08
   B8A B09 B10 B11 B12, and a LightGBM model gives each pixel a cloud probability
   (float32).
2. With ``average_over = r > 0`` the probability is averaged over a disk of radius ``r``
   (the pixels with ``dx² + dy² <= r²``, weights 1 / their count) by OpenCV's ``filter2D``
   with ``BORDER_REFLECT`` at the image border (``fedcba|abcdef``), in float32.
3. The mask is ``average > threshold`` (a float32 comparison).
4. With ``dilation_size = d > 0`` the mask is dilated by OpenCV with a disk of radius ``d``;
   beyond the image border nothing is set (OpenCV's default border for ``dilate``).

This module gives the same numbers with an exact, faster evaluator of the same model
(:mod:`core.tree_engine`) and the same OpenCV calls, window by window.

Windows and the overlap rule
----------------------------
The mask of a pixel depends on the probabilities within ``average_over + dilation_size``
pixels of it, so each window is read with an overlap of ``average_over + dilation_size``
pixels on every side; only its core is written. Where a window touches the scene's edge,
OpenCV's reflection happens at that edge exactly as for the whole scene; where it touches
another window, the wrongly reflected pixels lie in the overlap and are dropped. Windowed
results are therefore identical to processing the whole scene in one piece (the tests check
it with many small windows). With an extent, the scene is the cropped extent: the result is
that of s2cloudless run on the cropped raster.

Nodata
------
Pixels without an observation (every band equal to the declared nodata, any band NaN, or an
all-zero spectrum; see :func:`core.validity.valid_pixels`) are not classified: their
probability counts as 0 (clear) for the averaging and the dilation, and they are written as
255 in the mask and NaN in the probability. On a scene without nodata this changes nothing.

Coarser processing (``resolution`` 20, 60 or 160 m) — an approximation
-----------------------------------------------------------------------
The bands are averaged over blocks of ``f x f`` native pixels (``f`` = resolution / native
pixel size; blocks anchored at the scene's top-left corner, the mean over the block's valid
pixels), the classifier runs once per block, and the block probabilities are interpolated
bilinearly back to the native grid (block centres as sample points, edge values held). The
averaging, threshold and dilation then run at native resolution, with ``average_over`` and
``dilation_size`` in *native* pixels, so they mean the same at every resolution. This is
``f²`` times less classifier work but not s2cloudless's result; ``native`` is exact.
Windowed coarse processing equals whole-scene coarse processing (same blocks, same
interpolation).
"""

import math
import os
import re
from contextlib import ExitStack

import numpy as np

from .bands import L1C_BANDS, band_layout
from .dependencies import require
from .errors import InputError, MissingDependencyError
from .gdal_environment import bounded_gdal_cache
from .grid import Grid, bounds_in_crs
from .normalization import is_reflectance
from .raster_writer import GeoTiffWriter, check_output_path
from .reporting import ProgressSpan, Reporter, Stopwatch
from .validity import valid_pixels
from .windows import DEFAULT_MEMORY_MB, Window, plan_windows, window_slices

#: The ten bands the classifier uses, in its feature order.
MODEL_BANDS = ("B01", "B02", "B04", "B05", "B08", "B8A", "B09", "B10", "B11", "B12")
DEFAULT_THRESHOLD = 0.4
#: The values of SEN12MS-CR-TS (the package's own defaults are 1 and 1).
DEFAULT_AVERAGE_OVER = 4
DEFAULT_DILATION_SIZE = 2
MASK_CLEAR, MASK_CLOUD, MASK_NODATA = 0, 1, 255
QUANTIFICATION_VALUE = 10000.0
RESOLUTIONS = ("native", 20, 60, 160)
#: Native pixel size assumed when the raster's CRS does not give one in metres.
ASSUMED_NATIVE_M = 10.0
#: Float inputs whose sampled median exceeds this are DN (see core.normalization).
_DN_MEDIAN = 50.0
#: Working bytes per pixel of a window (10 bands read and as float32, bins, scores,
#: probability, averages, masks), for the memory budget.
_BYTES_PER_PIXEL = 160

_L2A_WORDS = re.compile(r"L2A|LEVEL-?2A|MSIL2A|S2MSI2A|BOA", re.IGNORECASE)


# --------------------------------------------------------------------------- pieces

def _cv2():
    try:
        return require("cv2")
    except MissingDependencyError as exc:
        raise MissingDependencyError(
            "The Python package 'cv2' (OpenCV) is needed for the cloud-mask post-processing but "
            "cannot be imported. Install it: python -m pip install 'opencv-python-headless==4.10.0.84' "
            "with the Python that runs QGIS") from exc


def disk(radius):
    """The uint8 disk s2cloudless uses: ``dx² + dy² <= radius²`` on a (2r+1)² grid."""
    radius = int(radius)
    offsets = np.arange(-radius, radius + 1)
    return (offsets[:, None] ** 2 + offsets[None, :] ** 2 <= radius * radius).astype(np.uint8)


def _radius(value, name):
    if value is None:
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a whole number of pixels >= 0, not {value!r}.") from None
    if number < 0 or not number.is_integer():
        raise InputError(f"{name} must be a whole number of pixels >= 0, not {value!r}.")
    return int(number)


def _threshold(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"The cloud probability threshold must be a number, not {value!r}.") from None
    if not 0.0 <= number <= 1.0:
        raise InputError(f"The cloud probability threshold must be between 0 and 1, not {value!r}.")
    return number


def overlap_for(average_over, dilation_size):
    """Pixels of context each window needs so that windowed masks equal whole-scene masks."""
    return _radius(average_over, "average_over") + _radius(dilation_size, "dilation_size")


def _to_features(bands_10, band_axis):
    """(10, rows, cols) view/copy of a 10-band image and its (rows, cols) shape."""
    array = np.asarray(bands_10)
    if array.ndim != 3:
        raise InputError(f"Expected a 3-D array of 10 bands (10 x rows x cols or rows x cols x 10), "
                         f"got shape {array.shape}.")
    if band_axis is None:
        first, last = array.shape[0] == 10, array.shape[-1] == 10
        if first and last:
            raise InputError("The array is 10 x rows x 10: say which axis holds the bands (band_axis=0 or -1).")
        if not (first or last):
            raise InputError(f"Expected 10 bands on the first or last axis, got shape {array.shape}.")
        band_axis = 0 if first else -1
    if band_axis in (-1, 2):
        array = np.moveaxis(array, -1, 0)
    elif band_axis != 0:
        raise InputError("band_axis must be 0 or -1.")
    if array.shape[0] != 10:
        raise InputError(f"Expected 10 bands on axis {band_axis}, got {array.shape[0]}.")
    if not np.issubdtype(array.dtype, np.floating):
        raise InputError("The classifier takes reflectance (floats, DN / 10000); divide digital numbers by 10000 first.")
    return array, array.shape[1:]


def cloud_probability(bands_10, engine="auto", device="cpu", threads=None, band_axis=None, valid=None,
                      check=None, progress=None):
    """Cloud probability (float32, rows x cols) of the s2cloudless classifier.

    ``bands_10``: reflectance of the ten classifier bands in :data:`MODEL_BANDS` order, as
    10 x rows x cols or rows x cols x 10 (float32 as s2cloudless is normally fed; float64 is
    evaluated in float64, as LightGBM would). Identical to
    ``S2PixelCloudDetector(all_bands=True).get_cloud_probability_maps`` on the same values.
    ``engine``: a name (see :class:`core.tree_engine.TreeEngine`) or a TreeEngine. ``valid``
    (rows x cols booleans): only those pixels are classified, the others get NaN. ``check()``
    is called between chunks of pixels (raise there to stop) and ``progress(fraction)`` after
    each chunk.
    """
    from .tree_engine import TreeEngine

    array, shape = _to_features(bands_10, band_axis)
    runner = engine if isinstance(engine, TreeEngine) else TreeEngine(engine, device=device, threads=threads)
    features = array.reshape(10, -1)
    valid = None if valid is None else np.asarray(valid, dtype=bool).reshape(-1)
    if valid is None or valid.all():
        return runner.predict_proba(features, check=check, progress=progress).reshape(shape)
    out = np.full(valid.shape, np.nan, dtype=np.float32)
    if valid.any():
        out[valid] = runner.predict_proba(features[:, valid], check=check, progress=progress)
    return out.reshape(shape)


def probability_to_mask(prob, threshold=DEFAULT_THRESHOLD, average_over=DEFAULT_AVERAGE_OVER,
                        dilation_size=DEFAULT_DILATION_SIZE):
    """s2cloudless's post-processing: disk average (reflected border), ``> threshold``,
    disk dilation. ``prob``: rows x cols (or images x rows x cols), made float32.
    Returns uint8 (1 = cloud). Identical to ``S2PixelCloudDetector.get_mask_from_prob``."""
    threshold = _threshold(threshold)
    average_over = _radius(average_over, "average_over")
    dilation_size = _radius(dilation_size, "dilation_size")
    prob = np.asarray(prob, dtype=np.float32)
    if prob.ndim == 3:
        return np.stack([probability_to_mask(p, threshold, average_over, dilation_size) for p in prob])
    if prob.ndim != 2:
        raise InputError(f"Expected a 2-D probability image, got shape {prob.shape}.")
    return _postprocess(_cv2(), np.ascontiguousarray(prob), threshold, average_over, dilation_size)


def _postprocess(cv2, prob, threshold, average_over, dilation_size):
    if average_over:
        kernel = disk(average_over) / float(disk(average_over).sum())  # float64, as s2cloudless
        average = cv2.filter2D(prob, -1, kernel, borderType=cv2.BORDER_REFLECT)
        mask = (average > np.float32(threshold)).astype(np.uint8)
    else:
        mask = (prob > np.float32(threshold)).astype(np.uint8)
    if dilation_size:
        mask = cv2.dilate(mask, disk(dilation_size))
    return mask


# --------------------------------------------------------------------------- input reading

class _Input:
    """How one raster is read: its classifier band indexes, scale, offset and nodata."""

    def __init__(self, dataset, path, reporter, input_scale, harmonize, clip=True):
        self.path = path
        self.clip = bool(clip)
        layout = band_layout(dataset.descriptions, dataset.count)
        self.layout = layout
        tags = {}
        try:
            tags.update({str(k).upper(): str(v) for k, v in dataset.tags().items()})
            tags.update({str(k).upper(): str(v) for k, v in dataset.tags(1).items() if str(k).upper() not in tags})
        except Exception:  # pragma: no cover - exotic drivers
            pass
        self.tags = tags
        looks_l2a = self._looks_l2a(layout, tags, path)
        missing = layout.missing(MODEL_BANDS) if layout.known else list(MODEL_BANDS)
        self.fill_b10 = False
        if missing == ["B10"] and looks_l2a:
            self.fill_b10 = True
            missing = []
        if missing:
            how = ("its band descriptions" if layout.source == "descriptions"
                   else f"the order assumed for {dataset.count} bands" if layout.known
                   else f"its {dataset.count} bands (no band descriptions naming B01..B12)")
            raise InputError(
                f"{path}: the cloud classifier needs the bands {', '.join(MODEL_BANDS)}; according to "
                f"{how} the raster lacks {', '.join(missing)}. Give a Level-1C raster with the 13 bands "
                f"in the order {' '.join(L1C_BANDS)}, or set band descriptions naming the bands.")
        if looks_l2a:
            reporter.warning(
                f"{os.path.basename(path)} looks like Level-2A (surface reflectance"
                + (", no B10" if self.fill_b10 else "") + "). s2cloudless is trained on Level-1C "
                "top-of-atmosphere reflectance: the probabilities are unreliable"
                + ("; B10 (cirrus) is taken as 0" if self.fill_b10 else "") + ". Use the L1C product if you can.")
        self.indexes = [layout.index_of(b) + 1 if b in layout.names else None for b in MODEL_BANDS]
        self.read_indexes = [i for i in self.indexes if i is not None]
        self.nodata = dataset.nodata
        self.dtype = np.dtype(dataset.dtypes[0])
        self.scale = self._scale(dataset, input_scale, reporter)
        self.offset_dn = self._offset(dataset, harmonize, reporter)

    @staticmethod
    def _looks_l2a(layout, tags, path):
        if layout.count == 12 and "B10" not in layout.names:  # the L2A band set
            return True
        for key in ("PROCESSING_LEVEL", "PRODUCT_TYPE", "PRODUCT_LEVEL", "LEVEL"):
            if key in tags and _L2A_WORDS.search(tags[key]):
                return True
        if "BOA_ADD_OFFSET" in tags or "BOA_QUANTIFICATION_VALUE" in tags:
            return True
        return bool(re.search(r"MSIL2A|MSI_L2A|_L2A_", os.path.basename(str(path)), re.IGNORECASE))

    def _scale(self, dataset, input_scale, reporter):
        choice = str(input_scale or "auto").lower()
        if choice not in ("auto", "dn", "reflectance"):
            raise InputError(f"input_scale must be 'auto', 'dn' or 'reflectance', not {input_scale!r}.")
        if choice != "auto":
            reporter.info(f"Input values taken as {'digital numbers (DN / 10000)' if choice == 'dn' else 'reflectance'}, as asked.")
            return choice
        if not np.issubdtype(self.dtype, np.floating):
            reporter.info(f"Input values are {self.dtype} digital numbers: reflectance = DN / 10000.")
            return "dn"
        step = max(1, int(math.ceil(max(dataset.height, dataset.width) / 512.0)))
        sample = dataset.read(self.read_indexes, out_shape=(len(self.read_indexes),
                                                           max(1, dataset.height // step),
                                                           max(1, dataset.width // step)))
        sample = sample.astype(np.float64)
        if self.nodata is not None and not (isinstance(self.nodata, float) and math.isnan(self.nodata)):
            sample[sample == self.nodata] = np.nan
        if is_reflectance(np.float32, sample):
            reporter.info("Input values are floats around 0..1: taken as reflectance.")
            return "reflectance"
        reporter.info("Input values are floats in the thousands: taken as digital numbers (DN / 10000).")
        return "dn"

    def _offset(self, dataset, harmonize, reporter):
        """DN removed before classification (the processing-baseline offset; shared rule of
        core.baseline_offset, the sign as the metadata gives it)."""
        from .baseline_offset import layer_offset
        from .raster_info import describe_raster

        offset = layer_offset(describe_raster(self.path, "S2 layer"), harmonize, self.read_indexes)
        removed = offset.removed_dn
        reporter.info(f"Processing baseline offset: {f'{removed:g} DN removed before classification' if removed else 'none removed'} "
                      f"({offset.reason}).")
        return removed

    def reflectance(self, raw):
        """float32 reflectance (10 x rows x cols) and validity of a block read from the file."""
        if self.fill_b10:
            full = np.zeros((10,) + raw.shape[1:], dtype=raw.dtype)
            position = 0
            for k, index in enumerate(self.indexes):
                if index is not None:
                    full[k] = raw[position]
                    position += 1
            valid = valid_pixels(raw, self.nodata)
            raw = full
        else:
            valid = valid_pixels(raw, self.nodata)
        values = raw.astype(np.float32)  # DN up to 2**24 are exact in float32
        if self.scale == "dn":
            if self.offset_dn:
                values -= np.float32(self.offset_dn)
                np.maximum(values, np.float32(0), out=values)
            values /= np.float32(QUANTIFICATION_VALUE)
        elif self.offset_dn:
            values -= np.float32(self.offset_dn / QUANTIFICATION_VALUE)
            np.maximum(values, np.float32(0), out=values)
        if self.clip:
            # as SEN12MS-CR-TS prepares its inputs: reflectance above 1 (DN 10000) is clipped
            np.minimum(values, np.float32(1.0), out=values)
        return values, valid


# --------------------------------------------------------------------------- resolution

def _resolution_factor(resolution, grid, reporter):
    if resolution is None or str(resolution).lower() in ("native", "0", ""):
        return 1, None
    try:
        target = float(resolution)
    except (TypeError, ValueError):
        raise InputError(f"resolution must be 'native', 20, 60 or 160 (metres), not {resolution!r}.") from None
    if target <= 0:
        raise InputError(f"resolution must be 'native' or a positive number of metres, not {resolution!r}.")
    native = None
    crs = grid.crs
    if crs is not None and crs.is_projected:
        try:
            units = (crs.linear_units or "").lower()
        except Exception:  # pragma: no cover
            units = ""
        if units in ("metre", "meter", "m", "metres", "meters"):
            native = max(grid.res)
    if native is None:
        native = ASSUMED_NATIVE_M
        reporter.info(f"The raster's pixel size is not in metres ({grid.crs_name()}): native pixels are taken "
                      f"as {ASSUMED_NATIVE_M:g} m for the processing resolution.")
    factor = int(round(target / native))
    if factor <= 1:
        reporter.info(f"Processing resolution {target:g} m is not coarser than the native {native:g} m: "
                      "processing at native resolution (exact).")
        return 1, native
    return factor, native


def _block_means(values, valid, factor):
    """Means over factor x factor blocks (of valid pixels) of a (bands, rows, cols) array whose
    rows/cols start on block boundaries; partial blocks at the end average what they have."""
    bands, rows, cols = values.shape
    rb, cb = -(-rows // factor), -(-cols // factor)
    padded = np.zeros((bands, rb * factor, cb * factor), dtype=np.float64)
    weight = np.zeros((rb * factor, cb * factor), dtype=np.float64)
    padded[:, :rows, :cols] = np.where(valid, values, 0)
    weight[:rows, :cols] = valid
    sums = padded.reshape(bands, rb, factor, cb, factor).sum(axis=(2, 4))
    counts = weight.reshape(rb, factor, cb, factor).sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (sums / np.where(counts > 0, counts, 1)).astype(np.float32)
    return means, counts > 0


def _interp_axis(positions, factor, n_coarse, first_coarse):
    """Bilinear sample indexes (relative to ``first_coarse``) and weights for native
    positions (global pixel indexes) from coarse pixels centred at (i + 0.5) * factor."""
    u = (positions + 0.5) / factor - 0.5
    i0 = np.floor(u)
    w = u - i0
    i0 = i0.astype(np.int64)
    i1 = i0 + 1
    w = np.where(i0 < 0, 0.0, w)
    w = np.where(i1 > n_coarse - 1, 0.0, w)
    i0 = np.clip(i0, 0, n_coarse - 1) - first_coarse
    i1 = np.clip(i1, 0, n_coarse - 1) - first_coarse
    return i0, i1, w


def _bilinear(coarse, rows, cols, factor, n_rows_c, n_cols_c, row_c0, col_c0):
    r0, r1, wr = _interp_axis(rows, factor, n_rows_c, row_c0)
    c0, c1, wc = _interp_axis(cols, factor, n_cols_c, col_c0)
    coarse = coarse.astype(np.float64)
    top = coarse[r0][:, c0] * (1.0 - wc) + coarse[r0][:, c1] * wc
    bottom = coarse[r1][:, c0] * (1.0 - wc) + coarse[r1][:, c1] * wc
    return (top * (1.0 - wr)[:, None] + bottom * wr[:, None]).astype(np.float32)


# --------------------------------------------------------------------------- the scene

def _open(path):
    rasterio = require("rasterio")
    import warnings

    if not path or not os.path.exists(str(path)):
        raise InputError(f"The input raster {path} does not exist.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return rasterio.open(str(path))
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"{path} cannot be read as a raster: {exc}") from exc


@bounded_gdal_cache
def compute_cloud_mask(path, mask_path, probability_path=None, threshold=DEFAULT_THRESHOLD,
                       average_over=DEFAULT_AVERAGE_OVER, dilation_size=DEFAULT_DILATION_SIZE,
                       extent_bounds=None, extent_crs=None, input_scale="auto", harmonize="auto",
                       resolution="native", memory_mb=DEFAULT_MEMORY_MB, reporter=None, engine="auto",
                       device="cpu", threads=None, clip_reflectance=True):
    """Cloud mask (and optionally probability) of a Sentinel-2 L1C raster, window by window.

    Writes ``mask_path`` (uint8 GeoTIFF: 1 = cloud, 0 = clear, 255 = nodata) and, when given,
    ``probability_path`` (float32, NaN at nodata). At native resolution the result is identical
    to ``S2PixelCloudDetector(threshold, all_bands=True, average_over, dilation_size)`` run on
    the whole raster (cropped to ``extent_bounds``) divided by 10000 and, with
    ``clip_reflectance`` (the default, as SEN12MS-CR-TS prepares its inputs), clipped at 1; without
    it, to the package run on the unclipped values. See the module docstring for windows, nodata
    and the coarser ``resolution`` option.

    ``extent_bounds``: (left, bottom, right, top) in ``extent_crs`` (default: the raster's CRS).
    ``input_scale``: 'auto' (integers are DN; floats are reflectance unless their median is
    above 50), 'dn' or 'reflectance'. ``harmonize``: 'auto' (the rule of :mod:`core.baseline_offset`:
    RADIO_ADD_OFFSET/BOA_ADD_OFFSET or PROCESSING_BASELINE metadata, else the acquisition date and
    the values), 'on' (remove 1000 DN, or 0.1 from reflectance input, clipped at 0) or 'off'. ``engine``/``device``/``threads``: see :class:`core.tree_engine.TreeEngine`.

    Returns a dict: cloud_fraction (clouds / valid pixels; NaN when none is valid),
    valid_pixels, cloud_pixels, nodata_pixels, engine_used, engine_fallbacks, input_scale,
    harmonize_offset_dn, resolution_factor, windows, overlap, seconds, mask_path,
    probability_path.
    """
    from .tree_engine import TreeEngine

    reporter = reporter or Reporter()
    watch = Stopwatch()
    threshold = _threshold(threshold)
    average_over = _radius(average_over, "average_over")
    dilation_size = _radius(dilation_size, "dilation_size")
    check_output_path(mask_path, [path])
    if probability_path:
        check_output_path(probability_path, [path])
        if os.path.abspath(probability_path) == os.path.abspath(mask_path):
            raise InputError("The mask and the probability outputs must be different files.")
    cv2 = _cv2()
    require("rasterio")
    from rasterio.windows import Window as RioWindow

    with _open(path) as dataset:
        source = _Input(dataset, str(path), reporter, input_scale, harmonize, clip_reflectance)
        full_grid = Grid.of_dataset(dataset)
        grid = full_grid
        row0 = col0 = 0
        if extent_bounds is not None:
            bounds = bounds_in_crs(extent_bounds, extent_crs, full_grid.crs)
            grid = full_grid.crop(bounds)
            if grid is None:
                raise InputError(f"The extent {tuple(extent_bounds)} does not overlap {path}.")
            row0, col0 = grid.pixel_offset_in(full_grid)
        factor, native_m = _resolution_factor(resolution, grid, reporter)
        runner = TreeEngine(engine, device=device, threads=threads)
        for reason in runner.fallbacks:
            reporter.info(f"Cloud classifier: {reason}.")
        reporter.info(f"Cloud classifier engine: {runner.describe()}.")
        height, width = grid.shape
        overlap = average_over + dilation_size
        steps = plan_windows(height, width, _BYTES_PER_PIXEL * (1 if factor == 1 else 2), memory_mb, overlap)
        reporter.info(
            f"Cloud mask of {os.path.basename(str(path))}: {grid.describe()}; threshold {threshold:g}, "
            f"average_over {average_over}, dilation_size {dilation_size}; "
            + (f"processing at {factor}x{factor} native pixels (approximation)" if factor > 1 else "native resolution (exact)")
            + f"; {len(steps)} window{'s' if len(steps) != 1 else ''} with {overlap} px overlap.")
        n_rows_c, n_cols_c = -(-height // factor), -(-width // factor)

        def read(window):
            rio = RioWindow(col0 + window.col_off, row0 + window.row_off, window.width, window.height)
            return dataset.read(source.read_indexes, window=rio)

        tags = {"S2CLOUDFREE_ALGORITHM": "s2cloudless 1.7.3 classifier (all_bands=True)",
                "THRESHOLD": threshold, "AVERAGE_OVER": average_over, "DILATION_SIZE": dilation_size,
                "RESOLUTION": "native" if factor == 1 else f"{factor}x{factor} native pixels"}
        counts = {"valid": 0, "cloud": 0}
        progress = ProgressSpan(reporter, 0, 100, len(steps))
        with ExitStack() as stack:
            mask_out = stack.enter_context(GeoTiffWriter(
                mask_path, grid, 1, "uint8", nodata=MASK_NODATA,
                descriptions=["cloud mask (1 = cloud, 0 = clear, 255 = nodata)"], tags=tags))
            prob_out = None
            if probability_path:
                prob_out = stack.enter_context(GeoTiffWriter(
                    probability_path, grid, 1, "float32", nodata=float("nan"),
                    descriptions=["cloud probability"], tags=tags))
            for number, step in enumerate(steps):
                reporter.check_cancelled()
                region = step.read

                def within(fraction, number=number):
                    reporter.set_progress(100.0 * (number + 0.95 * fraction) / len(steps))

                hooks = {"check": reporter.check_cancelled, "progress": within}
                if factor == 1:
                    values, valid = source.reflectance(read(region))
                    prob = cloud_probability(values, engine=runner, band_axis=0, valid=valid, **hooks)
                else:
                    prob, valid = _coarse_window(source, read, region, factor, height, width,
                                                 n_rows_c, n_cols_c, runner, hooks)
                reporter.check_cancelled()
                work = np.where(valid, prob, np.float32(0)).astype(np.float32)
                mask = _postprocess(cv2, np.ascontiguousarray(work), threshold, average_over, dilation_size)
                inner = window_slices(step.inner)
                core_mask = mask[inner]
                core_valid = valid[inner]
                core_mask[~core_valid] = MASK_NODATA
                mask_out.write(core_mask, step.core)
                if prob_out is not None:
                    core_prob = np.where(core_valid, prob[inner], np.float32(np.nan)).astype(np.float32)
                    prob_out.write(core_prob, step.core)
                counts["valid"] += int(core_valid.sum())
                counts["cloud"] += int((core_mask == MASK_CLOUD).sum())
                progress.step(number + 1)
            reporter.check_cancelled()

    total = grid.pixels
    fraction = counts["cloud"] / counts["valid"] if counts["valid"] else float("nan")
    if not counts["valid"]:
        reporter.warning(f"{path} has no valid pixel in the processed area: the mask is all nodata.")
    reporter.info(f"Cloud fraction {fraction:.4f} of {counts['valid']} valid pixels "
                  f"({total - counts['valid']} nodata); {watch.seconds:.1f} s with {runner.describe()}.")
    return {
        "cloud_fraction": fraction,
        "valid_pixels": counts["valid"],
        "cloud_pixels": counts["cloud"],
        "nodata_pixels": total - counts["valid"],
        "engine_used": runner.used,
        "engine_fallbacks": list(runner.fallbacks),
        "input_scale": source.scale,
        "harmonize_offset_dn": source.offset_dn,
        "resolution_factor": factor,
        "native_pixel_m": native_m,
        "windows": len(steps),
        "overlap": overlap,
        "seconds": watch.seconds,
        "mask_path": os.path.abspath(mask_path),
        "probability_path": os.path.abspath(probability_path) if probability_path else None,
    }


def _coarse_window(source, read, region, factor, height, width, n_rows_c, n_cols_c, runner, hooks):
    """Probabilities (native pixels of ``region``) computed on factor x factor blocks and
    interpolated back, plus the native validity of ``region``."""
    # Coarse rows/cols that the bilinear samples of the region's pixels touch.
    rc0 = max(0, region.row_off // factor - 1)
    rc1 = min(n_rows_c, (region.row_off + region.height - 1) // factor + 2)
    cc0 = max(0, region.col_off // factor - 1)
    cc1 = min(n_cols_c, (region.col_off + region.width - 1) // factor + 2)
    big = Window(rc0 * factor, cc0 * factor,
                 min(height, rc1 * factor) - rc0 * factor, min(width, cc1 * factor) - cc0 * factor)
    values, valid_big = source.reflectance(read(big))
    means, valid_c = _block_means(values, valid_big, factor)
    prob_c = cloud_probability(means, engine=runner, band_axis=0, valid=valid_c, **hooks)
    prob_c = np.where(valid_c, prob_c, np.float32(0))
    rows = np.arange(region.row_off, region.row_off + region.height)
    cols = np.arange(region.col_off, region.col_off + region.width)
    prob = _bilinear(prob_c, rows, cols, factor, n_rows_c, n_cols_c, rc0, cc0)
    r_in = slice(region.row_off - big.row_off, region.row_off - big.row_off + region.height)
    c_in = slice(region.col_off - big.col_off, region.col_off - big.col_off + region.width)
    return prob, valid_big[r_in, c_in]
