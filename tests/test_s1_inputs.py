"""Sentinel-1 layers as real exports come (core.s1_layers): band names, units and nodata, through the
one code path that seq2seq, seq2point and training share. Each case ends in the correct input or in
a clear error naming the layer; none gives a plausible wrong one.

The layers are real Belgian S1 images (../shared/data/belgium_31UDS_s1s2, VV + VH in dB) rewritten
to tmp_path the way other tools export them.
"""

import datetime as dt

import numpy as np
import pytest
import rasterio

from s2cloudfree.core import s1_layers as s1l
from s2cloudfree.core.errors import InputError
from s2cloudfree.core.raster_info import describe_raster
from s2cloudfree.core.reporting import SilentReporter
from s2cloudfree.core.windows import Window

S1_DATE = "2017-08-01"


@pytest.fixture(scope="module")
def real_s1(shared_data):
    """(path, VV/VH dB array 2 x 64 x 64, profile) of a real S1 image."""
    path = shared_data / "belgium_31UDS_s1s2" / f"s1_{S1_DATE}.tif"
    with rasterio.open(path) as ds:
        return str(path), ds.read().astype(np.float32), ds.profile


def _write(path, bands, descriptions, profile, **changes):
    profile = dict(profile, count=len(bands), **changes)
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(np.stack(bands).astype(profile["dtype"]))
        for k, text in enumerate(descriptions, start=1):
            if text is not None:
                ds.set_band_description(k, text)
    return str(path)


def _read_all(path):
    """What the methods read from a layer: VV, VH in dB on its own grid (NaN where missing)."""
    reporter = SilentReporter()
    info = describe_raster(path, "S1 layer 1")
    layer = s1l.open_s1_layer(info, reporter)
    reader = s1l.S1Reader(layer, info.grid)
    try:
        return reader.read(Window(0, 0, info.grid.height, info.grid.width)), layer, reporter
    finally:
        reader.close()


def test_snap_names_with_vh_first_are_read_as_vv_vh(real_s1, tmp_path):
    path, db, profile = real_s1
    snap = _write(tmp_path / f"s1_{S1_DATE}_snap.tif", [db[1], db[0]], ["Sigma0_VH_db", "Sigma0_VV_db"], profile)
    got, layer, reporter = _read_all(snap)
    assert layer.bands == (2, 1) and layer.unit == "db"
    assert np.array_equal(got, db, equal_nan=True)
    assert any("VV = band 2 ('Sigma0_VV_db'), VH = band 1 ('Sigma0_VH_db')" in m for m in reporter.messages)


def test_earth_engine_angle_band_is_ignored(real_s1, tmp_path):
    path, db, profile = real_s1
    angle = np.full_like(db[0], 38.5)
    ee = _write(tmp_path / f"s1_{S1_DATE}_ee.tif", [db[0], db[1], angle], ["VV", "VH", "angle"], profile)
    got, layer, reporter = _read_all(ee)
    assert layer.bands == (1, 2)
    assert np.array_equal(got, db, equal_nan=True)
    assert any("1 other band(s) ignored" in m for m in reporter.messages)


def test_unnamed_bands_are_taken_as_vv_vh_with_a_warning(real_s1, tmp_path):
    path, db, profile = real_s1
    plain = _write(tmp_path / f"s1_{S1_DATE}_b0b1.tif", [db[0], db[1]], ["B0", "B1"], profile)
    got, layer, reporter = _read_all(plain)
    assert layer.bands == (1, 2) and np.array_equal(got, db, equal_nan=True)
    assert any("band 1 is taken as VV and band 2 as VH" in m for m in reporter.warnings)


@pytest.mark.parametrize("bands,descriptions,expected", [
    ((0,), [None], "has 1 band"),
    ((0,), ["VV"], "no VH band"),
    ((0, 1), ["HH", "HV"], "HH/HV band"),
    ((0, 1), ["VV", "angle"], "no VH band"),
    ((0, 1, 1), ["VV", "VH", "vh_db"], "more than one VH band"),
])
def test_layers_that_cannot_be_vv_vh_are_refused_by_name(real_s1, tmp_path, bands, descriptions, expected):
    path, db, profile = real_s1
    bad = _write(tmp_path / f"s1_{S1_DATE}_bad.tif", [db[b] for b in bands], descriptions, profile)
    with pytest.raises(InputError) as info:
        _read_all(bad)
    assert expected in str(info.value) and "S1 layer 1" in str(info.value) and bad in str(info.value)


def test_linear_power_is_converted_to_db_and_said(real_s1, tmp_path):
    path, db, profile = real_s1
    linear = _write(tmp_path / f"s1_{S1_DATE}_linear.tif", list(10 ** (db / 10)), ["VV", "VH"], profile)
    got, layer, reporter = _read_all(linear)
    assert layer.unit == "linear"
    assert np.nanmax(np.abs(got - db)) < 1e-3
    assert any("linear power" in m and "converted to dB" in m for m in reporter.warnings)


def test_amplitude_or_digital_numbers_are_refused_with_their_range(real_s1, tmp_path):
    path, db, profile = real_s1
    amplitude = _write(tmp_path / f"s1_{S1_DATE}_amp.tif", list(np.sqrt(10 ** (db / 10)) * 1000), ["VV", "VH"],
                       profile)
    with pytest.raises(InputError) as info:
        _read_all(amplitude)
    message = str(info.value)
    assert amplitude in message and "does not hold Sentinel-1 backscatter" in message and "median" in message


def test_declared_nodata_and_outside_the_footprint_are_missing_not_0_db(real_s1, tmp_path):
    """A layer with nodata -9999 on its left third, read on a grid wider than the layer: both the
    declared nodata and the area beyond its edge are NaN, and fill_missing gives them the mean of
    the window's valid values (not 0 dB, the brightest, nor -9999)."""
    from s2cloudfree.core.grid import Grid

    path, db, profile = real_s1
    holes = db.copy()
    holes[:, :, :20] = -9999
    layer_path = _write(tmp_path / f"s1_{S1_DATE}_nodata.tif", list(holes), ["VV", "VH"],
                        dict(profile, nodata=-9999))
    info = describe_raster(layer_path, "S1 layer 1")
    layer = s1l.open_s1_layer(info, SilentReporter())
    wider = Grid(info.grid.crs, info.grid.transform, 80, 64)  # 80 px wide: 16 px beyond the east edge
    reader = s1l.S1Reader(layer, wider)
    got = reader.read(Window(0, 0, 64, 80))
    reader.close()
    assert np.isnan(got[:, :, :20]).all() and np.isnan(got[:, :, 64:]).all()
    assert np.array_equal(got[:, :, 20:64], db[:, :, 20:64], equal_nan=True)
    filled, share = s1l.fill_missing(got)
    assert share == pytest.approx((20 + 16) / 80)
    for c in range(2):
        assert np.allclose(filled[c][:, :20], np.nanmean(db[c][:, 20:64]))


def test_seq2seq_seq2point_and_training_read_the_same_s1(real_s1, tmp_path, belgium):
    """One code path: a SNAP-style linear-power layer with VH first gives the same network input
    to seq2seq, the same S1 to seq2point and the same samples to training as the plain dB layer."""
    from s2cloudfree.core import seq2point as s2p
    from s2cloudfree.core import seq2seq as s2s
    from s2cloudfree.core.time_series import open_time_series

    path, db, profile = real_s1
    snap_dir = tmp_path / "snap"
    snap_dir.mkdir()
    snap = _write(snap_dir / f"s1_{S1_DATE}.tif", list(10 ** (db[::-1] / 10)), ["Sigma0_VH", "Sigma0_VV"], profile)
    s2, masks = belgium
    series = open_time_series(s2[:3], masks[:3])
    window = Window(0, 0, series.grid.height, series.grid.width)
    plain = s2s.read_inputs(s2s.open_s1_series([path], series).readers(series.grid), window, 0, 3)
    other = s2s.read_inputs(s2s.open_s1_series([snap], series).readers(series.grid), window, 0, 3)
    assert np.allclose(plain, other, atol=1e-4)
    items = series.items[:1]
    a = s2p.open_s1([path], items, series.grid, 14, SilentReporter())[0].read(window)
    b = s2p.open_s1([snap], items, series.grid, 14, SilentReporter())[0].read(window)
    assert np.allclose(a, b, atol=1e-3, equal_nan=True)
    assert items[0].date - dt.date.fromisoformat(S1_DATE) <= dt.timedelta(days=14)
    # training builds its samples with the inference code (missing S1 filled the same way)
    from s2cloudfree.core import train

    s2_dn = np.full((1, 10, 8, 8), 1200.0, dtype=np.float32)
    s1_db = np.where(np.arange(8)[None, None, None] < 3, np.nan, a[None, :, :8, :8]).astype(np.float32)
    valid = np.ones((1, 8, 8), dtype=bool)
    assert np.array_equal(train._make_input(s2_dn, s1_db, valid, True),
                          s2p.network_input(s2_dn, s1_db, valid, {"use_s1": True}))
    assert np.isfinite(train._make_input(s2_dn, s1_db, valid, True)).all()


def test_seq2point_outside_the_s1_footprint(shared_data):
    """Pixels without S1 (NaN: nodata or beyond the layer) enter CR-TS Net as the window's mean
    backscatter, not as 0 dB (the brightest) or the clip floor (the darkest), and they do not change
    the prediction of pixels farther away than the network's receptive field."""
    torch = pytest.importorskip("torch")
    from s2cloudfree.core import seq2point as s2p
    from s2cloudfree.core.bands import TEN_BANDS
    from s2cloudfree.core.normalization import s1_to_resnet
    from s2cloudfree.models.crtsnet import build_model, model_config, receptive_radius

    folder = shared_data / "belgium_31UDS_s1s2"
    s2 = []
    for d in ("2017-08-14", "2017-08-24", "2017-08-27"):
        with rasterio.open(folder / f"s2_{d}.tif") as ds:
            s2.append(ds.read().astype(np.float32))
    s1 = []
    for d in ("2017-08-13", "2017-08-24", "2017-08-25"):
        with rasterio.open(folder / f"s1_{d}.tif") as ds:
            s1.append(ds.read().astype(np.float32))
    s2, s1 = np.stack(s2), np.stack(s1)
    holes = s1.copy()
    holes[:, :, :, :12] = np.nan                                   # west of the S1 footprint
    valid = np.ones(s2.shape[:1] + s2.shape[2:], dtype=bool)
    config = model_config("crtsnet-lite", bands=TEN_BANDS, n_inputs=3, use_s1=True, features=8, blocks_2d=1,
                          blocks_3d=1)
    x = s2p.network_input(s2, holes, valid, config)
    for t in range(3):
        mean = np.nanmean(holes[t, :, :, 12:].reshape(2, -1), axis=1)
        expected = s1_to_resnet(mean[:, None, None])[:, 0, 0]
        assert np.allclose(x[t, -2:, :, :12], expected[:, None, None], atol=1e-5)
    torch.manual_seed(0)
    model = build_model(config).eval()
    full, _ = s2p.predict_array(model, config, s2, s1, tile=256)
    part, _ = s2p.predict_array(model, config, s2, holes, tile=256)
    far = 12 + receptive_radius(config) + 1
    assert np.allclose(full[:, :, far:], part[:, :, far:], atol=1e-4)
    assert not np.allclose(full[:, :, :12], part[:, :, :12], atol=1e-4)  # the holes did change
