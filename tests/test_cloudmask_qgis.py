"""s2cloudfree:cloudmask through QGIS Processing and qgis_process, on the real L1C scene."""

import numpy as np
import pytest
import rasterio

from qgis_process_runner import run_algorithm


@pytest.fixture(scope="module")
def scene(shared_data):
    return shared_data / "s2cloudless_scene"


def test_cloudmask_reproduces_the_s2cloudless_reference(s2cf_provider, scene, tmp_path):
    """With CLIP_REFLECTANCE off, exactly the package's output on the unclipped scene (with the
    default, the 297 pixels above reflectance 1 differ: tests/test_cloudmask_core.py)."""
    import processing

    mask, prob = tmp_path / "mask.tif", tmp_path / "prob.tif"
    result = processing.run("s2cloudfree:cloudmask", {
        "INPUT": str(scene / "s2_unknown-date.tif"), "THRESHOLD": 0.4, "AVERAGE_OVER": 1,
        "DILATION_SIZE": 1, "OUTPUT_MASK": str(mask), "OUTPUT_PROBABILITY": str(prob),
        "DEVICE": "cpu", "CLIP_REFLECTANCE": False})
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


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    from s2cloudfree.core.sample import generate_sample_series

    return generate_sample_series(str(tmp_path_factory.mktemp("series") / "sample"), n_dates=4, size=48, seed=5)


def test_cloudmask_series_equals_cloudmask_on_each_layer(s2cf_provider, small_sample, tmp_path):
    import processing

    folder = tmp_path / "masks"
    result = processing.run("s2cloudfree:cloudmask_series", {
        "S2_LAYERS": small_sample.s2, "DEVICE": "cpu", "OUTPUT_FOLDER": str(folder)})
    masks = result["MASK_LAYERS"]
    assert [p.rsplit("/", 1)[-1] for p in masks] == [
        p.rsplit("/", 1)[-1].replace(".tif", "_cloudmask.tif") for p in small_sample.s2]
    fractions = [float(v) for v in result["CLOUD_FRACTIONS"].split(",")]
    assert len(fractions) == len(small_sample.s2)
    for s2, mask, fraction in zip(small_sample.s2, masks, fractions):
        single = processing.run("s2cloudfree:cloudmask", {"INPUT": s2, "DEVICE": "cpu",
                                                          "OUTPUT_MASK": str(tmp_path / "one.tif")})
        with rasterio.open(mask) as got, rasterio.open(single["OUTPUT_MASK"]) as ref:
            assert np.array_equal(got.read(1), ref.read(1))
        assert fraction == pytest.approx(100 * single["CLOUD_FRACTION"], abs=0.01)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.rsplit("/", 1)[-1] for p in masks)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".s2cloudfree-masks-")]


def test_cloudmask_series_cancel_and_bad_layer_add_nothing(s2cf_provider, small_sample, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class CancelLater(QgsProcessingFeedback):
        """Cancels once the second layer is under way."""

        def setProgress(self, value):  # noqa: N802 (QGIS API)
            super().setProgress(value)
            if value > 100 / len(small_sample.s2) + 1:
                self.cancel()

    folder = tmp_path / "masks"
    with pytest.raises(QgsProcessingException, match="ancel"):
        processing.run("s2cloudfree:cloudmask_series", {"S2_LAYERS": small_sample.s2, "DEVICE": "cpu",
                                                        "OUTPUT_FOLDER": str(folder)}, feedback=CancelLater())
    assert not folder.exists() or not list(folder.iterdir())
    assert [p.name for p in tmp_path.iterdir()] in ([], ["masks"])

    # an S1 layer (2 bands) is not an L1C raster: the error names it and nothing is written
    with pytest.raises(QgsProcessingException, match="s1_"):
        processing.run("s2cloudfree:cloudmask_series", {"S2_LAYERS": small_sample.s2[:1] + small_sample.s1[:1],
                                                        "DEVICE": "cpu", "OUTPUT_FOLDER": str(folder)})
    assert not folder.exists() or not list(folder.iterdir())


@pytest.mark.qgis_process
def test_cloudmask_series_with_qgis_process(small_sample, tmp_path):
    code, result, output = run_algorithm("s2cloudfree:cloudmask_series", [("S2_LAYERS", p) for p in small_sample.s2]
                                         + [("DEVICE", "cpu"), ("OUTPUT_FOLDER", tmp_path / "m")])
    assert code == 0, output
    masks = result["results"]["MASK_LAYERS"]
    assert len(masks) == len(small_sample.s2)
    with rasterio.open(masks[0]) as ds:
        assert ds.dtypes[0] == "uint8" and ds.shape == (48, 48)
