"""Sentinel-1 layers as the methods need them: which bands are VV and VH, in which unit, and their
windows in dB with missing values marked, for every algorithm that reads S1 (seq2seq, seq2point,
training, the benchmark).

**Bands.** Exports name their bands in many ways: ``VV``/``VH`` (Earth Engine, with an extra
``angle`` band), ``Sigma0_VH_db``/``Sigma0_VV_db`` (SNAP, often VH first), ``gamma0_vv``, ... A band
is VV or VH when its description holds that polarisation as a separate token (case-insensitive;
tokens are split at anything that is not a letter or a digit). Other bands are ignored. HH/HV
layers are refused (the methods are for VV + VH). When no description names the polarisations,
band 1 is taken as VV and band 2 as VH, and the log says so.

**Units.** The methods expect backscatter in dB (mostly between -30 and +5). A layer in linear power
(sigma0 or gamma0, about 0 to 1, no negative values) is converted with 10 log10 when it is read, and
the log says so; a layer whose values fit neither (amplitude, digital numbers) is refused with a
message that gives its value range. The unit is decided from a sample of the layer's valid values
(its overview or a decimated read), so a run does not read a whole scene for it.

**Missing values.** Declared nodata, NaN and the area outside the layer's footprint are NaN in the
windows :class:`S1Reader` returns; :func:`fill_missing` replaces them, per channel, by the mean of the
valid values of the window (so that a hole is neither the brightest nor the darkest backscatter).
"""

import re
import warnings

import numpy as np

from .errors import InputError

POLARISATIONS = ("VV", "VH")
#: A typical backscatter (dB) for a window with no valid S1 value at all.
NEUTRAL_DB = -12.5
#: Side of the decimated read that decides a layer's unit.
_SAMPLE_SIDE = 256


def band_tokens(description):
    """Upper-case tokens of a band description: ``'Sigma0_VH_db'`` -> ``['SIGMA0', 'VH', 'DB']``."""
    return [t for t in re.split(r"[^A-Z0-9]+", str(description or "").upper()) if t]


def identify_bands(info, reporter=None):
    """1-based (VV band, VH band) of an S1 layer (:class:`core.raster_info.RasterInfo`), with a warning
    in the log when they are assumed; InputError when the layer cannot be an S1 VV + VH layer."""
    found = {}
    for index, description in enumerate(info.descriptions or [], start=1):
        tokens = band_tokens(description)
        if "HH" in tokens or "HV" in tokens:
            raise InputError(f"The {info.label} ({info.path}) has an HH/HV band ('{description}'): the methods "
                             "need Sentinel-1 VV and VH. Give the VV + VH (IW dual-pol) product.")
        for pol in POLARISATIONS:
            if pol in tokens:
                found.setdefault(pol, []).append(index)
    named = {pol: bands for pol, bands in found.items() if bands}
    if named:
        for pol in POLARISATIONS:
            if len(named.get(pol, [])) > 1:
                listed = ", ".join(f"band {b} ('{info.descriptions[b - 1]}')" for b in named[pol])
                raise InputError(f"The {info.label} ({info.path}) has more than one {pol} band: {listed}. "
                                 "Keep one VV and one VH band in the layer.")
        missing = [pol for pol in POLARISATIONS if pol not in named]
        if missing:
            have = ", ".join(f"{pol} = band {named[pol][0]}" for pol in POLARISATIONS if pol in named)
            raise InputError(f"The {info.label} ({info.path}) names {have} but no {missing[0]} band: the methods "
                             "need both VV and VH in one layer (stack them, e.g. with Build Virtual Raster, "
                             "'Place each input file into a separate band').")
        bands = (named["VV"][0], named["VH"][0])
        if reporter is not None and (bands != (1, 2) or info.count > 2):
            extra = info.count - 2
            reporter.info(f"{info.label}: VV = band {bands[0]} ('{info.descriptions[bands[0] - 1]}'), VH = band "
                          f"{bands[1]} ('{info.descriptions[bands[1] - 1]}')"
                          + (f"; {extra} other band(s) ignored." if extra else "."))
        return bands
    if info.count < 2:
        raise InputError(f"The {info.label} ({info.path}) has {info.count} band: Sentinel-1 layers need VV and VH "
                         "in one layer (stack them, e.g. with Build Virtual Raster, 'Place each input file "
                         "into a separate band').")
    if reporter is not None:
        reporter.warning(f"{info.label}: no band description names VV or VH; band 1 is taken as VV and band 2 "
                         "as VH" + (f" ({info.count - 2} other band(s) ignored)" if info.count > 2 else "")
                         + ". Name the bands (VV, VH) if this is not their order.")
    return 1, 2


def sample_values(info, bands, side=_SAMPLE_SIDE):
    """Valid values of ``bands`` of the layer from a decimated read (at most ``side`` px a side):
    a 1-D float64 array without nodata and NaN."""
    from .dependencies import require

    rasterio = require("rasterio")
    h, w = info.grid.height, info.grid.width
    scale = max(1, int(np.ceil(max(h, w) / side)))
    shape = (len(bands), max(1, h // scale), max(1, w // scale))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(info.path) as ds:
            values = ds.read(list(bands), out_shape=shape).astype(np.float64)
    values = values[np.isfinite(values)]
    if info.nodata is not None and np.isfinite(info.nodata):
        values = values[values != info.nodata]
    return values


def detect_unit(info, bands):
    """'db' or 'linear' for an S1 layer from a sample of its values; InputError for anything else."""
    values = sample_values(info, bands)
    if values.size == 0:
        raise InputError(f"The {info.label} ({info.path}) has no valid value (all nodata): give an S1 layer "
                         "that covers the region.")
    negative = float(np.mean(values < 0))
    if negative >= 0.5:
        return "db"
    positive = values[values > 0]
    if negative == 0.0 and positive.size and float(np.median(positive)) < 1.0 \
            and float(np.percentile(positive, 99)) <= 10.0:
        return "linear"
    lo, med, hi = (float(np.percentile(values, q)) for q in (1, 50, 99))
    raise InputError(f"The {info.label} ({info.path}) does not hold Sentinel-1 backscatter in dB or in linear "
                     f"power: its values run from {lo:.4g} to {hi:.4g} (median {med:.4g}), while dB values "
                     "are mostly between -30 and +5 and linear power between 0 and about 1. Calibrate it "
                     "(sigma0) and convert it to dB, e.g. 10 * log10(value) in the Raster Calculator.")


class S1Layer:
    """An S1 layer with its VV/VH bands and unit."""

    def __init__(self, info, bands, unit):
        self.info = info
        self.bands = tuple(bands)
        self.unit = unit

    @property
    def label(self):
        return self.info.label


def open_s1_layer(info, reporter=None):
    """:class:`S1Layer` of a described raster: bands identified and unit detected, both logged."""
    bands = identify_bands(info, reporter)
    unit = detect_unit(info, bands)
    if unit == "linear" and reporter is not None:
        reporter.warning(f"{info.label}: its values are linear power (none negative, median below 1), not dB; "
                         "they are converted to dB (10 log10) as they are read.")
    return S1Layer(info, bands, unit)


class S1Reader:
    """Windows of an S1 layer on the reference grid: 2 x rows x cols float32 (VV, VH) in dB, NaN
    where the layer has no value (declared nodata, NaN, outside its footprint)."""

    def __init__(self, layer, grid):
        from .grid_reader import BILINEAR, GridReader

        self.layer = layer
        self.info = layer.info
        fill = float("nan") if np.issubdtype(np.dtype(layer.info.dtype), np.floating) else None
        self.reader = GridReader(layer.info, grid, BILINEAR, bands=layer.bands, fill=fill)

    def read(self, window):
        values = self.reader.read(window).astype(np.float32)
        inside = self.reader.footprint(window)
        nodata = self.info.nodata
        missing = ~np.isfinite(values) | ~inside[None]
        if nodata is not None and np.isfinite(nodata):
            missing |= values == np.float32(nodata)
        if self.layer.unit == "linear":
            with np.errstate(divide="ignore", invalid="ignore"):
                values = 10.0 * np.log10(np.maximum(values, np.float32(1e-6)))
        values[missing] = np.nan
        return values

    def close(self):
        self.reader.close()


def fill_missing(db):
    """``db`` (channels x rows x cols, NaN where missing) with every NaN replaced by the mean of the
    valid values of its channel in the window (``NEUTRAL_DB`` where a channel has none); returns
    (filled copy, share of missing pixels)."""
    db = np.array(db, dtype=np.float32, copy=True)
    bad = ~np.isfinite(db)
    if not bad.any():
        return db, 0.0
    for c in range(db.shape[0]):
        good = db[c][~bad[c]]
        db[c][bad[c]] = float(good.mean()) if good.size else NEUTRAL_DB
    return db, float(bad.any(axis=0).mean())
