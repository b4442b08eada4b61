"""s2cloudfree:evaluate and core.benchmark_protocols.evaluate_rasters: hand-computed cases, nodata,
bands, scales, memory budget, reports, and agreement with scikit-image's SSIM.

SSIM agreement with scikit-image (``structural_similarity(gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=1)``): skimage filters with reflection at the border and
then averages its SSIM map over the interior only (it crops (11 - 1) / 2 = 5 pixels on every side),
while S2 CloudFree (as the paper's PyTorch code) filters with zero padding and averages over every
pixel. Two exact comparisons follow from that, both to 1e-10:

- interior: our SSIM map, cropped by 5 pixels, averaged == skimage on the same images (windows
  that lie entirely inside the image do not see any padding);
- matching padding: our SSIM over the whole image == skimage on the images zero-padded by 5
  pixels (skimage's crop then removes exactly the padding, and the padded zeros are our zero padding).

The whole-image values without matching padding differ by the border handling only (documented
below as a loose bound on real data).
"""

import json
import math

import numpy as np
import pytest
import rasterio
from affine import Affine

from s2cloudfree.core import metrics
from s2cloudfree.core.benchmark_protocols import evaluate_rasters, masked_image_metrics
from s2cloudfree.core.bands import L1C_BANDS, TEN_BANDS
from s2cloudfree.core.errors import InputError

skimage_metrics = pytest.importorskip("skimage.metrics")

BORDER = 5  # (11 - 1) / 2
TRANSFORM = Affine(10.0, 0.0, 500000.0, 0.0, -10.0, 5600000.0)


def write(path, data, descriptions=None, nodata=None, dtype=None):
    data = np.asarray(data)
    if data.ndim == 2:
        data = data[None]
    profile = dict(driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                   dtype=dtype or data.dtype, crs="EPSG:32631", transform=TRANSFORM)
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data.astype(profile["dtype"]))
        for i, text in enumerate(descriptions or [], start=1):
            ds.set_band_description(i, text)
    return str(path)


def skimage_ssim(prediction, target):
    return skimage_metrics.structural_similarity(
        prediction, target, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=1.0, channel_axis=0)


@pytest.fixture(scope="module")
def real_pair(shared_data):
    """Two clear dates of the real Belgium series, 3 days apart (10 bands, uint16 DN)."""
    folder = shared_data / "belgium_31UDS_s1s2"
    return str(folder / "s2_2017-08-24.tif"), str(folder / "s2_2017-08-27.tif")


# ------------------------------------------------------------------------------ hand-computed

def test_constant_offset_hand_computed(tmp_path):
    target = np.full((13, 24, 24), 2000, dtype=np.uint16)
    prediction = np.full((13, 24, 24), 3000, dtype=np.uint16)
    result = evaluate_rasters(write(tmp_path / "p.tif", prediction), write(tmp_path / "t.tif", target))
    assert result["rmse"] == pytest.approx(0.1)
    assert result["psnr"] == pytest.approx(20.0)
    assert result["sam"] == pytest.approx(0.0, abs=1e-6)  # parallel spectra
    # constant images: in the interior SSIM = (2 * 0.2 * 0.3 + C1) / (0.2^2 + 0.3^2 + C1)
    c1 = 0.01 ** 2
    interior = (2 * 0.2 * 0.3 + c1) / (0.2 ** 2 + 0.3 ** 2 + c1)
    m = metrics.ssim_map(np.full((24, 24), 0.3), np.full((24, 24), 0.2))
    assert m[BORDER:-BORDER, BORDER:-BORDER] == pytest.approx(interior, abs=1e-12)
    assert result["ssim"] == pytest.approx(m.mean(), abs=1e-12)
    assert result["pixels"] == 24 * 24 and result["excluded_pixels"] == 0


def test_identical_images_give_infinite_psnr(tmp_path):
    target = np.random.default_rng(0).integers(1, 9000, (4, 20, 20)).astype(np.uint16)
    path = write(tmp_path / "t.tif", target)
    result = evaluate_rasters(path, path)
    assert result["rmse"] == 0 and math.isinf(result["psnr"])
    assert result["ssim"] == pytest.approx(1.0) and result["sam"] == pytest.approx(0.0, abs=1e-5)


def test_sam_right_angle_in_degrees(tmp_path):
    target = np.zeros((2, 4, 4), dtype=np.float32)
    prediction = np.zeros((2, 4, 4), dtype=np.float32)
    target[0], prediction[1] = 0.3, 0.3           # orthogonal spectra everywhere: 90 degrees
    target[1, :2] = 0.3                            # top half: (0.3, 0.3) vs (0, 0.3): 45 degrees
    result = evaluate_rasters(write(tmp_path / "p.tif", prediction), write(tmp_path / "t.tif", target))
    assert result["sam"] == pytest.approx((90 + 45) / 2)
    assert result["prediction_scale"] == "reflectance"


def test_mask_splits_rmse_into_cloudy_and_clear(tmp_path):
    target = np.full((3, 10, 10), 1000, dtype=np.uint16)
    prediction = target.copy()
    mask = np.zeros((10, 10), dtype=np.uint8)
    mask[:4] = 1
    mask[9, 9] = 255                               # the mask's nodata: neither cloudy nor clear
    prediction[:, :4] += 3000                      # cloudy rows off by 0.3
    prediction[:, 4:] += 1000                      # clear rows off by 0.1
    result = evaluate_rasters(write(tmp_path / "p.tif", prediction), write(tmp_path / "t.tif", target),
                              write(tmp_path / "m.tif", mask, nodata=255))
    assert result["rmse_cloudy"] == pytest.approx(0.3)
    assert result["rmse_clear"] == pytest.approx(0.1)
    assert result["cloudy_pixels"] == 40 and result["clear_pixels"] == 59
    assert result["rmse"] == pytest.approx(math.sqrt((40 * 0.09 + 60 * 0.01) / 100))


def test_nodata_pixels_are_left_out(tmp_path):
    rng = np.random.default_rng(1)
    target = rng.integers(500, 4000, (4, 30, 30)).astype(np.uint16)
    prediction = (target + rng.integers(0, 200, target.shape)).astype(np.uint16)
    target[:, :, :6] = 0                           # nodata in the target
    prediction[:, 25:, :] = 65535                  # declared nodata in the prediction
    result = evaluate_rasters(write(tmp_path / "p.tif", prediction, nodata=65535),
                              write(tmp_path / "t.tif", target, nodata=0))
    valid = np.ones((30, 30), dtype=bool)
    valid[:, :6] = False
    valid[25:, :] = False
    p, t = metrics.to_unit(prediction), metrics.to_unit(target)
    assert result["pixels"] == valid.sum() and result["excluded_pixels"] == (~valid).sum()
    assert result["rmse"] == pytest.approx(metrics.rmse(p, t, valid))
    assert result["sam"] == pytest.approx(metrics.sam(p[:, valid][:, :, None], t[:, valid][:, :, None])[0])
    expected_ssim = np.mean([metrics.ssim_map(np.where(valid, a, 0), np.where(valid, b, 0))[valid].mean()
                             for a, b in zip(p, t)])
    assert result["ssim"] == pytest.approx(expected_ssim)


def test_masked_metrics_without_holes_equal_core_metrics():
    rng = np.random.default_rng(2)
    t = rng.random((3, 25, 31))
    p = np.clip(t + rng.normal(0, 0.05, t.shape), 0, 1)
    cloud = rng.random((25, 31)) > 0.7
    ours = masked_image_metrics(p, t, None, cloud)
    core = metrics.image_metrics(p, t, cloud)
    for key in ("rmse", "psnr", "ssim", "sam", "rmse_cloudy", "rmse_clear"):
        assert ours[key] == core[key]


# ------------------------------------------------------------------------------ bands, scales, grid

def test_bands_matched_by_name_and_float_reflectance(tmp_path):
    rng = np.random.default_rng(3)
    target = rng.integers(200, 6000, (13, 16, 16)).astype(np.uint16)
    names = list(TEN_BANDS)
    positions = [list(L1C_BANDS).index(b) for b in names]
    prediction = (target[positions].astype(np.float32) + 150) / 10000.0  # 10 bands, reflectance
    t_path = write(tmp_path / "t.tif", target, descriptions=L1C_BANDS)
    p_path = write(tmp_path / "p.tif", prediction[::-1], descriptions=names[::-1])  # reversed order
    result = evaluate_rasters(p_path, t_path)
    assert result["bands"] == [b for b in L1C_BANDS if b in names]
    assert result["prediction_scale"] == "reflectance" and result["target_scale"] == "DN / 10000"
    assert result["rmse"] == pytest.approx(0.015, abs=1e-6)


def test_scale_override_and_band_count_mismatch(tmp_path):
    target = np.full((3, 8, 8), 2000, dtype=np.float32)     # float DN (median > 50): DN
    prediction = np.full((3, 8, 8), 0.25, dtype=np.float32)
    t_path, p_path = write(tmp_path / "t.tif", target), write(tmp_path / "p.tif", prediction)
    assert evaluate_rasters(p_path, t_path)["rmse"] == pytest.approx(0.05)
    assert evaluate_rasters(p_path, t_path, scale="dn")["rmse"] == pytest.approx(0.2, abs=1e-4)
    with pytest.raises(InputError, match="band"):
        evaluate_rasters(write(tmp_path / "two.tif", prediction[:2]), t_path)


def test_extent_and_memory_budget(tmp_path):
    target = np.random.default_rng(4).integers(1, 5000, (13, 64, 64)).astype(np.uint16)
    path = write(tmp_path / "t.tif", target)
    with pytest.raises(InputError, match="MEMORY_MB"):
        evaluate_rasters(path, path, memory_mb=1)
    # the top-left 20 x 20 px: 500000..500200, 5599800..5600000
    result = evaluate_rasters(path, path, extent=(500000, 5599800, 500200, 5600000), memory_mb=1)
    assert (result["width"], result["height"]) == (20, 20)


def test_missing_files_and_bad_report_name(tmp_path):
    path = write(tmp_path / "t.tif", np.ones((3, 8, 8), dtype=np.uint16))
    with pytest.raises(InputError, match="does not exist"):
        evaluate_rasters(str(tmp_path / "nothing.tif"), path)
    with pytest.raises(InputError, match=".json or .html"):
        evaluate_rasters(path, path, report_path=str(tmp_path / "r.txt"))


# ------------------------------------------------------------------------------ reports

def test_json_and_html_reports(tmp_path, real_pair):
    prediction, target = real_pair
    mask = str(tmp_path / "m.tif")
    with rasterio.open(target) as ds:
        profile = ds.profile
    profile.update(count=1, dtype="uint8", nodata=255)
    with rasterio.open(mask, "w", **profile) as ds:
        m = np.zeros((64, 64), dtype=np.uint8)
        m[10:30, 20:50] = 1
        ds.write(m[None])
    result = evaluate_rasters(prediction, target, mask, report_path=str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text())        # strict JSON
    for key in ("rmse", "psnr", "ssim", "sam", "rmse_cloudy", "rmse_clear"):
        assert data[key] == pytest.approx(result[key])
    assert data["sam_unit"] == "degrees" and data["bands"] == list(TEN_BANDS)
    same = evaluate_rasters(target, target, report_path=str(tmp_path / "same.json"))
    assert math.isinf(same["psnr"]) and json.loads((tmp_path / "same.json").read_text())["psnr"] == "inf"

    evaluate_rasters(prediction, target, mask, report_path=str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text()
    assert page.count("data:image/png;base64,") >= 5                 # 4 pictures + colour bar
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert f"{result['rmse']:.4f}" in page and "SAM" in page


# ------------------------------------------------------------------------------ scikit-image

@pytest.mark.parametrize("case", ["random", "real"])
def test_ssim_agrees_with_scikit_image(case, real_pair):
    if case == "random":
        rng = np.random.default_rng(5)
        t = rng.random((3, 37, 45))
        p = np.clip(t + rng.normal(0, 0.08, t.shape), 0, 1)
    else:
        with rasterio.open(real_pair[0]) as a, rasterio.open(real_pair[1]) as b:
            p, t = metrics.to_unit(a.read()), metrics.to_unit(b.read())
    # interior: the SSIM maps agree where the 11 x 11 window lies inside the image
    interior = np.mean([metrics.ssim_map(a, b)[BORDER:-BORDER, BORDER:-BORDER].mean() for a, b in zip(p, t)])
    assert interior == pytest.approx(skimage_ssim(p, t), abs=1e-10)
    # matching padding: skimage on images zero-padded by 5 px == ours (zero padding) on the whole image
    pad = ((0, 0), (BORDER, BORDER), (BORDER, BORDER))
    assert metrics.ssim(p, t) == pytest.approx(skimage_ssim(np.pad(p, pad), np.pad(t, pad)), abs=1e-10)
    # without matching the border handling the whole-image values differ by the border only
    # (measured: 0.009 on the real pair, 0.004 on the random one; the zeros padded into both images agree,
    # which raises SSIM near the border)
    assert 0 < metrics.ssim(p, t) - skimage_ssim(p, t) < 0.02


def test_evaluate_ssim_on_real_pair_matches_scikit_image(real_pair):
    prediction, target = real_pair
    result = evaluate_rasters(prediction, target)
    with rasterio.open(prediction) as a, rasterio.open(target) as b:
        p, t = metrics.to_unit(a.read()), metrics.to_unit(b.read())
    pad = ((0, 0), (BORDER, BORDER), (BORDER, BORDER))
    assert result["ssim"] == pytest.approx(skimage_ssim(np.pad(p, pad), np.pad(t, pad)), abs=1e-10)
    assert 0.5 < result["ssim"] < 1 and 0 < result["rmse"] < 0.1


# ------------------------------------------------------------------------------ Processing

@pytest.fixture(scope="module")
def evaluate_registered(s2cf_provider):
    from s2cloudfree.processing_provider.evaluate_algorithm import EvaluateAlgorithm

    if s2cf_provider.algorithm("evaluate") is None:
        s2cf_provider.addAlgorithm(EvaluateAlgorithm())
    return s2cf_provider


def test_processing_algorithm_outputs(evaluate_registered, real_pair, tmp_path):
    import processing

    prediction, target = real_pair
    expected = evaluate_rasters(prediction, target)
    result = processing.run("s2cloudfree:evaluate", {"PREDICTION": prediction, "TARGET": target})
    for key in ("RMSE", "PSNR", "SSIM", "SAM"):
        assert result[key] == pytest.approx(expected[key.lower()])
    assert result["PIXELS"] == 64 * 64
    assert result.get("RMSE_CLOUDY") is None and result.get("RMSE_CLEAR") is None

    mask = str(tmp_path / "m.tif")
    with rasterio.open(target) as ds:
        profile = ds.profile
    profile.update(count=1, dtype="uint8", nodata=255)
    with rasterio.open(mask, "w", **profile) as ds:
        m = np.zeros((1, 64, 64), dtype=np.uint8)
        m[0, :32] = 1
        ds.write(m)
    report = tmp_path / "report.html"
    result = processing.run("s2cloudfree:evaluate", {"PREDICTION": prediction, "TARGET": target, "MASK": mask,
                                                    "OUTPUT_REPORT": str(report)})
    assert result["RMSE_CLOUDY"] > 0 and result["RMSE_CLEAR"] > 0
    assert result["OUTPUT_REPORT"] == str(report) and report.is_file()


def test_processing_algorithm_refuses_large_images(evaluate_registered, real_pair):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="MEMORY_MB"):
        processing.run("s2cloudfree:evaluate", {"PREDICTION": real_pair[0], "TARGET": real_pair[1], "MEMORY_MB": 1})
