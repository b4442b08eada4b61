"""A synthetic but plausible Sentinel-2 L1C + Sentinel-1 time series, for demos, tests and
benchmarks.

:func:`generate_sample_series` writes, for every date of a regular series, the cloudy
Sentinel-2 L1C image, its true cloud/shadow mask, the cloud-free Sentinel-2 image of the same
date (the ground truth for evaluating cloud removal) and a Sentinel-1 VV/VH image. Everything is
deterministic for a given seed and set of parameters.

Scene (EPSG:32631, 10 m pixels, top-left corner x=500000, y=5630000, near 50.8 N / 3 E):

- agricultural parcels (a warped Voronoi partition) of winter cereal, maize, sugar beet, potato,
  grassland (with mowing), bare soil/fallow and deciduous forest. Each parcel mixes green
  vegetation, dry vegetation (senescent crop, straw, stubble) and soil following a seasonal
  phenology curve of its crop with per-parcel sowing/harvest jitter;
- a meandering river and a small lake (water), a village (roofs and gardens), a few straight
  roads (one through the village);
- top-of-atmosphere reflectance spectra over the 13 L1C bands (path radiance in the blue bands,
  water-vapour absorption in B09, B10 near 0.001-0.002 over the ground because it is an absorption
  band), per-pixel texture, per-date haze and sensor noise.

Clouds: each date gets a cloud cover drawn so that the series has clear dates (mask 0-5 %), partly
cloudy dates (about 10-60 %) and mostly cloudy dates (more than 70 %). Cloud shapes come from a
thresholded power-law (fractal) random field made with the numpy FFT; optical thickness rises
softly from the cloud edge (opacity at least 0.12, 1 in thick cores); thick clouds are bright and
flat in the visible and NIR, lower in SWIR, with B10 0.01-0.03 (low clouds) or 0.04-0.12 (high
clouds). Some cloudy dates also carry semi-transparent cirrus (B10 raised). Cloud shadows are the
cloud field displaced by the sun geometry (10:30 solar time at 50.8 N, cloud height per date,
displacement capped at a quarter of the scene) and darken the surface to 30-50 %. The true mask is
1 wherever a cloud, cirrus or shadow changed the image (cloud opacity or shadow strength above 0),
so ``s2 == truth`` exactly wherever ``mask == 0``.

Sentinel-1: VV/VH backscatter in dB from the same land cover and phenology (vegetation VV rises
from -12 to -8 dB with biomass, bare soil -14..-11 dB depending on roughness and moisture, water
near -22/-28 dB, urban near -5/-12 dB), with multiplicative gamma speckle (ENL 4.4) applied in the
linear domain. SAR ignores clouds. Each S1 image is acquired ``s1_offset_days`` (default 1) after
its S2 date, as happens with real acquisitions, and is named with its own date.

Files written to ``folder`` (all on the same 10 m grid): ``s2_YYYY-MM-DD.tif`` (uint16 DN =
reflectance x 10000, 13 bands B01..B12 with B8A and B10, band descriptions set, nodata 0),
``mask_YYYY-MM-DD.tif`` (uint8, 1 = cloud or shadow, 0 = clear, nodata 255),
``truth_YYYY-MM-DD.tif`` (as s2, without clouds), ``s1_YYYY-MM-DD.tif`` (float32 VV, VH dB, no
nodata), ``landcover.tif`` (uint8 class codes, see :data:`LANDCOVER_CLASSES`) and
``sample_series.json`` (dates, cloud fractions, parameters).

Memory: the static scene maps (about 40 bytes per pixel) plus one date's cloud fields; each date is
computed and written in blocks of rows, never as a whole cube. numpy is the only heavy dependency
used directly; rasterio is imported when writing.
"""

import datetime as _dt
import json
import math
import os
from dataclasses import dataclass, field

import numpy as np

from .bands import L1C_BANDS, S1_BANDS
from .dependencies import require
from .errors import InputError
from .grid import Grid
from .raster_writer import GeoTiffWriter
from .reporting import Reporter
from .windows import Window

#: Grid of the sample scene: EPSG:32631 (UTM 31N), 10 m pixels, top-left corner.
SAMPLE_EPSG = 32631
SAMPLE_ORIGIN = (500000.0, 5630000.0)
SAMPLE_PIXEL = 10.0
_LATITUDE = 50.8  # of the origin above; used for the sun geometry of cloud shadows

S2_NODATA = 0
MASK_NODATA = 255
MIN_DATES, MAX_DATES = 2, 60
MIN_SIZE = 32

#: Land-cover codes written to ``landcover.tif``.
LANDCOVER_CLASSES = {
    1: "winter cereal",
    2: "maize",
    3: "sugar beet",
    4: "potato",
    5: "grassland",
    6: "bare soil",
    7: "forest",
    8: "water",
    9: "urban",
    10: "road",
}
_CLASS_CODE = {name: code for code, name in LANDCOVER_CLASSES.items()}

_ROWS_PER_BLOCK = 256  # fixed: the random draws per block must not depend on memory settings

# ---------------------------------------------------------------------------------------------
# Spectra: top-of-atmosphere reflectance over the 13 L1C bands
#          B01    B02    B03    B04    B05    B06    B07    B08    B8A    B09    B10     B11    B12
_ENDMEMBERS = np.array([
    [0.122, 0.088, 0.086, 0.048, 0.098, 0.235, 0.305, 0.335, 0.355, 0.095, 0.0020, 0.175, 0.078],  # green vegetation
    [0.118, 0.085, 0.072, 0.042, 0.078, 0.180, 0.228, 0.258, 0.272, 0.072, 0.0015, 0.128, 0.055],  # forest canopy
    [0.138, 0.118, 0.128, 0.148, 0.188, 0.218, 0.238, 0.258, 0.272, 0.075, 0.0020, 0.325, 0.228],  # dry vegetation
    [0.132, 0.112, 0.122, 0.142, 0.168, 0.188, 0.204, 0.214, 0.226, 0.062, 0.0020, 0.285, 0.228],  # bright (dry) soil
    [0.122, 0.096, 0.092, 0.096, 0.110, 0.124, 0.134, 0.142, 0.152, 0.042, 0.0015, 0.195, 0.158],  # dark (moist) soil
    [0.118, 0.088, 0.068, 0.043, 0.034, 0.025, 0.022, 0.019, 0.017, 0.005, 0.0010, 0.009, 0.006],  # water
    [0.148, 0.136, 0.140, 0.150, 0.164, 0.174, 0.184, 0.193, 0.203, 0.058, 0.0020, 0.226, 0.196],  # urban roofs
    [0.150, 0.140, 0.148, 0.158, 0.166, 0.172, 0.178, 0.184, 0.190, 0.055, 0.0020, 0.212, 0.192],  # road surface
], dtype=np.float32)
_VEG, _FOREST, _DRY, _SOIL, _SOIL_DARK, _WATER, _URBAN, _ROAD = range(8)

#: Thick cloud (opacity 1), before the per-date brightness factor; B10 is set per date.
_CLOUD = np.array([0.50, 0.48, 0.47, 0.47, 0.48, 0.50, 0.51, 0.50, 0.51, 0.24, 0.0, 0.36, 0.24],
                  dtype=np.float32)
#: Cirrus (opacity 1); blended at opacities of 0.12-0.45 only.
_CIRRUS = np.array([0.36, 0.35, 0.34, 0.33, 0.33, 0.33, 0.33, 0.33, 0.33, 0.20, 0.11, 0.28, 0.20],
                   dtype=np.float32)
#: Extra path radiance of a hazy day (per unit of the date's haze level).
_HAZE = np.array([0.030, 0.025, 0.018, 0.012, 0.009, 0.007, 0.006, 0.005, 0.005, 0.002, 0.0, 0.002, 0.001],
                 dtype=np.float32)
#: Share of the surface signal left in full cloud shadow is k; blue keeps a bit more (skylight).
_SHADOW_BAND_BONUS = np.array([0.10, 0.08, 0.05, 0.02, 0.01, 0, 0, 0, 0, 0, 0, 0, 0], dtype=np.float32)
#: Sensor noise (reflectance units), per band.
_NOISE = np.array([0.0015, 0.0015, 0.0015, 0.0015, 0.0015, 0.0015, 0.0015, 0.0015, 0.0015,
                   0.0008, 0.0002, 0.0015, 0.0015], dtype=np.float32)
_B10 = L1C_BANDS.index("B10")

# Sentinel-1 backscatter (dB) of the land-cover components.
_S1_VEG_VV = {"winter cereal": -9.5, "maize": -7.8, "sugar beet": -8.2, "potato": -8.8,
              "grassland": -10.5, "bare soil": -10.5, "garden": -9.5}
_S1_SOIL_VV = -12.5   # +- parcel roughness, + moisture
_S1_FOREST = (-7.5, -13.0)
_S1_WATER = (-22.0, -28.0)
_S1_URBAN = (-5.0, -12.0)
_S1_ROAD = (-17.0, -24.0)
_S1_ENL = 4.4

# Crop phenology (day of year): green fraction before growth, green-up centre and width, peak
# green fraction, senescence centre and width, harvest, residue left, ploughing, autumn sowing.
_CROPS = {
    "winter cereal": dict(pre=0.35, up=95, wu=9, peak=0.95, down=172, wd=8, harvest=205, residue=0.5,
                          plough=235, autumn=(300, 0.25)),
    "maize": dict(pre=0.0, up=165, wu=10, peak=0.95, down=255, wd=8, harvest=280, residue=0.3,
                  plough=300, autumn=None),
    "sugar beet": dict(pre=0.0, up=140, wu=9, peak=0.95, down=330, wd=10, harvest=285, residue=0.1,
                       plough=300, autumn=None),
    "potato": dict(pre=0.0, up=152, wu=8, peak=0.9, down=215, wd=7, harvest=245, residue=0.1,
                   plough=260, autumn=None),
}
_PARCEL_TYPES = ("winter cereal", "maize", "sugar beet", "potato", "grassland", "bare soil", "forest")
_PARCEL_PROBS = (0.28, 0.20, 0.12, 0.08, 0.18, 0.06, 0.08)


@dataclass
class SampleSeries:
    """What :func:`generate_sample_series` wrote. Lists are in date order."""

    folder: str
    dates: list                      # datetime.date of each S2 image
    s2: list                         # cloudy S2 L1C paths
    masks: list                      # true cloud/shadow masks
    s1: list                         # S1 paths (one per S2 date)
    truth: list                      # cloud-free S2 paths (may be empty when truth=False)
    cloud_fractions: list            # true masked fraction (cloud or shadow) per date
    s1_dates: list = field(default_factory=list)
    cloud_cover: list = field(default_factory=list)   # cloud only (thick or cirrus), no shadow
    landcover: str = ""
    grid: object = None
    seed: int = 0

    def __len__(self):
        return len(self.dates)

    @property
    def clearest_index(self):
        """Index of the date with the smallest true cloud fraction (earliest on ties)."""
        return int(np.argmin(self.cloud_fractions))


def sample_grid(size):
    """The :class:`core.grid.Grid` of a ``size`` x ``size`` sample scene."""
    rasterio = require("rasterio")
    affine = require("affine")
    transform = affine.Affine(SAMPLE_PIXEL, 0.0, SAMPLE_ORIGIN[0], 0.0, -SAMPLE_PIXEL, SAMPLE_ORIGIN[1])
    return Grid(rasterio.crs.CRS.from_epsg(SAMPLE_EPSG), transform, size, size)


def generate_sample_series(folder, n_dates=24, size=256, seed=0, start="2021-03-01", cadence_days=5,
                           reporter=None, s1_offset_days=1, truth=True, s1=True, fast=False):
    """Write a synthetic S2 L1C (+ S1) time series with true cloud masks to ``folder``.

    ``n_dates`` images (2..60) of ``size`` x ``size`` pixels (at least 32), every
    ``cadence_days`` days from ``start`` (ISO date string or ``datetime.date``). ``seed`` makes
    everything reproducible. ``truth=False`` skips the cloud-free images and ``s1=False`` the
    Sentinel-1 images (benchmarks). ``fast=True`` leaves out the per-date sensor noise (the
    static per-pixel texture stays), which saves time on big scenes. ``s1_offset_days``: days
    between each S2 date and its S1 image (default 1, as with real acquisitions; 0 gives the
    same dates; negative puts S1 before S2).
    ``reporter`` (a :class:`core.reporting.Reporter`) gets progress and can cancel between blocks;
    on cancel, the files of finished dates stay and no partial file is left.

    Returns a :class:`SampleSeries`.
    """
    reporter = reporter or Reporter()
    n_dates, size, seed, cadence_days, s1_offset_days, start = _check_args(
        n_dates, size, seed, cadence_days, s1_offset_days, start)
    folder = os.path.abspath(folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Sample series: cannot create the folder {folder}: {exc}") from exc
    grid = sample_grid(size)

    dates = [start + _dt.timedelta(days=cadence_days * i) for i in range(n_dates)]
    s1_dates = [d + _dt.timedelta(days=s1_offset_days) for d in dates]
    scene = _Scene(size, seed)
    weather = _weather_schedule(n_dates, seed)
    _write_landcover(os.path.join(folder, "landcover.tif"), grid, scene, seed)

    result = SampleSeries(folder=folder, dates=dates, s2=[], masks=[], s1=[], truth=[],
                          cloud_fractions=[], s1_dates=s1_dates, cloud_cover=[],
                          landcover=os.path.join(folder, "landcover.tif"), grid=grid, seed=seed)
    blocks = [(r, min(_ROWS_PER_BLOCK, size - r)) for r in range(0, size, _ROWS_PER_BLOCK)]
    steps_per_date = len(blocks) * (2 if s1 else 1)
    total = n_dates * steps_per_date
    for i, date in enumerate(dates):
        reporter.check_cancelled()
        stamp = date.isoformat()
        tags = {"ACQUISITION_DATE": stamp, "SAMPLE_SEED": seed, "SAMPLE_GENERATOR": "s2cloudfree.core.sample",
                "PRODUCT_TYPE": "synthetic Sentinel-2 L1C"}
        rng = np.random.default_rng([seed, 3, i])
        sky = _Sky(size, rng, weather[i], date, scene)
        paths = {"s2": os.path.join(folder, f"s2_{stamp}.tif"),
                 "mask": os.path.join(folder, f"mask_{stamp}.tif"),
                 "truth": os.path.join(folder, f"truth_{stamp}.tif")}
        surface = _DateSurface(scene, date, rng)
        masked = 0
        cloudy = 0
        with _maybe(truth, lambda: GeoTiffWriter(paths["truth"], grid, 13, "uint16", S2_NODATA,
                                                 L1C_BANDS, dict(tags, PRODUCT_TYPE="synthetic cloud-free truth"))) as tw, \
                GeoTiffWriter(paths["s2"], grid, 13, "uint16", S2_NODATA, L1C_BANDS, tags) as sw, \
                GeoTiffWriter(paths["mask"], grid, 1, "uint8", MASK_NODATA, ["cloud mask"],
                              dict(tags, PRODUCT_TYPE="true cloud and shadow mask",
                                   VALUES="1 = cloud or cloud shadow, 0 = clear, 255 = nodata")) as mw:
            for b, (r0, h) in enumerate(blocks):
                reporter.check_cancelled()
                window = Window(r0, 0, h, size)
                clear = surface.reflectance(r0, h, noise=not fast)
                if tw is not None:
                    tw.write(_to_dn(clear), window)
                cloudy_block, mask, cloud_only = sky.apply(clear, r0, h)
                sw.write(_to_dn(cloudy_block), window)
                mw.write(mask, window)
                masked += int(mask.sum())
                cloudy += int(cloud_only.sum())
                done = i * steps_per_date + b + 1
                reporter.set_progress(100.0 * done / total)
        result.s2.append(paths["s2"])
        result.masks.append(paths["mask"])
        if truth:
            result.truth.append(paths["truth"])
        result.cloud_fractions.append(masked / float(size * size))
        result.cloud_cover.append(cloudy / float(size * size))
        if s1:
            s1_date = s1_dates[i]
            s1_path = os.path.join(folder, f"s1_{s1_date.isoformat()}.tif")
            s1_rng = np.random.default_rng([seed, 4, i])
            s1_surface = _DateSurface(scene, s1_date, s1_rng, wetness=surface.wetness)
            s1_tags = {"ACQUISITION_DATE": s1_date.isoformat(), "SAMPLE_SEED": seed,
                       "PRODUCT_TYPE": "synthetic Sentinel-1 GRD backscatter (dB)", "ENL": _S1_ENL}
            with GeoTiffWriter(s1_path, grid, 2, "float32", None, S1_BANDS, s1_tags) as w:
                for b, (r0, h) in enumerate(blocks):
                    reporter.check_cancelled()
                    w.write(s1_surface.backscatter(r0, h, s1_rng), Window(r0, 0, h, size))
                    reporter.set_progress(100.0 * (i * steps_per_date + len(blocks) + b + 1) / total)
            result.s1.append(s1_path)
    _write_summary(result, cadence_days, s1_offset_days, fast)
    reporter.set_progress(100.0)
    reporter.info(f"Sample series: {n_dates} dates of {size} x {size} px ({dates[0]} to {dates[-1]}), "
                  f"cloud fractions {min(result.cloud_fractions):.0%} to {max(result.cloud_fractions):.0%}, "
                  f"seed {seed}, written to {folder}")
    return result


def generate_large_series(folder, n_dates=30, size=2048, seed=0, reporter=None, **kwargs):
    """A benchmark-sized series: like :func:`generate_sample_series` with ``fast=True`` and no
    truth or S1 images unless asked for (``truth=True``, ``s1=True``)."""
    kwargs.setdefault("fast", True)
    kwargs.setdefault("truth", False)
    kwargs.setdefault("s1", False)
    return generate_sample_series(folder, n_dates=n_dates, size=size, seed=seed, reporter=reporter, **kwargs)


# ---------------------------------------------------------------------------------------------
# argument checks and small helpers

def _check_args(n_dates, size, seed, cadence_days, s1_offset_days, start):
    try:
        n_dates, size, seed = int(n_dates), int(size), int(seed)
        cadence_days, s1_offset_days = int(cadence_days), int(s1_offset_days)
    except (TypeError, ValueError) as exc:
        raise InputError(f"Sample series: n_dates, size, seed and day counts must be integers ({exc}).") from exc
    if not MIN_DATES <= n_dates <= MAX_DATES:
        raise InputError(f"Sample series: n_dates must be between {MIN_DATES} and {MAX_DATES} (got {n_dates}).")
    if size < MIN_SIZE:
        raise InputError(f"Sample series: size must be at least {MIN_SIZE} pixels (got {size}).")
    if seed < 0:
        raise InputError(f"Sample series: the seed must be 0 or positive (got {seed}).")
    if cadence_days < 1:
        raise InputError(f"Sample series: cadence_days must be at least 1 (got {cadence_days}).")
    if isinstance(start, _dt.datetime):
        start = start.date()
    if not isinstance(start, _dt.date):
        try:
            start = _dt.date.fromisoformat(str(start))
        except ValueError as exc:
            raise InputError(f"Sample series: start must be a date like 2021-03-01 (got {start!r}).") from exc
    return n_dates, size, seed, cadence_days, s1_offset_days, start


class _maybe:
    """Context manager that opens ``factory()`` when ``flag`` is true and yields None otherwise."""

    def __init__(self, flag, factory):
        self._cm = factory() if flag else None

    def __enter__(self):
        return self._cm.__enter__() if self._cm is not None else None

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc) if self._cm is not None else False


def _to_dn(reflectance):
    """Reflectance (bands, rows, cols) to uint16 DN; 0 is nodata, so valid pixels are at least 1."""
    dn = np.multiply(reflectance, 10000.0, dtype=np.float32)
    np.add(dn, 0.5, out=dn)
    np.clip(dn, 1.0, 65535.0, out=dn)
    return dn.astype(np.uint16)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60, 60)))


def smooth_field(rng, height, width, largest=64.0, smallest=1.0, beta=3.0):
    """A zero-mean, unit-variance float32 random field with a power-law spectrum (exponent
    ``beta``) between the scales ``largest`` and ``smallest`` (pixels), made with the numpy FFT.
    The field is periodic, so ``numpy.roll`` of it is a seamless field too."""
    ky = np.fft.fftfreq(height).astype(np.float32)[:, None]
    kx = np.fft.rfftfreq(width).astype(np.float32)[None, :]
    k2 = ky * ky + kx * kx
    k0 = 1.0 / max(float(largest), 1.0)
    amp = (k2 + k0 * k0) ** (-beta / 4.0)
    amp *= np.exp(-k2 * (math.pi * float(smallest)) ** 2 / 2.0)
    amp[0, 0] = 0.0
    shape = (height, width // 2 + 1)
    coeff = np.empty(shape, dtype=np.complex64)
    coeff.real = rng.standard_normal(shape, dtype=np.float32)
    coeff.imag = rng.standard_normal(shape, dtype=np.float32)
    coeff *= amp
    out = np.fft.irfft2(coeff, s=(height, width)).astype(np.float32)
    out -= out.mean()
    std = float(out.std())
    if std > 0:
        out /= std
    return out


# ---------------------------------------------------------------------------------------------
# the static scene

class _Scene:
    """Land cover, parcels and textures that do not change between dates."""

    def __init__(self, size, seed):
        rng = np.random.default_rng([seed, 1])
        self.size = n = size
        rows = np.arange(n, dtype=np.float32)[:, None]
        cols = np.arange(n, dtype=np.float32)[None, :]

        # parcels: Voronoi cells of jittered grid seeds, in warped coordinates (curvy borders)
        cell = float(np.clip(n / 10.0, 10.0, 40.0))
        warp = 0.22 * cell
        rw = rows + warp * smooth_field(rng, n, n, largest=2.5 * cell, smallest=cell / 4)
        cw = cols + warp * smooth_field(rng, n, n, largest=2.5 * cell, smallest=cell / 4)
        ny = int(math.ceil(n / cell)) + 2
        seeds_y = (np.arange(ny, dtype=np.float32)[:, None] - 1 + rng.uniform(0.15, 0.85, (ny, ny))) * cell
        seeds_x = (np.arange(ny, dtype=np.float32)[None, :] - 1 + rng.uniform(0.15, 0.85, (ny, ny))) * cell
        ci = np.clip(np.floor(rw / cell).astype(np.int32) + 1, 1, ny - 2)
        cj = np.clip(np.floor(cw / cell).astype(np.int32) + 1, 1, ny - 2)
        best = np.full((n, n), np.inf, dtype=np.float32)
        parcel = np.zeros((n, n), dtype=np.int32)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                ii, jj = ci + di, cj + dj
                d = (rw - seeds_y[ii, jj]) ** 2 + (cw - seeds_x[ii, jj]) ** 2
                closer = d < best
                best[closer] = d[closer]
                parcel[closer] = (ii * ny + jj)[closer]
        del rw, cw, ci, cj, best, d, closer
        n_parcels = ny * ny

        # parcel attributes; one extra pseudo-parcel for village gardens
        self.n_parcels = n_parcels + 1
        self.garden = n_parcels
        types = rng.choice(len(_PARCEL_TYPES), size=n_parcels, p=_PARCEL_PROBS)
        self.parcel_type = np.append(types, -1)  # -1: garden
        self.parcel_shift = np.append(np.clip(rng.normal(0, 6, n_parcels), -12, 12), 0).astype(np.float32)
        self.parcel_moist = np.append(rng.uniform(0.0, 0.6, n_parcels), 0.5).astype(np.float32)
        self.parcel_peak = np.append(rng.uniform(0.85, 1.0, n_parcels), 1.0).astype(np.float32)
        self.parcel_rough = np.append(rng.normal(0.0, 1.2, n_parcels), 0.0).astype(np.float32)
        self.parcel_mow = rng.uniform(-10, 10, (self.n_parcels, 3)).astype(np.float32)
        forest = np.append(types == _PARCEL_TYPES.index("forest"), False)
        self.parcel_moist[forest] = 1.0

        # field borders (tracks, hedges): a thin grassy strip
        border = np.zeros((n, n), dtype=bool)
        border[:-1, :] |= parcel[:-1, :] != parcel[1:, :]
        border[:, :-1] |= parcel[:, :-1] != parcel[:, 1:]

        # village: a blob, houses on a block pattern, gardens in between; a road leads through it
        vy, vx = rng.uniform(0.25, 0.75, 2) * n
        radius = float(np.clip(0.11 * n, 4.0, 70.0))
        dist = np.sqrt((rows - vy) ** 2 + (cols - vx) ** 2) / radius
        dist += 0.35 * smooth_field(rng, n, n, largest=radius, smallest=2)
        village = np.clip((1.0 - dist) * 4.0, 0.0, 1.0)
        house = 3  # pixels: 30 m blocks of houses
        coarse = rng.uniform(0.0, 1.0, (n // house + 1, n // house + 1)).astype(np.float32)
        blocks = np.repeat(np.repeat(coarse, house, 0), house, 1)[:n, :n]
        built = np.where(blocks > 0.35, 0.75 + 0.25 * blocks, 0.15 * blocks)
        self.urban = (village * built).astype(np.float32)
        in_village = village > 0.5
        parcel[in_village] = self.garden

        # water: a meandering river across the scene and a small lake
        along = rows if rng.uniform() < 0.5 else cols
        across = cols if along is rows else rows
        centre = rng.uniform(0.15, 0.85) * n
        if abs(centre - (vx if along is rows else vy)) < radius * 1.8:
            centre = (centre + 0.5 * n) % n
        phase = rng.uniform(0, 2 * math.pi, 2)
        meander = (0.06 * n * np.sin(2 * math.pi * along / (0.7 * n) + phase[0])
                   + 0.025 * n * np.sin(2 * math.pi * along / (0.23 * n) + phase[1]))
        width = float(np.clip(n / 60.0, 2.5, 8.0))
        water = np.clip(width / 2 + 0.5 - np.abs(across - centre - meander), 0.0, 1.0)
        lr = float(np.clip(0.05 * n, 3.0, 40.0))
        for _ in range(20):  # keep the lake out of the village
            ly, lx = rng.uniform(0.15, 0.85, 2) * n
            if math.hypot(ly - vy, lx - vx) > 1.6 * radius + 2.0 * lr:
                break
        lake = np.sqrt(((rows - ly) / 1.4) ** 2 + (cols - lx) ** 2) / lr
        lake += 0.25 * smooth_field(rng, n, n, largest=lr, smallest=1.5)
        water = np.maximum(water, np.clip((1.0 - lake) * lr, 0.0, 1.0))
        self.water = water.astype(np.float32)
        del lake, meander, dist

        # roads: straight lines, one through the village centre
        road = np.zeros((n, n), dtype=np.float32)
        half = 0.7  # pixels: roads about 15 m wide
        for k in range(3 + n // 512):
            y0, x0 = (vy, vx) if k == 0 else tuple(rng.uniform(0.1, 0.9, 2) * n)
            theta = rng.uniform(0, math.pi)
            dline = np.abs((cols - x0) * math.sin(theta) - (rows - y0) * math.cos(theta))
            road = np.maximum(road, np.clip(half + 0.5 - dline, 0.0, 1.0))
        self.road = road
        del dline

        # final shares of the fixed classes (roads over water over village over fields)
        self.water *= 1.0 - self.road
        self.urban *= (1.0 - self.road) * (1.0 - self.water)
        self.field_share = np.clip(1.0 - self.road - self.water - self.urban, 0.0, 1.0)
        self.parcel = parcel
        self.border = border & ~in_village

        # textures: within-field variation (smooth) and per-pixel variation (fine)
        self.tex_smooth = smooth_field(rng, n, n, largest=max(8.0, cell / 2), smallest=1.0)
        self.tex_fine = rng.standard_normal((n, n), dtype=np.float32)
        self.brightness = 1.0 + 0.02 * rng.standard_normal((n, n), dtype=np.float32)

        landcover = np.where(self.parcel_type[parcel] >= 0, self.parcel_type[parcel] + 1, _CLASS_CODE["urban"])
        landcover[village > 0.5] = _CLASS_CODE["urban"]
        landcover[self.water >= 0.5] = _CLASS_CODE["water"]
        landcover[self.road >= 0.5] = _CLASS_CODE["road"]
        self.landcover = landcover.astype(np.uint8)

    def parcel_state(self, date):
        """Green and dry vegetation fractions of every parcel at ``date``."""
        doy = date.timetuple().tm_yday
        t = doy - self.parcel_shift
        green = np.zeros(self.n_parcels, dtype=np.float32)
        dry = np.zeros(self.n_parcels, dtype=np.float32)
        for k, name in enumerate(_PARCEL_TYPES):
            sel = self.parcel_type == k
            if not sel.any():
                continue
            tt = t[sel]
            if name in _CROPS:
                p = _CROPS[name]
                peak = p["peak"] * self.parcel_peak[sel]
                harvested = _sigmoid((tt - p["harvest"]) / 2.0)
                g = (p["pre"] + (peak - p["pre"]) * _sigmoid((tt - p["up"]) / p["wu"]))
                g = g * (1 - _sigmoid((tt - p["down"]) / p["wd"])) * (1 - harvested)
                d = peak * _sigmoid((tt - p["down"]) / p["wd"]) * (1 - harvested)
                d = d + p["residue"] * harvested * (1 - _sigmoid((tt - p["plough"]) / 3.0))
                if p["autumn"]:
                    g = g + p["autumn"][1] * _sigmoid((tt - p["autumn"][0]) / 12.0)
            elif name == "grassland":
                g = (0.88 * self.parcel_peak[sel]) * (0.75 + 0.25 * _sigmoid((tt - 90) / 10.0))
                d = np.zeros_like(tt)
                for m, mow in enumerate((145.0, 200.0, 255.0)):
                    since = tt - (mow + self.parcel_mow[sel, m])
                    cut = np.where(since >= 0, np.exp(-np.maximum(since, 0) / 14.0), 0.0)
                    g = g - 0.5 * cut
                    d = d + 0.3 * np.where(since >= 0, np.exp(-np.maximum(since, 0) / 4.0), 0.0)
            elif name == "bare soil":
                g = 0.04 + 0.16 * _sigmoid((tt - 130) / 20.0)
                d = np.full_like(tt, 0.05)
            else:  # forest: leaves out late April, autumn colour in October
                g = 0.35 + 0.6 * _sigmoid((tt - 118) / 6.0) * (1 - _sigmoid((tt - 295) / 10.0))
                d = 0.5 * (1 - g)
            green[sel] = np.clip(g, 0, 1)
            dry[sel] = np.clip(d, 0, 1)
        green[self.garden] = 0.5 + 0.2 * _sigmoid((doy - 110) / 10.0)
        dry = np.minimum(dry, 1.0 - green)
        return green, dry


class _DateSurface:
    """Cloud-free reflectance and backscatter of the scene at one date."""

    def __init__(self, scene, date, rng, wetness=None):
        self.scene = scene
        self.green, self.dry = scene.parcel_state(date)
        self.forest = (scene.parcel_type == _PARCEL_TYPES.index("forest"))
        self.wetness = float(rng.uniform(-0.15, 0.25))          # recent rain darkens soils
        if wetness is not None:  # S1 one day after S2: the same soil moisture
            self.wetness = float(wetness)
        self.haze = float(rng.uniform(0.0, 0.5))
        self.vapour = float(rng.uniform(0.85, 1.15))            # water-vapour absorption of B09
        self.rng = rng
        spectra = _ENDMEMBERS.copy()
        spectra[:, 9] *= self.vapour
        self.spectra_t = np.ascontiguousarray(spectra.T)        # 13 x 8
        self.offset = (_HAZE * self.haze)[:, None]
        self.water_roughness = float(rng.uniform(-2.0, 3.0))     # wind on water, dB

    def _abundances(self, r0, h):
        s = self.scene
        rs = slice(r0, r0 + h)
        pid = s.parcel[rs]
        ts = s.tex_smooth[rs]
        g = self.green[pid] * (1.0 + 0.12 * ts) + 0.025 * s.tex_fine[rs]
        g = np.where(s.border[rs], np.maximum(g, 0.55), g)
        np.clip(g, 0.0, 1.0, out=g)
        d = np.clip(self.dry[pid] * (1.0 + 0.1 * ts), 0.0, None)
        d = np.minimum(d, 1.0 - g)
        soil = 1.0 - g - d
        moist = np.clip(s.parcel_moist[pid] + 0.15 * ts + self.wetness, 0.0, 1.0)
        fs = s.field_share[rs]
        forest = self.forest[pid]
        a = np.empty((8, h, s.size), dtype=np.float32)
        a[_VEG] = np.where(forest, 0.0, g) * fs
        a[_FOREST] = np.where(forest, g, 0.0) * fs
        a[_DRY] = d * fs
        a[_SOIL] = soil * (1.0 - moist) * fs
        a[_SOIL_DARK] = soil * moist * fs
        a[_WATER] = s.water[rs]
        a[_URBAN] = s.urban[rs]
        a[_ROAD] = s.road[rs]
        return a, g, d

    def reflectance(self, r0, h, noise=True):
        """Cloud-free TOA reflectance (13, h, size) float32 of rows r0..r0+h."""
        a, _, _ = self._abundances(r0, h)
        n = self.scene.size
        x = (self.spectra_t @ a.reshape(8, -1)).reshape(13, h, n)
        x *= self.scene.brightness[r0:r0 + h][None]
        x += self.offset[:, :, None]
        if noise:
            x += self.rng.standard_normal(x.shape, dtype=np.float32) * _NOISE[:, None, None]
        np.maximum(x, 0.0001, out=x)
        return x

    def backscatter(self, r0, h, rng):
        """VV, VH (dB) float32 (2, h, size) with speckle, for rows r0..r0+h."""
        s = self.scene
        a, g, d = self._abundances(r0, h)
        pid = s.parcel[r0:r0 + h]
        biomass = np.clip(g + 0.5 * d, 0.0, 1.0)
        veg_vv = np.array([_S1_VEG_VV.get(t, -9.5) for t in _PARCEL_TYPES] + [_S1_VEG_VV["garden"]],
                          dtype=np.float32)
        kinds = np.where(s.parcel_type >= 0, s.parcel_type, len(_PARCEL_TYPES))
        soil_vv = _S1_SOIL_VV + s.parcel_rough[pid] + 4.0 * self.wetness + 0.5 * s.tex_smooth[r0:r0 + h]
        soil_vv = np.clip(soil_vv, -14.5, -10.5)
        field_vv = soil_vv + (veg_vv[kinds][pid] - soil_vv) * biomass
        field_vh = field_vv - 7.5 + 1.5 * biomass
        forest = self.forest[pid]
        field_vv = np.where(forest, _S1_FOREST[0], field_vv)
        field_vh = np.where(forest, _S1_FOREST[1], field_vh)
        fs = s.field_share[r0:r0 + h]
        out = np.empty((2, h, s.size), dtype=np.float32)
        urban_boost = np.where(s.urban[r0:r0 + h] > 0.5, 3.0, 0.0) * (s.tex_fine[r0:r0 + h] > 1.0)
        for band, (fdb, water_db, urban_db, road_db) in enumerate((
                (field_vv, _S1_WATER[0] + self.water_roughness, _S1_URBAN[0], _S1_ROAD[0]),
                (field_vh, _S1_WATER[1] + 0.5 * self.water_roughness, _S1_URBAN[1], _S1_ROAD[1]))):
            lin = (fs * 10.0 ** (fdb / 10.0)
                   + a[_WATER] * 10.0 ** (water_db / 10.0)
                   + a[_URBAN] * 10.0 ** ((urban_db + urban_boost) / 10.0)
                   + a[_ROAD] * 10.0 ** (road_db / 10.0))
            speckle = rng.standard_gamma(_S1_ENL, size=lin.shape, dtype=np.float32) / _S1_ENL
            out[band] = 10.0 * np.log10(np.maximum(lin * speckle, 1e-6))
        return out


# ---------------------------------------------------------------------------------------------
# weather: cloud cover per date, cloud fields, shadows

def _weather_schedule(n_dates, seed):
    """Per date: ('clear' | 'partly' | 'mostly', target masked fraction), every kind present."""
    rng = np.random.default_rng([seed, 2])
    if n_dates == 2:
        kinds = ["clear", "mostly"]
    else:
        n_clear = max(1, int(round(0.25 * n_dates)))
        n_mostly = max(1, int(round(0.3 * n_dates)))
        kinds = ["clear"] * n_clear + ["mostly"] * n_mostly
        kinds += ["partly"] * (n_dates - len(kinds))
    kinds = [kinds[k] for k in rng.permutation(n_dates)]
    out = []
    for kind in kinds:
        if kind == "clear":
            target = 0.0 if rng.uniform() < 0.5 else float(rng.uniform(0.003, 0.04))
        elif kind == "partly":
            target = float(rng.uniform(0.12, 0.55))
        else:
            target = float(rng.uniform(0.75, 0.97))
        out.append((kind, target))
    return out


def _sun_shift(date, cloud_height_m, size):
    """Row/column displacement of a cloud's shadow (pixels) at 10:30 solar time."""
    doy = date.timetuple().tm_yday
    lat = math.radians(_LATITUDE)
    decl = math.radians(23.44) * math.sin(2 * math.pi * (284 + doy) / 365.0)
    hour = math.radians(-22.5)
    sin_el = math.sin(lat) * math.sin(decl) + math.cos(lat) * math.cos(decl) * math.cos(hour)
    elevation = math.asin(max(min(sin_el, 1.0), 0.05))
    azimuth = math.atan2(math.sin(hour), math.cos(hour) * math.sin(lat) - math.tan(decl) * math.cos(lat)) + math.pi
    length = cloud_height_m / math.tan(elevation) / SAMPLE_PIXEL
    length = min(length, size / 4.0)
    return int(round(length * math.cos(azimuth))), int(round(-length * math.sin(azimuth)))


class _Sky:
    """Clouds, cirrus and shadows of one date over the whole scene (2-D fields only)."""

    _MIN_OPACITY = 0.12

    def __init__(self, size, rng, weather, date, scene):
        kind, target = weather
        self.size = size
        self.alpha = None
        self.cirrus = None
        self.shadow = None
        self.kind = kind
        high = rng.uniform() < 0.3
        self.b10 = float(rng.uniform(0.04, 0.12) if high else rng.uniform(0.01, 0.03))
        self.gain = float(rng.uniform(0.85, 1.15))
        self.shadow_keep = float(rng.uniform(0.3, 0.5))
        height = float(rng.uniform(4000, 8000) if high else rng.uniform(800, 2500))
        if target <= 0:
            return
        if kind != "clear" and rng.uniform() < 0.35:
            c = smooth_field(rng, size, size, largest=float(np.clip(size, 48.0, 800.0)), smallest=2.0, beta=3.6)
            t = float(np.quantile(c, 1.0 - rng.uniform(0.25, 0.6) * target))
            ramp = np.clip((c - t) / 1.0, 0.0, 1.0)
            self.cirrus = np.where(c > t, self._MIN_OPACITY + 0.33 * ramp, 0.0).astype(np.float32)
            del c, ramp
        largest = float(np.clip(size / 2.0, 24.0, 500.0))
        f = smooth_field(rng, size, size, largest=largest, smallest=1.0, beta=3.2)
        shift = _sun_shift(date, height, size)
        # a pixel is masked when it is under a cloud (f > t), in its shadow (f shifted > t) or
        # under cirrus: choose t so that the masked fraction is the date's target
        union = np.maximum(f, np.roll(f, shift, axis=(0, 1)))
        if self.cirrus is not None:
            union[self.cirrus > 0] = np.inf
        t = float(np.quantile(union, 1.0 - target))
        if not np.isfinite(t):  # cirrus alone covers the target
            t = float(f.max()) + 1.0
        del union
        ramp = np.clip((f - t) / 1.3, 0.0, 1.0)
        self.alpha = np.where(f > t, self._MIN_OPACITY + (1 - self._MIN_OPACITY) * ramp ** 0.7, 0.0).astype(np.float32)
        self.tops = (0.85 + 0.15 * np.clip((f - t) / 1.5, 0.0, 1.0)).astype(np.float32)
        self.shadow = np.roll(self.alpha, shift, axis=(0, 1))

    def apply(self, clear, r0, h):
        """(cloudy reflectance, mask uint8, cloud-only bool) of rows r0..r0+h; ``clear`` is
        not modified."""
        rs = slice(r0, r0 + h)
        mask = np.zeros((h, self.size), dtype=bool)
        cloud = np.zeros((h, self.size), dtype=bool)
        if self.alpha is None and self.cirrus is None:
            return clear, mask.astype(np.uint8), cloud
        x = clear.copy()
        if self.shadow is not None:
            s = self.shadow[rs]
            if s.any():
                loss = (1.0 - self.shadow_keep - _SHADOW_BAND_BONUS)[:, None, None] * s[None]
                x *= 1.0 - loss
                mask |= s > 0
        if self.alpha is not None:
            a = self.alpha[rs]
            if a.any():
                spectrum = _CLOUD * self.gain
                spectrum[_B10] = self.b10
                top = self.tops[rs][None]
                cloud_refl = spectrum[:, None, None] * top
                cloud_refl[_B10] = self.b10 * (0.5 + 0.5 * a)
                x *= 1.0 - a[None]
                x += a[None] * cloud_refl
                cloud |= a > 0
        if self.cirrus is not None:
            c = self.cirrus[rs]
            if c.any():
                x *= 1.0 - c[None]
                x += c[None] * _CIRRUS[:, None, None]
                cloud |= c > 0
        mask |= cloud
        return x, mask.astype(np.uint8), cloud


# ---------------------------------------------------------------------------------------------
# extra outputs

def _write_landcover(path, grid, scene, seed):
    tags = {"SAMPLE_SEED": seed, "CLASSES": "; ".join(f"{k} = {v}" for k, v in LANDCOVER_CLASSES.items())}
    with GeoTiffWriter(path, grid, 1, "uint8", 0, ["land cover"], tags) as w:
        w.write(scene.landcover, Window(0, 0, grid.height, grid.width))


def _write_summary(result, cadence_days, s1_offset_days, fast):
    summary = {
        "generator": "s2cloudfree.core.sample.generate_sample_series",
        "seed": result.seed,
        "size": result.grid.width,
        "cadence_days": cadence_days,
        "s1_offset_days": s1_offset_days,
        "fast": bool(fast),
        "crs": f"EPSG:{SAMPLE_EPSG}",
        "landcover_classes": {str(k): v for k, v in LANDCOVER_CLASSES.items()},
        "dates": [
            {"date": d.isoformat(), "s2": os.path.basename(result.s2[i]),
             "mask": os.path.basename(result.masks[i]),
             "truth": os.path.basename(result.truth[i]) if result.truth else None,
             "s1": os.path.basename(result.s1[i]) if result.s1 else None,
             "s1_date": result.s1_dates[i].isoformat(),
             "cloud_fraction": round(result.cloud_fractions[i], 6),
             "cloud_cover": round(result.cloud_cover[i], 6)}
            for i, d in enumerate(result.dates)
        ],
    }
    tmp = os.path.join(result.folder, ".sample_series.json.partial")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)
    os.replace(tmp, os.path.join(result.folder, "sample_series.json"))
