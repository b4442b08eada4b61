"""End-to-end runs through qgis_process (QGIS's command-line Processing runner)."""

import os

import numpy as np
import pytest
import rasterio

from qgis_process_runner import qgis_process, run_algorithm

pytestmark = pytest.mark.qgis_process


@pytest.fixture(scope="module")
def sample_series(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    code, result, output = run_algorithm("s2cloudfree:sample", [
        ("DATES", 12), ("SIZE", 96), ("SEED", 5), ("OUTPUT_FOLDER", folder)])
    assert code == 0, output
    return result["results"]


def test_algorithms_are_listed():
    proc = qgis_process("list")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for algorithm in ("s2cloudfree:leastcloudy", "s2cloudfree:mosaic", "s2cloudfree:sample", "s2cloudfree:gapfill"):
        assert algorithm in proc.stdout


def test_sample_writes_the_series(sample_series):
    assert len(sample_series["S2_LAYERS"]) == 12
    assert len(sample_series["MASK_LAYERS"]) == 12
    with rasterio.open(sample_series["S2_LAYERS"][0]) as ds:
        assert ds.count == 13 and ds.shape == (96, 96) and ds.crs is not None


def test_leastcloudy_and_mosaic_on_the_sample(sample_series, tmp_path):
    s2, masks = sample_series["S2_LAYERS"], sample_series["MASK_LAYERS"]
    series = [("S2_LAYERS", p) for p in s2] + [("MASK_LAYERS", p) for p in masks]
    code, result, output = run_algorithm("s2cloudfree:leastcloudy", series + [("OUTPUT", tmp_path / "lc.tif")])
    assert code == 0, output
    index = int(result["results"]["SELECTED_INDEX"])
    fractions = [rasterio.open(m).read(1).astype(bool).mean() for m in masks]
    assert index == int(np.argmin(fractions))
    assert "Reference grid" in output and "Done in" in output

    code, result, output = run_algorithm("s2cloudfree:mosaic", series + [
        ("FALLBACK", 1), ("OUTPUT", tmp_path / "mosaic.tif"), ("OUTPUT_COUNT", tmp_path / "count.tif")])
    assert code == 0, output
    with rasterio.open(tmp_path / "mosaic.tif") as ds, rasterio.open(tmp_path / "count.tif") as cnt:
        mosaic, count = ds.read(), cnt.read(1)
        assert ds.descriptions[3] == "B04"
    assert count.max() <= 12
    # pixels never clear carry the paper's constant (0.5 reflectance = 5000 DN)
    assert (mosaic[:, count == 0] == 5000).all()


def test_belgium_with_masks_and_extent_in_another_crs(belgium, tmp_path):
    s2, masks = belgium
    series = [("S2_LAYERS", p) for p in s2] + [("MASK_LAYERS", p) for p in masks]
    # the western half of the site, given in WGS 84
    from rasterio.warp import transform_bounds

    west = transform_bounds("EPSG:32631", "EPSG:4326", 501360, 5629040, 501680, 5629680)
    extent = f"{west[0]},{west[2]},{west[1]},{west[3]} [EPSG:4326]"
    code, result, output = run_algorithm("s2cloudfree:mosaic", series + [
        ("EXTENT", extent), ("OUTPUT", tmp_path / "west.tif")])
    assert code == 0, output
    with rasterio.open(tmp_path / "west.tif") as ds:
        assert ds.crs.to_epsg() == 32631
        left, bottom, right, top = ds.bounds
        # snapped outwards to whole pixels of the 10 m grid
        assert left <= 501360 + 10 and right >= 501680 - 10 and ds.width <= 34 and ds.height == 64


def test_error_message_reaches_the_command_line(belgium, tmp_path):
    s2, masks = belgium
    code, _, output = run_algorithm("s2cloudfree:mosaic", [("S2_LAYERS", p) for p in s2]
                                    + [("MASK_LAYERS", masks[0]), ("OUTPUT", tmp_path / "x.tif")])
    assert code != 0
    assert "1 mask layers were given for 12 S2 layers" in output
    assert not (tmp_path / "x.tif").exists()


def test_seq2seq_with_s1_and_evaluate(sample_series, tmp_path):
    """seq2seq (tiny schedule) from the command line, then evaluate its least cloudy date."""
    s2, masks, s1 = sample_series["S2_LAYERS"][:6], sample_series["MASK_LAYERS"][:6], sample_series["S1_LAYERS"][:6]
    params = ([("S2_LAYERS", p) for p in s2] + [("MASK_LAYERS", p) for p in masks]
              + [("S1_LAYERS", p) for p in s1]
              + [("PASSES", 1), ("STEPS", 2), ("DEVICE", "cpu"), ("SEED", 1),
                 ("OUTPUT_FOLDER", tmp_path / "seq2seq")])
    code, result, output = run_algorithm("s2cloudfree:seq2seq", params)
    assert code == 0, output
    written = sorted((tmp_path / "seq2seq").glob("*.tif"))
    assert len(written) == 6
    assert "cpu" in result["results"]["DEVICE_USED"]
    with rasterio.open(written[0]) as ds, rasterio.open(s2[0]) as src:
        assert ds.count == src.count and ds.transform == src.transform and ds.dtypes == src.dtypes

    truth = sample_series["TRUTH_LAYERS"][0]
    code, result, output = run_algorithm("s2cloudfree:evaluate", [
        ("PREDICTION", written[0]), ("TARGET", truth), ("MASK", masks[0])])
    assert code == 0, output
    scores = result["results"]
    assert 0 <= scores["RMSE"] < 0.2 and 0 < scores["SSIM"] <= 1
    # clear pixels keep their observed values, which equal the truth there
    assert scores["RMSE_CLEAR"] == pytest.approx(0.0, abs=1e-6)


def test_gapfill_on_the_sample(sample_series, tmp_path):
    s2, masks = sample_series["S2_LAYERS"], sample_series["MASK_LAYERS"]
    params = ([("S2_LAYERS", p) for p in s2] + [("MASK_LAYERS", p) for p in masks]
              + [("OUTPUT_FOLDER", tmp_path / "gapfill")])
    code, result, output = run_algorithm("s2cloudfree:gapfill", params)
    assert code == 0, output
    results = result["results"]
    layers = results["OUTPUT_LAYERS"]
    expected = [os.path.basename(p).replace(".tif", "_gapfilled.tif") for p in s2]
    assert [os.path.basename(p) for p in layers] == expected
    assert all(os.path.isfile(p) for p in layers)
    assert 0 < float(results["ESTIMATED_RMSE"]) < 0.05
    assert "Estimated RMSE of the filled pixels" in output
    with rasterio.open(layers[0]) as ds, rasterio.open(s2[0]) as src, rasterio.open(masks[0]) as m:
        assert ds.count == src.count and ds.transform == src.transform and ds.dtypes == src.dtypes
        clear = m.read(1) == 0
        assert np.array_equal(ds.read()[:, clear], src.read()[:, clear])
        assert ds.tags()["S2CF_ALGORITHM"] == "gapfill"
