"""Tests of the synthetic Sentinel-2/Sentinel-1 series (core.sample): real files, real rasterio."""

import datetime as dt
import json
import os

import numpy as np
import pytest
import rasterio

from s2cloudfree.core import sample
from s2cloudfree.core.bands import L1C_BANDS
from s2cloudfree.core.errors import CancelledError, InputError
from s2cloudfree.core.reporting import SilentReporter
from s2cloudfree.core.sample import LANDCOVER_CLASSES, generate_sample_series

CODE = {name: code for code, name in LANDCOVER_CLASSES.items()}
BAND = {name: i for i, name in enumerate(L1C_BANDS)}

N_DATES = 12
SIZE = 96
START = dt.date(2021, 4, 1)
CADENCE = 10


def read(path):
    with rasterio.open(path) as ds:
        return ds.read()


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    return generate_sample_series(str(folder), n_dates=N_DATES, size=SIZE, seed=7, start=START.isoformat(),
                                  cadence_days=CADENCE)


@pytest.fixture(scope="module")
def landcover(series):
    return read(series.landcover)[0]


def core_of(sel):
    """Pixels of ``sel`` whose four neighbours are in ``sel`` too (no mixed edge pixels)."""
    out = sel.copy()
    out[1:] &= sel[:-1]
    out[:-1] &= sel[1:]
    out[:, 1:] &= sel[:, :-1]
    out[:, :-1] &= sel[:, 1:]
    return out


def reflectance(path):
    return read(path).astype(np.float64) / 10000.0


# --- files, names, georeferencing -------------------------------------------------------------

def test_file_set_names_and_dates(series):
    dates = [START + dt.timedelta(days=CADENCE * i) for i in range(N_DATES)]
    assert series.dates == dates
    assert series.s1_dates == [d + dt.timedelta(days=1) for d in dates]
    expected = {"landcover.tif", "sample_series.json"}
    for d, d1 in zip(dates, series.s1_dates):
        expected |= {f"s2_{d}.tif", f"mask_{d}.tif", f"truth_{d}.tif", f"s1_{d1}.tif"}
    assert set(os.listdir(series.folder)) == expected  # no temporary or sidecar files left
    assert [os.path.basename(p) for p in series.s2] == [f"s2_{d}.tif" for d in dates]
    assert [os.path.basename(p) for p in series.masks] == [f"mask_{d}.tif" for d in dates]
    assert [os.path.basename(p) for p in series.truth] == [f"truth_{d}.tif" for d in dates]
    assert [os.path.basename(p) for p in series.s1] == [f"s1_{d}.tif" for d in series.s1_dates]
    summary = json.load(open(os.path.join(series.folder, "sample_series.json")))
    assert [e["date"] for e in summary["dates"]] == [d.isoformat() for d in dates]
    assert summary["seed"] == 7 and summary["size"] == SIZE


def test_georeferencing_bands_and_nodata(series):
    expected_transform = rasterio.Affine(10.0, 0.0, 500000.0, 0.0, -10.0, 5630000.0)
    for path in series.s2 + series.truth:
        with rasterio.open(path) as ds:
            assert ds.crs.to_epsg() == 32631
            assert ds.transform.almost_equals(expected_transform)
            assert (ds.width, ds.height, ds.count) == (SIZE, SIZE, 13)
            assert ds.dtypes == ("uint16",) * 13
            assert ds.descriptions == L1C_BANDS
            assert ds.nodata == 0
            assert ds.tags()["ACQUISITION_DATE"] in os.path.basename(path)
            assert ds.read().min() >= 1  # 0 is nodata: the sample has no nodata pixels
    for path in series.masks:
        with rasterio.open(path) as ds:
            assert ds.crs.to_epsg() == 32631 and ds.transform.almost_equals(expected_transform)
            assert ds.count == 1 and ds.dtypes == ("uint8",) and ds.nodata == 255
            assert set(np.unique(ds.read(1))) <= {0, 1}
    for path in series.s1:
        with rasterio.open(path) as ds:
            assert ds.crs.to_epsg() == 32631 and ds.transform.almost_equals(expected_transform)
            assert ds.count == 2 and ds.dtypes == ("float32", "float32")
            assert ds.descriptions == ("VV", "VH")
            assert np.isfinite(ds.read()).all()


def test_grid_object_matches_files(series):
    with rasterio.open(series.s2[0]) as ds:
        assert series.grid.crs == ds.crs
        assert series.grid.shape == (ds.height, ds.width)
        assert series.grid.transform == ds.transform


# --- determinism ------------------------------------------------------------------------------

def _all_arrays(s):
    return [read(p) for p in s.s2 + s.masks + s.truth + s.s1 + [s.landcover]]


def test_same_seed_identical_different_seed_different(tmp_path):
    kwargs = dict(n_dates=3, size=48, start="2021-05-01")
    a = generate_sample_series(str(tmp_path / "a"), seed=11, **kwargs)
    b = generate_sample_series(str(tmp_path / "b"), seed=11, **kwargs)
    c = generate_sample_series(str(tmp_path / "c"), seed=12, **kwargs)
    arrays_a, arrays_b, arrays_c = _all_arrays(a), _all_arrays(b), _all_arrays(c)
    for x, y in zip(arrays_a, arrays_b):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert a.cloud_fractions == b.cloud_fractions
    differing = [x.tobytes() != z.tobytes() for x, z in zip(arrays_a, arrays_c)]
    assert all(differing[:3]), "every S2 date must change with the seed"
    assert all(differing[-4:]), "S1 and land cover must change with the seed"


# --- clouds and masks -------------------------------------------------------------------------

def test_mask_is_exactly_where_clouds_changed_the_image(series):
    for s2_path, truth_path, mask_path in zip(series.s2, series.truth, series.masks):
        s2, truth, mask = read(s2_path), read(truth_path), read(mask_path)[0]
        changed = (s2 != truth).any(axis=0)
        clear = mask == 0
        assert not changed[clear].any(), f"{s2_path}: clear pixels differ from the truth"
        if (~clear).any():
            assert changed[~clear].mean() > 0.99, f"{s2_path}: masked pixels look like the truth"


def test_cloud_fractions_and_spread(series):
    fractions = []
    for path in series.masks:
        fractions.append(read(path)[0].mean())
    assert np.allclose(fractions, series.cloud_fractions)
    fractions = np.array(fractions)
    assert (fractions < 0.05).sum() >= 2, fractions        # clear dates
    assert ((fractions >= 0.1) & (fractions <= 0.6)).any(), fractions   # partly cloudy
    assert (fractions > 0.7).any(), fractions               # mostly cloudy
    assert series.clearest_index == int(np.argmin(fractions))
    assert all(0 <= c <= f + 1e-12 for c, f in zip(series.cloud_cover, series.cloud_fractions))


def test_every_kind_of_date_in_short_series():
    for n in (2, 3, 5, 30, 60):
        kinds = [k for k, _ in sample._weather_schedule(n, seed=5)]
        assert len(kinds) == n
        assert "clear" in kinds and "mostly" in kinds
        if n >= 3:
            assert "partly" in kinds


# --- spectra ----------------------------------------------------------------------------------

def _summer_index(series):
    return [i for i, d in enumerate(series.dates) if d.month in (6, 7)][-1]


def test_vegetation_ndvi_in_summer(series, landcover):
    june = [i for i, d in enumerate(series.dates) if d.month == 6][0]  # before the cereal harvest
    truth = reflectance(series.truth[june])
    ndvi = (truth[BAND["B08"]] - truth[BAND["B04"]]) / (truth[BAND["B08"]] + truth[BAND["B04"]])
    for name in ("grassland", "forest", "winter cereal"):
        sel = landcover == CODE[name]
        if sel.sum() < 20:
            continue
        assert np.median(ndvi[sel]) > 0.5, (name, np.median(ndvi[sel]))
    green = (landcover == CODE["grassland"]) | (landcover == CODE["forest"])
    assert green.sum() > 50
    assert np.median(ndvi[green]) > 0.5
    # red-edge rise of vegetation
    veg = truth[:, green]
    assert np.median(veg[BAND["B07"]]) > 2 * np.median(veg[BAND["B04"]])


def test_water_soil_urban_spectra(series, landcover):
    truth = reflectance(series.truth[0])
    water = truth[:, core_of(landcover == CODE["water"])]
    assert water.shape[1] > 10
    assert np.percentile(water[BAND["B08"]], 95) < 0.05
    assert np.median(water[BAND["B11"]]) < 0.03
    urban = truth[:, landcover == CODE["urban"]]
    visible = np.median(urban[[BAND["B02"], BAND["B03"], BAND["B04"]]], axis=1)
    assert np.ptp(visible) < 0.05  # urban: flat, grey
    # B10 is an absorption band: near zero over the ground
    assert np.percentile(truth[BAND["B10"]], 99) < 0.005


def test_bare_soil_spectrum_rises_to_swir(series, landcover):
    truth = reflectance(series.truth[0])  # early April: maize and beet fields are still bare
    soil = truth[:, landcover == CODE["maize"]]
    assert soil.shape[1] > 20
    med = np.median(soil, axis=1)
    assert med[BAND["B04"]] > med[BAND["B03"]] and med[BAND["B08"]] > med[BAND["B04"]]
    assert med[BAND["B11"]] > med[BAND["B08"]]
    ndvi = (med[BAND["B08"]] - med[BAND["B04"]]) / (med[BAND["B08"]] + med[BAND["B04"]])
    assert ndvi < 0.3


def test_cloud_spectra(series):
    b10_cloud, b10_clear, bright = [], [], []
    for s2_path, truth_path, mask_path in zip(series.s2, series.truth, series.masks):
        s2, truth, mask = reflectance(s2_path), reflectance(truth_path), read(mask_path)[0]
        cloud = (mask == 1) & (s2[BAND["B02"]] > truth[BAND["B02"]] + 0.05)
        if cloud.sum() < 100:
            continue
        visible = s2[[BAND["B02"], BAND["B03"], BAND["B04"]]][:, cloud].mean(axis=0)
        bright.append(np.percentile(visible, 75))
        b10_cloud.append(np.median(s2[BAND["B10"], cloud]))
        b10_clear.append(np.median(s2[BAND["B10"], mask == 0]) if (mask == 0).any() else 0.002)
    assert len(bright) >= 3
    assert np.median(bright) > 0.3
    assert all(c > 2 * k for c, k in zip(b10_cloud, b10_clear)), (b10_cloud, b10_clear)


def test_shadows_darken(series):
    darker = 0
    for s2_path, truth_path, mask_path in zip(series.s2, series.truth, series.masks):
        s2, truth, mask = reflectance(s2_path), reflectance(truth_path), read(mask_path)[0]
        shadow = (mask == 1) & (s2[BAND["B08"]] < truth[BAND["B08"]])
        if shadow.sum() > 50:
            ratio = np.median(s2[BAND["B08"], shadow] / truth[BAND["B08"], shadow])
            assert 0.25 < ratio < 0.95
            darker += 1
    assert darker >= 2


# --- Sentinel-1 -------------------------------------------------------------------------------

def test_s1_backscatter_ranges(series, landcover):
    s1 = read(series.s1[_summer_index(series)]).astype(np.float64)
    vv, vh = s1

    def median_db(band, code):
        sel = landcover == code
        lin = 10 ** (band[sel] / 10)
        return 10 * np.log10(np.mean(lin))

    assert -25 < median_db(vv, CODE["water"]) < -17
    assert -31 < median_db(vh, CODE["water"]) < -23
    assert -8 < median_db(vv, CODE["urban"]) < 0
    for name in ("grassland", "winter cereal", "maize", "sugar beet"):
        if (landcover == CODE[name]).sum() > 50:
            v = median_db(vv, CODE[name])
            h = median_db(vh, CODE[name])
            assert -14 < v < -6, (name, v)
            assert -9 < h - v < -4, (name, h - v)
    # multiplicative gamma speckle, ENL about 4.4, on the homogeneous water pixels
    nir = reflectance(series.truth[_summer_index(series)])[BAND["B08"]]
    pure_water = core_of(landcover == CODE["water"]) & (nir < 0.025)  # no mixed shore pixels
    assert pure_water.sum() > 30
    # pooled over dates, each normalised by its mean (the wind on the water changes per date)
    pooled = []
    for path in series.s1:
        water = 10 ** (read(path)[0][pure_water].astype(np.float64) / 10)
        pooled.append(water / water.mean())
    enl = 1.0 / np.concatenate(pooled).var()
    assert 3.5 < enl < 5.5, enl


def test_s1_ignores_clouds(series, landcover):
    grass = landcover == CODE["grassland"]
    for s1_path, mask_path in zip(series.s1, series.masks):
        mask = read(mask_path)[0] == 1
        vv = 10 ** (read(s1_path)[0].astype(np.float64) / 10)
        a, b = grass & mask, grass & ~mask
        if a.sum() > 200 and b.sum() > 200:
            assert abs(10 * np.log10(vv[a].mean() / vv[b].mean())) < 1.5


def test_s1_follows_biomass(series, landcover):
    """Maize: bare in April, growing by July: VV rises."""
    maize = landcover == CODE["maize"]
    assert maize.sum() > 50
    first = 10 ** (read(series.s1[0])[0][maize] / 10).mean()
    last = 10 ** (read(series.s1[-1])[0][maize] / 10).mean()
    assert 10 * np.log10(last / first) > 1.0


# --- s2cloudless agreement --------------------------------------------------------------------

def test_s2cloudless_detects_the_true_clouds(series):
    """The clouds must look like clouds to s2cloudless with the data set's settings."""
    from s2cloudless import S2PixelCloudDetector

    detector = S2PixelCloudDetector(threshold=0.4, average_over=4, dilation_size=2, all_bands=True)
    s2 = np.stack([read(p) for p in series.s2]).astype(np.float32) / 10000.0
    truth_b02 = np.stack([read(p)[BAND["B02"]] for p in series.truth]).astype(np.float32) / 10000.0
    masks = np.stack([read(p)[0] for p in series.masks])
    predicted = detector.get_cloud_masks(np.moveaxis(s2, 1, -1)).astype(bool)
    cloud = (masks == 1) & (s2[:, BAND["B02"]] > truth_b02 + 0.02)  # clouds, not shadows
    assert cloud.sum() > 1000
    detected = predicted[cloud].mean()
    assert detected > 0.85, detected
    for i, fraction in enumerate(series.cloud_fractions):
        if fraction == 0:
            assert predicted[i].mean() < 0.01, (series.dates[i], predicted[i].mean())
    assert sum(f == 0 for f in series.cloud_fractions) >= 1


# --- arguments, progress, cancel, blocks ------------------------------------------------------

@pytest.mark.parametrize("kwargs", [dict(n_dates=1), dict(n_dates=61), dict(size=31), dict(seed=-1),
                                    dict(start="not a date"), dict(cadence_days=0)])
def test_bad_arguments(tmp_path, kwargs):
    args = dict(n_dates=3, size=32)
    args.update(kwargs)
    with pytest.raises(InputError):
        generate_sample_series(str(tmp_path), **args)


def test_progress_and_cancel(tmp_path):
    reporter = SilentReporter()
    generate_sample_series(str(tmp_path / "ok"), n_dates=3, size=32, reporter=reporter)
    assert reporter.progress[-1] == 100
    assert reporter.progress == sorted(reporter.progress)
    cancel = SilentReporter(cancel_after_checks=4)
    with pytest.raises(CancelledError):
        generate_sample_series(str(tmp_path / "cancel"), n_dates=5, size=32, reporter=cancel)
    names = os.listdir(tmp_path / "cancel")
    assert not [n for n in names if "partial" in n]
    assert "s2_2021-03-21.tif" not in names  # the last date was never written


def test_multiple_row_blocks_and_flags(tmp_path):
    size = 300  # two blocks of rows
    s = generate_sample_series(str(tmp_path), n_dates=2, size=size, seed=1, truth=False, s1=False, fast=True)
    assert s.truth == [] and s.s1 == []
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["landcover.tif", "sample_series.json"] + [os.path.basename(p) for p in s.s2 + s.masks])
    clear = reflectance(s.s2[s.clearest_index])
    assert clear.shape == (13, size, size)
    # no seam at the block boundary: the jump between rows 255/256 is like that of its neighbours
    jump = np.abs(np.diff(clear[BAND["B08"]], axis=0)).mean(axis=1)
    assert jump[255] < 3 * np.median(jump[240:270])
    with rasterio.open(s.masks[0]) as ds:
        assert abs(ds.read(1).mean() - s.cloud_fractions[0]) < 1e-9
