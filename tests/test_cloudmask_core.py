"""Cloud masks (core.cloudmask, core.tree_engine) against s2cloudless itself, on the real
L1C scene in ../shared/data/s2cloudless_scene (read from there, never copied into the repo).

Nothing is mocked: the reference files are what s2cloudless produced, and the other
comparisons run s2cloudless / LightGBM live in the same test. Outputs go to tmp_path.
"""

import os

import numpy as np
import pytest
import rasterio

from s2cloudfree.core import cloudmask as cm
from s2cloudfree.core import tree_engine as te
from s2cloudfree.core.bands import L1C_BANDS, L2A_BANDS
from s2cloudfree.core.errors import CancelledError, InputError
from s2cloudfree.core.reporting import SilentReporter

MODEL_IDS = [L1C_BANDS.index(b) for b in cm.MODEL_BANDS]
# A 256 x 256 part of the scene with clouds, clear land and their edges.
CROP_ROWS, CROP_COLS = slice(300, 556), slice(100, 356)
CROP_BOUNDS = (100, 300, 356, 556)  # identity transform: x = column, y = row


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def scene_dir(shared_data):
    return shared_data / "s2cloudless_scene"


@pytest.fixture(scope="module")
def scene_path(scene_dir):
    return str(scene_dir / "s2_unknown-date.tif")


@pytest.fixture(scope="module")
def scene(scene_path):
    """uint16 DN, 13 x 856 x 512."""
    with rasterio.open(scene_path) as ds:
        return ds.read()


@pytest.fixture(scope="module")
def references(scene_dir):
    with rasterio.open(scene_dir / "clp_reference_s2cloudless.tif") as ds:
        clp = ds.read(1)
    with rasterio.open(scene_dir / "clm_reference_s2cloudless.tif") as ds:
        clm = ds.read(1)
    return clp, clm


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("cloudmask")


def reflectance(dn):
    """What s2cloudless is fed: DN / 10000 in float32."""
    return dn.astype(np.float32) / np.float32(10000)


def write_tif(path, data, nodata=None, descriptions=L1C_BANDS, tags=None):
    data = np.asarray(data)
    profile = dict(driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                   dtype=data.dtype, crs=None, transform=rasterio.Affine.identity())
    if nodata is not None:
        profile["nodata"] = nodata
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no CRS, like the scene itself
        with rasterio.open(path, "w", **profile) as ds:
            ds.write(data)
            for i, text in enumerate(descriptions or [], start=1):
                ds.set_band_description(i, text)
            if tags:
                ds.update_tags(**tags)
    return str(path)


def read1(path):
    with rasterio.open(path) as ds:
        return ds.read(1), ds.nodata


@pytest.fixture(scope="module")
def crop_dn(scene):
    return np.ascontiguousarray(scene[:, CROP_ROWS, CROP_COLS])


@pytest.fixture(scope="module")
def crop_path(workdir, crop_dn):
    return write_tif(workdir / "crop_dn.tif", crop_dn)


@pytest.fixture(scope="module")
def crop_run(crop_path, workdir):
    """The crop processed with the paper's settings (0.4 / 4 / 2): (mask, probability)."""
    mask_path, prob_path = workdir / "crop_mask.tif", workdir / "crop_prob.tif"
    cm.compute_cloud_mask(crop_path, str(mask_path), str(prob_path), threshold=0.4, average_over=4,
                          dilation_size=2, reporter=SilentReporter())
    return read1(mask_path)[0], read1(prob_path)[0]


def detector(**kwargs):
    s2cloudless = pytest.importorskip("s2cloudless")
    return s2cloudless.S2PixelCloudDetector(all_bands=True, **kwargs)


# --------------------------------------------------------------------------- exactness
def test_scene_matches_s2cloudless_reference_files(scene_path, references, tmp_path):
    """Default s2cloudless settings (0.4 / 1 / 1): probability and mask as the package wrote them."""
    clp, clm = references
    mask_path, prob_path = tmp_path / "clm.tif", tmp_path / "clp.tif"
    result = cm.compute_cloud_mask(scene_path, str(mask_path), str(prob_path), threshold=0.4,
                                   average_over=1, dilation_size=1, reporter=SilentReporter(),
                                   clip_reflectance=False)
    mask, mask_nodata = read1(mask_path)
    prob, _ = read1(prob_path)
    assert mask.dtype == np.uint8 and prob.dtype == np.float32 and mask_nodata == 255
    assert np.abs(prob - clp).max() <= 1e-6
    assert np.array_equal(mask, clm)
    assert result["valid_pixels"] == clm.size and result["nodata_pixels"] == 0
    assert result["cloud_fraction"] == pytest.approx(clm.mean(), abs=1e-12)
    assert round(result["cloud_fraction"], 3) == 0.456


def test_windowed_paper_settings_equal_whole_scene_s2cloudless(scene_path, references, tmp_path):
    """0.4 / 4 / 2 in 24 small tiles: every window seam and the scene border as s2cloudless
    treats the whole image (its own post-processing applied to its own probability)."""
    clp, _ = references
    mask_path, prob_path = tmp_path / "clm.tif", tmp_path / "clp.tif"
    result = cm.compute_cloud_mask(scene_path, str(mask_path), str(prob_path), threshold=0.4,
                                   average_over=4, dilation_size=2, memory_mb=4, reporter=SilentReporter(),
                                   clip_reflectance=False)
    assert result["windows"] >= 20 and result["overlap"] == 6
    expected = detector(threshold=0.4, average_over=4, dilation_size=2).get_mask_from_prob(clp[None])[0]
    mask, _ = read1(mask_path)
    prob, _ = read1(prob_path)
    assert np.abs(prob - clp).max() <= 1e-6
    assert np.array_equal(mask, expected)
    # and the same as our own one-piece post-processing
    assert np.array_equal(mask, cm.probability_to_mask(clp, 0.4, 4, 2))
    assert result["cloud_fraction"] == pytest.approx(expected.mean(), abs=1e-12)


def test_reflectance_above_one_is_clipped_as_the_data_set_does(scene_path, scene, references, tmp_path):
    """By default values above DN 10000 are clipped before classification, as SEN12MS-CR-TS
    prepares its inputs: the result is s2cloudless run on the clipped scene. On the real scene 308
    pixels have a band above 10000; the probability changes on 297 of them (by at most 0.005) and
    the mask (0.4 / 4 / 2) on none."""
    clp, _ = references
    live = detector(threshold=0.4, average_over=4, dilation_size=2)
    clipped = np.clip(reflectance(np.moveaxis(scene, 0, -1)), 0, 1)[None]
    expected_prob = live.get_cloud_probability_maps(clipped, num_threads=2)[0]
    mask_path, prob_path = tmp_path / "clm.tif", tmp_path / "clp.tif"
    cm.compute_cloud_mask(scene_path, str(mask_path), str(prob_path), threshold=0.4, average_over=4,
                          dilation_size=2, reporter=SilentReporter())
    prob, _ = read1(prob_path)
    mask, _ = read1(mask_path)
    assert np.abs(prob - expected_prob).max() <= 1e-6
    assert np.array_equal(mask, live.get_mask_from_prob(expected_prob[None])[0])
    changed = np.abs(prob - clp) > 1e-6
    assert int((scene > 10000).any(axis=0).sum()) == 308 and 250 <= int(changed.sum()) <= 308
    assert np.array_equal(mask, cm.probability_to_mask(clp, 0.4, 4, 2))


def test_extent_paper_settings_equal_live_s2cloudless(scene_path, scene, tmp_path):
    """compute_cloud_mask on an extent == S2PixelCloudDetector run live on the cropped array."""
    live = detector(threshold=0.4, average_over=4, dilation_size=2)
    data = reflectance(np.moveaxis(scene[:, CROP_ROWS, CROP_COLS], 0, -1))[None]
    expected_prob = live.get_cloud_probability_maps(data, num_threads=2)[0]
    expected_mask = live.get_mask_from_prob(expected_prob[None])[0]
    mask_path, prob_path = tmp_path / "clm.tif", tmp_path / "clp.tif"
    cm.compute_cloud_mask(scene_path, str(mask_path), str(prob_path), extent_bounds=CROP_BOUNDS,
                          threshold=0.4, average_over=4, dilation_size=2, reporter=SilentReporter())
    mask, _ = read1(mask_path)
    prob, _ = read1(prob_path)
    assert mask.shape == (256, 256)
    assert np.abs(prob - expected_prob).max() <= 1e-6
    assert np.array_equal(mask, expected_mask)
    assert 0.05 < expected_mask.mean() < 0.95  # the crop has both clouds and clear sky


# (s2cloudless 1.7.3 itself fails with average_over=0 and dilation_size>0: it dilates an int8
# mask, which OpenCV 4.10 refuses; probability_to_mask dilates uint8 and works.)
@pytest.mark.parametrize("settings", [(0.4, 0, 0), (0.4, 1, 1), (0.4, 4, 2), (0.3, 3, 0), (0.6, 2, 3), (0.4, 7, 2)])
def test_probability_to_mask_equals_s2cloudless_post_processing(references, settings):
    clp, _ = references
    threshold, average_over, dilation_size = settings
    expected = detector(threshold=threshold, average_over=average_over,
                        dilation_size=dilation_size).get_mask_from_prob(clp[None])[0]
    ours = cm.probability_to_mask(clp, threshold, average_over, dilation_size)
    assert ours.dtype == np.uint8
    assert np.array_equal(ours, expected)


# --------------------------------------------------------------------------- engines
def _engines():
    return ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
        te.numba_kernel() is None, reason="numba is not installed"))]


@pytest.fixture(scope="module")
def pixel_sample(scene):
    """60 000 real pixels spread over the scene (10 features x N, float32 reflectance)."""
    features = reflectance(scene[MODEL_IDS].reshape(10, -1))
    return np.ascontiguousarray(features[:, ::7][:, :60000])


@pytest.fixture(scope="module")
def lightgbm_sample(pixel_sample):
    return te.predict_proba_lightgbm(te.s2cloudless_model_path(), pixel_sample, threads=2)


@pytest.mark.parametrize("engine", _engines() + ["fast"])
def test_fast_engines_equal_lightgbm_on_real_pixels(engine, pixel_sample, lightgbm_sample):
    runner = te.TreeEngine(engine, threads=2, chunk=16384)
    assert runner.used == engine or (engine == "fast" and runner.used in ("numba", "numpy"))
    prob = runner.predict_proba(pixel_sample)
    assert prob.dtype == np.float32
    assert np.abs(prob - lightgbm_sample).max() <= 1e-6
    assert np.array_equal(prob, lightgbm_sample)  # in fact bit-identical


@pytest.mark.parametrize("engine", _engines())
def test_engines_read_values_as_lightgbm_does(engine, pixel_sample):
    """float64 input (compared in double, not as float32), NaN, tiny, negative and huge values."""
    lightgbm = pytest.importorskip("lightgbm")
    booster = lightgbm.Booster(model_file=te.s2cloudless_model_path())
    rng = np.random.default_rng(3)
    base = pixel_sample[:, :4000].astype(np.float64)
    dn = rng.integers(0, 12000, size=base.shape)
    base[:, 2000:] = dn[:, 2000:] / 10000.0  # float64 DN / 10000, e.g. 0.8326 differs from float32
    special = np.array([np.nan, 0.0, -0.0, 1e-36, -1e-36, 1e-35, -5.0, 1e30, np.inf, -np.inf])
    base[:, :200] = rng.choice(special, size=(10, 200))
    expected_raw = booster.predict(np.ascontiguousarray(base.T), raw_score=True)
    predict = te.predict_raw_numba if engine == "numba" else te.predict_raw_numpy
    raw = predict(te.load_model(), base)
    assert np.array_equal(raw, expected_raw)
    prob32 = predict(te.load_model(), base.astype(np.float32))  # float32 input: compared as float32
    expected32 = booster.predict(np.ascontiguousarray(base.astype(np.float32).T), raw_score=True)
    assert np.array_equal(prob32, expected32)


def test_torch_engine_on_cpu_equals_lightgbm(pixel_sample, lightgbm_sample):
    torch = pytest.importorskip("torch")
    runner = te.TreeEngine("torch", device="cpu")
    assert runner.used == "torch"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # torch's CPU thread pool crawls on a busy 2-core machine
    try:
        prob = runner.predict_proba(pixel_sample[:, :1500])
    finally:
        torch.set_num_threads(threads)
    assert np.array_equal(prob, lightgbm_sample[:1500])


def test_cloud_probability_accepts_both_band_layouts(crop_dn):
    data = reflectance(crop_dn[MODEL_IDS][:, :40, :30])
    first = cm.cloud_probability(data)
    last = cm.cloud_probability(np.moveaxis(data, 0, -1))
    assert first.shape == (40, 30) and np.array_equal(first, last)
    expected = detector().get_cloud_probability_maps(np.moveaxis(reflectance(crop_dn[:, :40, :30]), 0, -1)[None])[0]
    assert np.array_equal(first, expected)
    with pytest.raises(InputError, match="reflectance"):
        cm.cloud_probability(crop_dn[MODEL_IDS][:, :4, :4])


def test_unusable_engine_name_is_an_input_error():
    with pytest.raises(InputError, match="engine"):
        te.TreeEngine("treelite")


# --------------------------------------------------------------------------- inputs
def test_nodata_pixels_are_255_and_not_counted(crop_dn, crop_run, workdir, tmp_path):
    data = crop_dn.copy()
    data[:, :20, :] = 0          # outside the swath: all-zero spectra
    data[:, 100:110, 50:60] = 0
    path = write_tif(tmp_path / "nodata.tif", data, nodata=0)
    mask_path, prob_path = tmp_path / "m.tif", tmp_path / "p.tif"
    result = cm.compute_cloud_mask(path, str(mask_path), str(prob_path), reporter=SilentReporter())
    mask, nodata = read1(mask_path)
    prob, _ = read1(prob_path)
    hole = ~data.any(axis=0)
    assert nodata == 255
    assert (mask[hole] == 255).all() and (mask[~hole] != 255).all()
    assert np.isnan(prob[hole]).all() and not np.isnan(prob[~hole]).any()
    assert result["nodata_pixels"] == hole.sum() and result["valid_pixels"] == (~hole).sum()
    assert result["cloud_fraction"] == pytest.approx((mask == 1).sum() / (~hole).sum())
    # valid pixels keep their probability; masks farther than 6 px from nodata are unchanged
    full_mask, full_prob = crop_run
    assert np.array_equal(prob[~hole], full_prob[~hole])
    far = np.ones_like(hole)
    far[: 20 + 6] = False
    far[100 - 6:110 + 6, 50 - 6:60 + 6] = False
    assert np.array_equal(mask[far], full_mask[far])


def test_nan_pixels_of_float_input_are_nodata(crop_dn, tmp_path):
    data = reflectance(crop_dn[:, :64, :64])
    data[:, 10, 10] = np.nan
    data[3, 20, 20] = np.nan  # one band is enough
    path = write_tif(tmp_path / "nan.tif", data)
    mask_path = tmp_path / "m.tif"
    result = cm.compute_cloud_mask(path, str(mask_path), reporter=SilentReporter())
    mask, _ = read1(mask_path)
    assert mask[10, 10] == 255 and mask[20, 20] == 255 and result["nodata_pixels"] == 2


def test_missing_bands_error_names_file_and_bands(crop_dn, tmp_path):
    ten = crop_dn[[L1C_BANDS.index(b) for b in ("B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12")]]
    path = write_tif(tmp_path / "ten_bands.tif", ten, descriptions=None)
    with pytest.raises(InputError) as error:
        cm.compute_cloud_mask(path, str(tmp_path / "m.tif"), reporter=SilentReporter())
    text = str(error.value)
    assert "ten_bands.tif" in text and "B01" in text and "B09" in text and "B10" in text
    assert not os.path.exists(tmp_path / "m.tif")
    # band descriptions are used: the 13 bands in another order work, with one renamed they do not
    order = list(reversed(range(13)))
    shuffled = write_tif(tmp_path / "reversed.tif", crop_dn[order][:, :32, :32],
                         descriptions=[L1C_BANDS[i] for i in order])
    cm.compute_cloud_mask(shuffled, str(tmp_path / "ok.tif"), reporter=SilentReporter())
    reference = write_tif(tmp_path / "ordered.tif", crop_dn[:, :32, :32])
    cm.compute_cloud_mask(reference, str(tmp_path / "ref.tif"), reporter=SilentReporter())
    assert np.array_equal(read1(tmp_path / "ok.tif")[0], read1(tmp_path / "ref.tif")[0])
    names = [b for b in L1C_BANDS if b not in ("B8A", "B10")]
    eleven = write_tif(tmp_path / "eleven.tif", crop_dn[[L1C_BANDS.index(b) for b in names]][:, :8, :8],
                       descriptions=names)
    with pytest.raises(InputError, match="eleven.tif.*lacks B8A, B10"):
        cm.compute_cloud_mask(eleven, str(tmp_path / "m2.tif"), reporter=SilentReporter())


def test_reflectance_input_gives_the_same_as_dn(crop_dn, crop_run, tmp_path):
    path = write_tif(tmp_path / "refl.tif", reflectance(crop_dn))
    mask_path, prob_path = tmp_path / "m.tif", tmp_path / "p.tif"
    reporter = SilentReporter()
    result = cm.compute_cloud_mask(path, str(mask_path), str(prob_path), reporter=reporter)
    assert result["input_scale"] == "reflectance"
    assert any("reflectance" in m for m in reporter.messages)
    mask, prob = read1(mask_path)[0], read1(prob_path)[0]
    assert np.array_equal(mask, crop_run[0]) and np.array_equal(prob, crop_run[1])
    # float DN (not reflectance) are recognised too
    float_dn = write_tif(tmp_path / "float_dn.tif", crop_dn.astype(np.float32))
    result = cm.compute_cloud_mask(float_dn, str(tmp_path / "m2.tif"), reporter=SilentReporter())
    assert result["input_scale"] == "dn"
    assert np.array_equal(read1(tmp_path / "m2.tif")[0], crop_run[0])


def test_harmonize_removes_the_baseline_04_offset(crop_dn, crop_run, tmp_path):
    shifted = (crop_dn.astype(np.uint32) + 1000).astype(np.uint16)
    plain = write_tif(tmp_path / "shifted.tif", shifted)
    on = cm.compute_cloud_mask(plain, str(tmp_path / "on.tif"), harmonize="on", reporter=SilentReporter())
    assert on["harmonize_offset_dn"] == 1000
    assert np.array_equal(read1(tmp_path / "on.tif")[0], crop_run[0])
    # auto without metadata or date: no value below 1000 DN in any band, so the offset is there
    reporter = SilentReporter()
    auto_values = cm.compute_cloud_mask(plain, str(tmp_path / "auto.tif"), reporter=reporter)
    assert auto_values["harmonize_offset_dn"] == 1000
    assert any("no valid value below 1000 DN" in m for m in reporter.messages)
    assert np.array_equal(read1(tmp_path / "auto.tif")[0], crop_run[0])
    # ... while the original (cirrus band near 0) keeps its values
    original = write_tif(tmp_path / "original.tif", crop_dn)
    kept = cm.compute_cloud_mask(original, str(tmp_path / "kept.tif"), reporter=SilentReporter())
    assert kept["harmonize_offset_dn"] == 0
    # acquired before 25 January 2022: never an offset, whatever the values
    dated = write_tif(tmp_path / "S2A_MSIL1C_20210601T105031_shifted.tif", shifted)
    old = cm.compute_cloud_mask(dated, str(tmp_path / "old.tif"), reporter=SilentReporter())
    assert old["harmonize_offset_dn"] == 0
    assert not np.array_equal(read1(tmp_path / "old.tif")[0], crop_run[0])
    # the metadata's offset is applied with its sign (value = DN + offset), not as an absolute value
    plus = write_tif(tmp_path / "plus.tif", crop_dn, tags={"RADIO_ADD_OFFSET": "-1000"})
    assert cm.compute_cloud_mask(plus, str(tmp_path / "p.tif"), reporter=SilentReporter())["harmonize_offset_dn"] == 1000
    minus = write_tif(tmp_path / "minus.tif", crop_dn, tags={"RADIO_ADD_OFFSET": "500"})
    assert cm.compute_cloud_mask(minus, str(tmp_path / "m.tif"), reporter=SilentReporter())["harmonize_offset_dn"] == -500
    # auto with the processing baseline in the metadata
    tagged = write_tif(tmp_path / "tagged.tif", shifted, tags={"PROCESSING_BASELINE": "04.00"})
    auto = cm.compute_cloud_mask(tagged, str(tmp_path / "tagged_mask.tif"), reporter=SilentReporter())
    assert auto["harmonize_offset_dn"] == 1000
    assert np.array_equal(read1(tmp_path / "tagged_mask.tif")[0], crop_run[0])


def test_l2a_looking_input_warns_but_runs(crop_dn, tmp_path):
    l2a = crop_dn[[L1C_BANDS.index(b) for b in L2A_BANDS]][:, :48, :48]
    path = write_tif(tmp_path / "l2a.tif", l2a, descriptions=None)
    reporter = SilentReporter()
    result = cm.compute_cloud_mask(path, str(tmp_path / "m.tif"), reporter=reporter)
    assert any("Level-2A" in w for w in reporter.warnings)
    assert result["valid_pixels"] == 48 * 48


def test_cancel_leaves_no_output(crop_path, tmp_path):
    mask_path, prob_path = tmp_path / "m.tif", tmp_path / "p.tif"
    with pytest.raises(CancelledError):
        cm.compute_cloud_mask(crop_path, str(mask_path), str(prob_path), memory_mb=1,
                              reporter=SilentReporter(cancel_after_checks=3))
    assert os.listdir(tmp_path) == []


def test_coarse_resolution_is_windowed_exactly_and_close_to_native(crop_path, crop_run, tmp_path):
    reporter = SilentReporter()
    whole = cm.compute_cloud_mask(crop_path, str(tmp_path / "whole.tif"), str(tmp_path / "whole_p.tif"),
                                  resolution=60, reporter=reporter)
    tiled = cm.compute_cloud_mask(crop_path, str(tmp_path / "tiled.tif"), str(tmp_path / "tiled_p.tif"),
                                  resolution=60, memory_mb=1, reporter=SilentReporter())
    assert whole["resolution_factor"] == 6 and tiled["windows"] > 1
    assert any("10 m" in m for m in reporter.messages)  # no CRS: native pixels taken as 10 m
    assert np.array_equal(read1(tmp_path / "whole.tif")[0], read1(tmp_path / "tiled.tif")[0])
    assert np.array_equal(read1(tmp_path / "whole_p.tif")[0], read1(tmp_path / "tiled_p.tif")[0])
    coarse = read1(tmp_path / "whole.tif")[0]
    assert (coarse == crop_run[0]).mean() > 0.85
    assert coarse.shape == crop_run[0].shape and set(np.unique(coarse)) <= {0, 1}
