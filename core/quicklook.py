"""Small PNG previews of (possibly large) rasters: true-colour Sentinel-2 images and cloud masks.

Reads are decimated (rasterio ``out_shape``; GDAL uses overviews when the file has them), so a
scene larger than ``max_side`` is never read into memory at full resolution. PNGs are 8-bit RGBA,
nodata transparent (RGB) or grey (masks), written to a temporary file and renamed when complete.
"""

import os
import tempfile
import warnings
from collections import namedtuple

import numpy as np

from .bands import band_layout
from .dependencies import require
from .errors import InputError

#: What a quicklook writer did: the PNG, its size and, for RGB, the (low, high) stretch used per
#: band in the units of the file (reuse it with ``stretch=`` to render several dates alike).
QuickLook = namedtuple("QuickLook", "path width height stretch")

DEFAULT_MAX_SIDE = 1024
DEFAULT_PERCENTILES = (2.0, 98.0)

_CLEAR_RGBA = (0, 0, 0, 0)
_CLOUD_RGBA = (255, 255, 255, 255)
_NODATA_RGBA = (128, 128, 128, 255)


def output_shape(height, width, max_side=DEFAULT_MAX_SIDE):
    """(rows, cols) of a preview of a ``height`` x ``width`` raster whose longer side is at
    most ``max_side`` (never enlarged)."""
    max_side = int(max_side)
    if max_side < 1:
        raise InputError(f"The quicklook size must be at least 1 pixel (got {max_side}).")
    longest = max(height, width)
    if longest <= max_side:
        return int(height), int(width)
    scale = max_side / float(longest)
    return max(1, min(max_side, int(round(height * scale)))), max(1, min(max_side, int(round(width * scale))))


def write_rgb_png(raster_path, png_path, bands=("B04", "B03", "B02"), max_side=DEFAULT_MAX_SIDE,
                  stretch="percentile", percentiles=DEFAULT_PERCENTILES, gamma=1.0):
    """Write an 8-bit RGBA PNG preview of three bands of ``raster_path``.

    ``bands``: three band names (found through the band descriptions; a 13-band file without
    descriptions is taken as L1C order, see :func:`core.bands.band_layout`) or 1-based band
    numbers. ``stretch``: ``"percentile"`` (per band, ``percentiles`` of the valid pixels of the
    preview, 2nd-98th by default), one ``(low, high)`` range for all bands, or three ranges, in
    the units of the file (DN for uint16 S2). Values are scaled linearly to 0..1, clipped, raised
    to ``1 / gamma`` and written as 0..255. Nodata pixels (any of the three bands) are transparent.
    Returns a :class:`QuickLook`.
    """
    rasterio = require("rasterio")
    from rasterio.enums import Resampling

    if len(tuple(bands)) != 3:
        raise InputError(f"An RGB quicklook needs exactly three bands (got {list(bands)}).")
    if not gamma or gamma <= 0:
        raise InputError(f"The quicklook gamma must be positive (got {gamma}).")
    with _open(rasterio, raster_path) as ds:
        indexes = _band_indexes(ds, raster_path, bands)
        shape = output_shape(ds.height, ds.width, max_side)
        decimated = shape != (ds.height, ds.width)
        data = ds.read(indexes, out_shape=(3,) + shape,
                       resampling=Resampling.average if decimated else Resampling.nearest)
        valid = ds.read_masks(indexes, out_shape=(3,) + shape, resampling=Resampling.nearest).min(axis=0) > 0
        nodata = ds.nodata
    data = data.astype(np.float64, copy=False)
    valid &= np.isfinite(data).all(axis=0)
    if nodata is not None and not np.isnan(nodata):
        valid &= (data != nodata).all(axis=0)

    ranges = _stretch_ranges(stretch, data, valid, percentiles)
    rgba = np.zeros((4,) + shape, dtype=np.uint8)
    for b in range(3):
        low, high = ranges[b]
        scaled = np.clip((data[b] - low) / (high - low), 0.0, 1.0)
        if gamma != 1.0:
            scaled **= 1.0 / gamma
        rgba[b] = np.where(valid, np.round(scaled * 255.0), 0).astype(np.uint8)
    rgba[3] = np.where(valid, 255, 0).astype(np.uint8)
    _write_png(rasterio, png_path, rgba)
    return QuickLook(os.path.abspath(png_path), shape[1], shape[0], tuple(ranges))


def write_mask_png(mask_path, png_path, max_side=DEFAULT_MAX_SIDE, band=1):
    """Write an RGBA PNG of a cloud mask: clear (0) transparent, cloud (any other value) white,
    nodata grey. Decimated with nearest-neighbour reads. Returns a :class:`QuickLook`."""
    rasterio = require("rasterio")
    from rasterio.enums import Resampling

    with _open(rasterio, mask_path) as ds:
        if not 1 <= int(band) <= ds.count:
            raise InputError(f"{mask_path} has {ds.count} band(s); band {band} does not exist.")
        shape = output_shape(ds.height, ds.width, max_side)
        values = ds.read(int(band), out_shape=shape, resampling=Resampling.nearest)
        valid = ds.read_masks(int(band), out_shape=shape, resampling=Resampling.nearest) > 0
        nodata = ds.nodata
    if nodata is not None and not np.isnan(nodata):
        valid &= values != nodata
    if np.issubdtype(values.dtype, np.floating):
        valid &= np.isfinite(values)
    cloud = valid & (values != 0)
    rgba = np.zeros((4,) + shape, dtype=np.uint8)
    for b in range(4):
        rgba[b] = np.where(~valid, _NODATA_RGBA[b], np.where(cloud, _CLOUD_RGBA[b], _CLEAR_RGBA[b]))
    _write_png(rasterio, png_path, rgba)
    return QuickLook(os.path.abspath(png_path), shape[1], shape[0], None)


# ---------------------------------------------------------------------------------------------

def _open(rasterio, path):
    if not path or not os.path.isfile(path):
        raise InputError(f"The raster {path} does not exist.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"Cannot open {path} as a raster: {exc}") from exc


def _band_indexes(ds, path, bands):
    """1-based indexes of ``bands`` (names or numbers) in dataset ``ds``."""
    layout = band_layout(ds.descriptions, ds.count)
    indexes = []
    missing = []
    for band in bands:
        if isinstance(band, (int, np.integer)) and not isinstance(band, bool):
            if not 1 <= int(band) <= ds.count:
                raise InputError(f"{path} has {ds.count} band(s); band number {band} does not exist.")
            indexes.append(int(band))
            continue
        index = layout.index_of(str(band).upper())
        if index is None:
            missing.append(str(band))
        else:
            indexes.append(index + 1)
    if missing:
        if layout.known:
            have = f"its bands are {', '.join(layout.names)} ({layout.source})"
        else:
            have = f"it has {ds.count} band(s) without Sentinel-2 band names in their descriptions"
        raise InputError(f"{path} lacks the band(s) {', '.join(missing)} needed for the quicklook: {have}. "
                         "Pass band numbers instead (bands=(3, 2, 1)).")
    return indexes


def _stretch_ranges(stretch, data, valid, percentiles):
    if isinstance(stretch, str):
        if stretch != "percentile":
            raise InputError(f"Unknown quicklook stretch {stretch!r}: use 'percentile' or (low, high).")
        low_p, high_p = percentiles
        ranges = []
        for b in range(3):
            values = data[b][valid]
            if values.size == 0:
                ranges.append((0.0, 1.0))
                continue
            low, high = np.percentile(values, [low_p, high_p])
            ranges.append(_proper(low, high))
        return ranges
    ranges = list(stretch)
    if len(ranges) == 2 and all(np.isscalar(v) for v in ranges):
        ranges = [tuple(ranges)] * 3
    if len(ranges) != 3 or any(len(tuple(r)) != 2 for r in ranges):
        raise InputError(f"A quicklook stretch is (low, high) or three such pairs (got {stretch!r}).")
    return [_proper(float(lo), float(hi)) for lo, hi in ranges]


def _proper(low, high):
    low, high = float(low), float(high)
    if not high > low:
        high = low + (abs(low) * 1e-3 or 1.0)
    return low, high


def _write_png(rasterio, png_path, rgba):
    folder = os.path.dirname(os.path.abspath(png_path)) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(png_path) + ".", suffix=".partial.png", dir=folder)
    os.close(fd)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a PNG is not georeferenced
            with rasterio.open(tmp, "w", driver="PNG", width=rgba.shape[2], height=rgba.shape[1],
                               count=4, dtype="uint8") as dst:
                dst.write(rgba)
        os.replace(tmp, png_path)
    finally:
        for name in (tmp, tmp + ".aux.xml"):
            if os.path.exists(name):
                os.remove(name)
    if os.path.exists(png_path + ".aux.xml"):
        os.remove(png_path + ".aux.xml")
