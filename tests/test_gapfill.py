"""The gap filler: array level (core.gapfill), over files (core.gapfill_files) and as the Processing
algorithm ``s2cloudfree:gapfill`` (pytest-qgis), on the generated sample and the real Belgian series.

Everything runs for real: rasterio files in tmp_path, QGIS Processing, nothing mocked.
"""

import datetime as dt
import os

import numpy as np
import pytest
import rasterio

from s2cloudfree.core import gapfill as gf
from s2cloudfree.core.errors import CancelledError
from s2cloudfree.core.gapfill_files import gapfill
from s2cloudfree.core.reporting import SilentReporter

DN = 10000.0


def _days(offsets, start=dt.date(2021, 5, 1)):
    return [start + dt.timedelta(days=int(d)) for d in offsets]


def _per_band(mask, stack):
    """A dates x rows x cols mask broadcast over the bands of ``stack``."""
    return np.broadcast_to(mask[:, None], stack.shape)


def _read(path):
    with rasterio.open(path) as ds:
        return ds.read()


def _rmse(a, b, where):
    """RMSE in reflectance of DN images a and b (bands x rows x cols) over the pixels ``where``."""
    d = (np.clip(a[:, where].astype(np.float64), 0, DN) - np.clip(b[:, where].astype(np.float64), 0, DN)) / DN
    return float(np.sqrt(np.mean(d ** 2)))


# ---------------------------------------------------------------------------------------------
# array level: core.gapfill.fill_series

def test_spike_flagged_clear_is_screened_and_does_not_pull_the_fill():
    rng = np.random.default_rng(1)
    n, b, h, w = 12, 3, 16, 16
    days = _days(5 * np.arange(n))
    trend = 1500.0 + 40.0 * np.arange(n)
    stack = (trend[:, None, None, None] + rng.normal(0, 15, (n, b, h, w))).astype(np.float32)
    clear = np.ones((n, h, w), bool)
    clear[6] = False                       # date 6 cloudy everywhere: filled from its neighbours in time
    stack[5, :, 8, 8] = 7000.0             # a cloud the mask missed on date 5, at one pixel
    screened_fill, info = gf.fill_series(stack, clear, days, scale=DN, return_info=True)
    raw_fill, raw_info = gf.fill_series(stack, clear, days, scale=DN, screen_factor=0.0, return_info=True)

    assert info["screened"][5, 8, 8] and info["trust"][5, 8, 8] == 0
    assert info["screened"].sum() == 1                   # nothing else left out
    assert not raw_info["screened"].any() and raw_info["trust"][5, 8, 8] > 0
    # the fill of the cloudy date 6 at that pixel follows the trend, like its spatial neighbours
    expected = trend[6]
    assert np.abs(screened_fill[6, :, 8, 8] - expected).max() < 60
    assert np.abs(screened_fill[6, :, 8, 9] - expected).max() < 60
    # without screening the spike drags it up by hundreds of DN (the test can tell the two apart)
    assert (raw_fill[6, :, 8, 8] - expected).min() > 400
    # clear pixels keep their observed values, the screened one too (it is only not used as a neighbour)
    assert np.array_equal(screened_fill[_per_band(clear, stack)], stack[_per_band(clear, stack)])


def _stack(n, b=4, h=20, w=20, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(500, 5000, (n, b, h, w)).astype(np.float32)


def test_linear_method_equals_temporal_interpolation_where_every_observation_is_trusted():
    """With every clear observation in clear surroundings (masks that cover whole dates) and the
    screening off, method='linear' is core.temporal_interpolation.interpolate_series exactly."""
    from s2cloudfree.core.temporal_interpolation import interpolate_series

    n = 10
    rng = np.random.default_rng(3)
    days = _days(np.cumsum(rng.integers(3, 20, n)))
    stack = _stack(n, seed=3)
    clear = np.zeros((n, 20, 20), bool)
    clear[[0, 3, 4, 7, 9]] = True
    expected = interpolate_series(stack, clear, days, fallback=None)
    got = gf.fill_series(stack, clear, days, method="linear", screen_factor=0.0, never_clear="fallback")
    assert np.array_equal(got, expected)
    # and it is not the RBF ensemble, which blends several dates
    rbf = gf.fill_series(stack, clear, days, method="rbf", screen_factor=0.0, never_clear="fallback")
    cloudy = [1, 2, 5, 6, 8]
    assert not np.allclose(rbf[cloudy], expected[cloudy])


@pytest.mark.parametrize("method", ["linear", "rbf"])
def test_exactly_linear_between_two_clear_dates_far_apart(method):
    """Two clear dates 200 days apart: no Gaussian kernel (reach 1.96 x 32 = 63 days) reaches either
    of them from the dates between, so 'rbf' falls back to the same exact linear interpolation as
    'linear'."""
    offsets = np.array([0, 70, 100, 130, 200])
    days = _days(offsets)
    stack = _stack(5, seed=4)
    clear = np.zeros((5, 20, 20), bool)
    clear[[0, 4]] = True
    got = gf.fill_series(stack, clear, days, method=method, scale=DN)
    for t in (1, 2, 3):
        fraction = offsets[t] / 200.0
        expected = stack[0] + (stack[4] - stack[0]) * fraction
        np.testing.assert_allclose(got[t], expected, rtol=1e-5, atol=0.01)
    assert np.array_equal(got[[0, 4]], stack[[0, 4]])


def test_leave_one_out_never_uses_the_dates_own_value():
    n = 10
    rng = np.random.default_rng(5)
    days = _days(np.cumsum(rng.integers(3, 12, n)))
    stack = _stack(n, seed=5)
    clear = rng.random((n, 20, 20)) > 0.3
    base = gf.fill_series(stack, clear, days, leave_one_out=True, screen_factor=0.0, scale=DN)
    kept = gf.fill_series(stack, clear, days, leave_one_out=False, screen_factor=0.0, scale=DN)
    # it is a real leave-one-out: at clear pixels it differs from the observed value
    where = _per_band(clear, stack)
    assert not np.allclose(base[where], stack[where])
    assert np.array_equal(kept[where], stack[where])
    for t in range(n):
        changed = stack.copy()
        changed[t] = changed[t] * 3 + 777
        again = gf.fill_series(changed, clear, days, leave_one_out=True, screen_factor=0.0, scale=DN)
        assert np.array_equal(again[t], base[t]), t
        # the other dates do use it (the change is seen somewhere)
        assert not np.array_equal(np.delete(again, t, 0), np.delete(base, t, 0)), t


# ---------------------------------------------------------------------------------------------
# over files: core.gapfill_files.gapfill

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """8 dates of 136 x 136 px (more than two 64 px windows a side when the budget is tiny)."""
    from s2cloudfree.core.sample import generate_sample_series

    return generate_sample_series(str(tmp_path_factory.mktemp("gapfill_sample")), n_dates=8, size=136, seed=3,
                                  s1=False)


def _run(sample, out, **kwargs):
    reporter = kwargs.pop("reporter", None) or SilentReporter()
    result = gapfill(sample.s2, sample.masks, str(out), reporter=reporter, **kwargs)
    return result, reporter


def test_one_file_per_date_clear_pixels_kept_cloudy_pixels_filled(sample, tmp_path):
    result, reporter = _run(sample, tmp_path / "out")
    assert len(result["outputs"]) == len(sample.s2) == 8
    assert sorted(os.listdir(tmp_path / "out")) == sorted(os.path.basename(p) for p in result["outputs"])
    assert any(m.startswith("Estimated RMSE of the filled pixels") for m in reporter.messages)
    assert reporter.progress[-1] == pytest.approx(100)
    cloudy_total = 0
    for src_path, mask_path, truth_path, out_path in zip(sample.s2, sample.masks, sample.truth, result["outputs"]):
        stem = os.path.splitext(os.path.basename(src_path))[0]
        assert os.path.basename(out_path) == f"{stem}_gapfilled.tif"
        with rasterio.open(src_path) as src, rasterio.open(out_path) as out:
            assert (out.crs, out.transform, out.shape, out.count) == (src.crs, src.transform, src.shape, src.count)
            assert out.dtypes == src.dtypes and out.nodata == src.nodata
            assert out.descriptions == src.descriptions
            tags = out.tags()
            observed, filled = src.read(), out.read()
        assert tags["S2CF_ALGORITHM"] == "gapfill"
        assert "S2CF_ESTIMATED_RMSE" in tags and float(tags["S2CF_ESTIMATED_RMSE_RUN"]) > 0
        clear = _read(mask_path)[0] == 0
        cloudy = ~clear
        assert int(tags["S2CF_FILLED_PIXELS"]) == int(cloudy.sum())
        assert np.array_equal(filled[:, clear], observed[:, clear])          # clear pixels as observed
        if cloudy.any():
            cloudy_total += int(cloudy.sum())
            assert filled[:, cloudy].any(axis=0).all()                       # no nodata (0) left
            truth = _read(truth_path)
            # filled from the clear dates: far closer to the cloud-free truth than the cloudy input
            assert _rmse(filled, truth, cloudy) < 0.3 * _rmse(observed, truth, cloudy)
    assert cloudy_total == result["filled_pixels"] > 0
    assert 0 < result["estimated_rmse"] < 0.05 and result["held_out_pixels"] > 0


def test_result_does_not_depend_on_the_memory_budget(sample, tmp_path):
    """A large budget (one window) and a tiny one (3 x 3 windows of 64 px grown by the reach) give
    the same images: differences are limited to float32 rounding of the matrix products (OpenBLAS
    sums a window's last columns in another order), at most 1 DN at a handful of values; a window
    grown too little would leave seams of hundreds of DN along the window edges."""
    one, rep_one = _run(sample, tmp_path / "one", memory_mb=1024)
    many, rep_many = _run(sample, tmp_path / "many", memory_mb=1)
    assert any("1 window(s)" in m for m in rep_one.messages)
    assert any("9 window(s)" in m for m in rep_many.messages)
    # the tiny budget is said to cost time: 9 windows of up to 64 + 2 x 86 px over a 136 px region
    assert not any("times the region's pixels" in m for m in rep_one.messages)
    assert any("times the region's pixels are read and filled" in m and "MEMORY_MB" in m for m in rep_many.messages)
    differing = total = 0
    for a, b in zip(one["outputs"], many["outputs"]):
        x, y = _read(a).astype(np.int64), _read(b).astype(np.int64)
        assert np.abs(x - y).max() <= 1
        differing += int((x != y).sum())
        total += x.size
    assert differing <= 1e-5 * total
    assert one["filled_pixels"] == many["filled_pixels"]


def test_cancel_leaves_the_output_folder_without_files(sample, tmp_path):
    full = SilentReporter()
    _run(sample, tmp_path / "full", reporter=full, estimate=False)
    checks = full._checks  # cancel checks of a complete run
    out = tmp_path / "out"
    for after in (1, checks // 2, checks - 1):
        with pytest.raises(CancelledError):
            _run(sample, out, reporter=SilentReporter(cancel_after_checks=after), estimate=False)
        assert os.listdir(out) == [], after  # no .tif, no hidden pending file, no .aux.xml


# ---------------------------------------------------------------------------------------------
# real data: a clear Belgian date with a real cloud mask pasted onto it

def _cloud_fraction(path):
    m = _read(path)[0]
    return float(((m != 0) & (m != 255)).mean())


def test_belgium_pasted_clouds_are_filled_closer_to_the_truth_than_mosaicing(shared_data, tmp_path):
    """First 24 dates of the real series. Every clear date (< 1 % cloud) in turn gets the real mask
    of the partly cloudy date (closest to 50 % cloud) pasted onto it, written to tmp_path; the pasted
    pixels are filled by gapfill and by core.mosaic from the same series and scored against what the
    clear date really shows there. Pooled over the clear dates, gapfill must be clearly better
    (margin 0.003 reflectance, 30 DN: far above rounding)."""
    from s2cloudfree.core.mosaic import mosaic

    folder = shared_data / "belgium_31UDS_s1s2"
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))[:24]
    masks = [p.replace(os.sep + "s2_", os.sep + "clm_") for p in s2]
    assert all(os.path.exists(m) for m in masks)
    fractions = [_cloud_fraction(m) for m in masks]
    clear_dates = [k for k, f in enumerate(fractions) if f < 0.01]
    partly = [k for k, f in enumerate(fractions) if 0.2 < f < 0.8]
    assert len(clear_dates) >= 4 and partly
    source = min(partly, key=lambda k: abs(fractions[k] - 0.5))
    paste = _read(masks[source])[0] == 1

    sq_gap = sq_mosaic = 0.0
    count = 0
    rows = []
    for target in clear_dates:
        with rasterio.open(masks[target]) as ds:
            profile, own = ds.profile, ds.read(1)
        hidden = paste & (own == 0)
        modified = own.copy()
        modified[hidden] = 1
        pasted = tmp_path / f"pasted_{target}" / os.path.basename(masks[target])
        pasted.parent.mkdir()
        with rasterio.open(pasted, "w", **profile) as ds:
            ds.write(modified, 1)
        series_masks = list(masks)
        series_masks[target] = str(pasted)
        result = gapfill(s2, series_masks, str(tmp_path / f"gapfill_{target}"), reporter=SilentReporter())
        mosaic_path = tmp_path / f"mosaic_{target}.tif"
        mosaic(s2, series_masks, str(mosaic_path), fallback="least_cloudy", reporter=SilentReporter())
        truth = _read(s2[target])
        filled, mosaicked = _read(result["outputs"][target]), _read(mosaic_path)
        assert filled[:, hidden].any(axis=0).all()
        r_gap, r_mosaic = _rmse(filled, truth, hidden), _rmse(mosaicked, truth, hidden)
        rows.append(f"{os.path.basename(s2[target])}: gapfill {r_gap:.4f}, mosaic {r_mosaic:.4f}, "
                    f"estimated {result['estimated_rmse_per_date'][target]:.4f}")
        pixels = int(hidden.sum())
        sq_gap += r_gap ** 2 * pixels
        sq_mosaic += r_mosaic ** 2 * pixels
        count += pixels
    pooled_gap, pooled_mosaic = np.sqrt(sq_gap / count), np.sqrt(sq_mosaic / count)
    print("\n".join(rows + [f"pooled: gapfill {pooled_gap:.4f}, mosaic {pooled_mosaic:.4f}"]))
    assert pooled_gap < pooled_mosaic - 0.003
    # the inputs were left as they are
    assert all(_cloud_fraction(m) == f for m, f in zip(masks, fractions))


# ---------------------------------------------------------------------------------------------
# the Processing algorithm

def _process(params, feedback=None):
    import processing

    return processing.run("s2cloudfree:gapfill", params, feedback=feedback)


def test_algorithm_is_registered_with_its_parameters(s2cf_provider):
    from qgis.core import QgsApplication, QgsProcessingParameterDefinition

    alg = QgsApplication.processingRegistry().algorithmById("s2cloudfree:gapfill")
    assert alg is not None and alg.id() == "s2cloudfree:gapfill"
    defs = {d.name(): d for d in alg.parameterDefinitions()}
    for name in ("S2_LAYERS", "MASK_LAYERS", "EXTENT", "METHOD", "SIGMAS", "SCREEN", "REGRESSION", "NEVER_CLEAR",
                 "ESTIMATE", "MEMORY_MB", "THREADS", "OUTPUT_FOLDER"):
        assert name in defs, name
    advanced = {n for n, d in defs.items() if d.flags() & QgsProcessingParameterDefinition.FlagAdvanced}
    assert {"SIGMAS", "REGRESSION", "ESTIMATE", "MEMORY_MB", "THREADS"} <= advanced
    assert defs["REGRESSION"].defaultValue() is True
    assert not {"METHOD", "SCREEN", "NEVER_CLEAR"} & advanced
    assert defs["MASK_LAYERS"].flags() & QgsProcessingParameterDefinition.FlagOptional
    assert defs["METHOD"].options()[defs["METHOD"].defaultValue()].startswith("Radial-basis")
    assert defs["SIGMAS"].defaultValue() == "8,16,32"
    assert defs["SCREEN"].defaultValue() is True and defs["ESTIMATE"].defaultValue() is True
    assert {o.name() for o in alg.outputDefinitions()} >= {"OUTPUT_FOLDER", "OUTPUT_LAYERS", "ESTIMATED_RMSE",
                                                           "HELD_OUT_PIXELS", "FILLED_PIXELS"}
    help_text = alg.shortHelpString()
    assert "_gapfilled.tif" in help_text and "8, 16 and 32 days" in help_text and "over-estimates" in help_text


def test_processing_run_on_the_sample(s2cf_provider, sample, tmp_path):
    from qgis.core import QgsProcessingFeedback

    order = list(range(len(sample.s2)))[::-1]  # not in time order: OUTPUT_LAYERS follows the input order
    feedback = QgsProcessingFeedback()
    result = _process({"S2_LAYERS": [sample.s2[k] for k in order], "MASK_LAYERS": [sample.masks[k] for k in order],
                       "OUTPUT_FOLDER": str(tmp_path / "out")}, feedback)
    assert result["OUTPUT_FOLDER"] == str(tmp_path / "out")
    assert [os.path.basename(p) for p in result["OUTPUT_LAYERS"]] == [
        os.path.basename(sample.s2[k]).replace(".tif", "_gapfilled.tif") for k in order]
    cloudy = sum(int((_read(m)[0] != 0).sum()) for m in sample.masks)
    assert result["FILLED_PIXELS"] == cloudy
    assert 0 < result["ESTIMATED_RMSE"] < 0.05 and result["HELD_OUT_PIXELS"] > 0
    log = feedback.textLog()
    assert "Estimated RMSE of the filled pixels" in log and "radial-basis ensemble, sigma 8, 16, 32 days" in log
    for k, path in zip(order, result["OUTPUT_LAYERS"]):
        clear = _read(sample.masks[k])[0] == 0
        assert np.array_equal(_read(path)[:, clear], _read(sample.s2[k])[:, clear])


def test_processing_options_reach_the_core(s2cf_provider, sample, tmp_path):
    """METHOD, SIGMAS, SCREEN, REGRESSION, NEVER_CLEAR and ESTIMATE: a block cloudy on every date stays
    nodata with NEVER_CLEAR=1 and is filled with the default."""
    masks = []
    for path in sample.masks:
        with rasterio.open(path) as ds:
            profile, m = ds.profile, ds.read(1)
        m[10:30, 40:70] = 1
        masks.append(str(tmp_path / os.path.basename(path)))
        with rasterio.open(masks[-1], "w", **profile) as ds:
            ds.write(m, 1)
    common = {"S2_LAYERS": sample.s2, "MASK_LAYERS": masks}
    linear = _process(dict(common, METHOD=1, SIGMAS="10; 20", SCREEN=False, REGRESSION=False, NEVER_CLEAR=1,
                           ESTIMATE=False, OUTPUT_FOLDER=str(tmp_path / "linear")))
    default = _process(dict(common, OUTPUT_FOLDER=str(tmp_path / "default")))
    assert np.isnan(linear["ESTIMATED_RMSE"]) and linear["HELD_OUT_PIXELS"] == 0
    assert default["FILLED_PIXELS"] - linear["FILLED_PIXELS"] == 8 * 20 * 30  # the never-clear block
    with rasterio.open(linear["OUTPUT_LAYERS"][2]) as ds:
        tags, image = ds.tags(), ds.read()
    assert (tags["S2CF_METHOD"], tags["S2CF_SIGMAS"], tags["S2CF_SCREENING"], tags["S2CF_REGRESSION"]) == \
        ("linear", "10,20", "off", "off")
    assert "S2CF_ESTIMATED_RMSE" not in tags
    assert (image[:, 10:30, 40:70] == 0).all()                      # nodata: clear on no date
    with rasterio.open(default["OUTPUT_LAYERS"][2]) as ds:
        assert ds.tags()["S2CF_METHOD"] == "rbf" and ds.tags()["S2CF_SCREENING"] == "on"
        assert ds.tags()["S2CF_REGRESSION"] == "on"
        assert ds.read()[:, 10:30, 40:70].any(axis=0).all()          # the locally least cloudy date
    assert not np.array_equal(image, _read(default["OUTPUT_LAYERS"][2]))


def test_processing_without_masks_uses_s2cloudless_with_the_given_settings(s2cf_provider, sample, tmp_path):
    from qgis.core import QgsProcessingFeedback
    from rasterio.windows import from_bounds

    b = sample.grid.bounds
    extent = f"{b[0] + 200},{b[0] + 680},{b[3] - 480},{b[3] - 100} [EPSG:32631]"  # 48 x 38 px
    s2 = sample.s2[:4]
    feedback = QgsProcessingFeedback()
    default = _process({"S2_LAYERS": s2, "EXTENT": extent, "OUTPUT_FOLDER": str(tmp_path / "a")}, feedback)
    assert "s2cloudless masks, as the layer is Level-1C" in feedback.textLog()  # MASK_METHOD automatic
    never = _process({"S2_LAYERS": s2, "EXTENT": extent, "THRESHOLD": 1.0, "OUTPUT_FOLDER": str(tmp_path / "b")})
    assert len(default["OUTPUT_LAYERS"]) == len(never["OUTPUT_LAYERS"]) == 4
    assert default["FILLED_PIXELS"] > 0
    assert never["FILLED_PIXELS"] == 0  # a probability never exceeds 1: nothing is cloudy
    with rasterio.open(never["OUTPUT_LAYERS"][1]) as out, rasterio.open(s2[1]) as src:
        assert out.shape == (38, 48)
        window = from_bounds(*out.bounds, transform=src.transform)
        assert np.array_equal(out.read(), src.read(window=window))


def test_the_mask_method_is_its_own_parameter(s2cf_provider, sample, tmp_path):
    """METHOD is the gap filler's (rbf / linear); the masks computed without MASK_LAYERS follow
    MASK_METHOD. Before, linear read as 'Sen2Cor scene classification' and failed."""
    from qgis.core import QgsApplication, QgsProcessingFeedback

    from s2cloudfree.processing_provider.algorithm_base import AUTO_METHOD, MASK_METHODS

    defs = {d.name(): d for d in QgsApplication.processingRegistry().algorithmById(
        "s2cloudfree:gapfill").parameterDefinitions()}
    assert defs["MASK_METHOD"].options() == [label for _, label in MASK_METHODS]
    assert defs["MASK_METHOD"].defaultValue() == AUTO_METHOD
    b = sample.grid.bounds
    extent = f"{b[0] + 200},{b[0] + 520},{b[3] - 420},{b[3] - 100} [EPSG:32631]"
    feedback = QgsProcessingFeedback()
    linear = _process({"S2_LAYERS": sample.s2[:3], "EXTENT": extent, "METHOD": 1,
                       "OUTPUT_FOLDER": str(tmp_path / "linear")}, feedback)
    assert "s2cloudless masks, as the layer is Level-1C" in feedback.textLog()
    with rasterio.open(linear["OUTPUT_LAYERS"][0]) as ds:
        assert ds.tags()["S2CF_METHOD"] == "linear"
    feedback = QgsProcessingFeedback()
    _process({"S2_LAYERS": sample.s2[:3], "EXTENT": extent, "METHOD": 1, "MASK_METHOD": 0,
              "OUTPUT_FOLDER": str(tmp_path / "s2cloudless")}, feedback)
    assert "computing cloud masks with s2cloudless (threshold 0.4" in feedback.textLog()
