"""s2cloudfree:cloudmask through QGIS Processing and qgis_process, on the real L1C scene."""

import numpy as np
import pytest
import rasterio

from qgis_process_runner import run_algorithm


@pytest.fixture(scope="module")
def scene(shared_data):
    return shared_data / "s2cloudless_scene"


def test_cloudmask_reproduces_the_s2cloudless_reference(s2cf_provider, scene, tmp_path):
    import processing

    mask, prob = tmp_path / "mask.tif", tmp_path / "prob.tif"
    result = processing.run("s2cloudfree:cloudmask", {
        "INPUT": str(scene / "s2_unknown-date.tif"), "THRESHOLD": 0.4, "AVERAGE_OVER": 1,
        "DILATION_SIZE": 1, "OUTPUT_MASK": str(mask), "OUTPUT_PROBABILITY": str(prob),
        "DEVICE": "cpu"})
    with rasterio.open(scene / "clm_reference_s2cloudless.tif") as ref:
        expected = ref.read(1)
    with rasterio.open(mask) as got:
        assert np.array_equal(got.read(1), expected)
    with rasterio.open(scene / "clp_reference_s2cloudless.tif") as ref, rasterio.open(prob) as got:
        assert np.abs(got.read(1) - ref.read(1)).max() <= 1e-6
    assert result["CLOUD_FRACTION"] == pytest.approx(expected.mean(), abs=1e-9)


def test_leastcloudy_and_mosaic_compute_masks_when_none_are_given(s2cf_provider, tmp_path):
    import processing

    from s2cloudfree.core.sample import generate_sample_series

    sample = generate_sample_series(str(tmp_path / "sample"), n_dates=6, size=64, seed=3)
    lc = processing.run("s2cloudfree:leastcloudy", {"S2_LAYERS": sample.s2, "OUTPUT": str(tmp_path / "lc.tif")})
    # the generated truth's clearest date is also s2cloudless's least cloudy one
    assert lc["SELECTED_INDEX"] == sample.clearest_index
    out = tmp_path / "mosaic.tif"
    processing.run("s2cloudfree:mosaic", {"S2_LAYERS": sample.s2, "FALLBACK": 2, "OUTPUT": str(out)})
    with rasterio.open(out) as ds:
        assert ds.count == 13 and ds.read().any(axis=0).all()


@pytest.mark.qgis_process
def test_cloudmask_with_qgis_process(scene, tmp_path):
    code, result, output = run_algorithm("s2cloudfree:cloudmask", [
        ("INPUT", scene / "s2_unknown-date.tif"), ("AVERAGE_OVER", 1), ("DILATION_SIZE", 1),
        ("OUTPUT_MASK", tmp_path / "mask.tif")])
    assert code == 0, output
    assert result["results"]["CLOUD_FRACTION"] == pytest.approx(0.456, abs=0.001)
    with rasterio.open(tmp_path / "mask.tif") as got, \
            rasterio.open(scene / "clm_reference_s2cloudless.tif") as ref:
        assert np.array_equal(got.read(1), ref.read(1))
