"""core.metrics: hand-computed cases and agreement with independent implementations."""

import math

import numpy as np
import pytest

from s2cloudfree.core import metrics


def _pair(seed=0, shape=(4, 40, 48)):
    rng = np.random.default_rng(seed)
    target = rng.random(shape)
    prediction = np.clip(target + rng.normal(0, 0.05, shape), 0, 1)
    return prediction, target


def test_to_unit_clips_dn_and_reflectance():
    dn = np.array([[-5, 0, 5000, 10000, 12000]])
    assert np.allclose(metrics.to_unit(dn), [[0, 0, 0.5, 1, 1]])
    assert np.allclose(metrics.to_unit(np.array([-0.1, 0.3, 1.2]), reflectance=True), [0, 0.3, 1])


def test_identical_images():
    _, target = _pair()
    scores = metrics.image_metrics(target, target)
    assert scores["rmse"] == 0
    assert math.isinf(scores["psnr"])
    assert scores["ssim"] == pytest.approx(1.0, abs=1e-12)
    assert scores["sam"] == pytest.approx(0.0, abs=1e-5)
    assert scores["sam_skipped"] == 0


def test_rmse_and_psnr_hand_computed():
    target = np.full((3, 8, 8), 0.2)
    prediction = target + 0.1
    assert metrics.rmse(prediction, target) == pytest.approx(0.1)
    assert metrics.psnr(prediction, target) == pytest.approx(20.0)
    # half the pixels off by 0.2, the other half exact: RMSE = sqrt(0.5 * 0.04)
    prediction = target.copy()
    prediction[:, :4] += 0.2
    assert metrics.rmse(prediction, target) == pytest.approx(math.sqrt(0.02))
    assert metrics.psnr_from_rmse(0.01) == pytest.approx(40.0)


def test_masked_rmse_over_cloudy_and_clear_pixels():
    target = np.zeros((2, 6, 6))
    prediction = np.zeros((2, 6, 6))
    cloud = np.zeros((6, 6), dtype=bool)
    cloud[:2] = True
    prediction[:, cloud] = 0.3
    prediction[:, ~cloud] = 0.1
    scores = metrics.image_metrics(prediction, target, cloud)
    assert scores["rmse_cloudy"] == pytest.approx(0.3)
    assert scores["rmse_clear"] == pytest.approx(0.1)
    assert scores["cloudy_pixels"] == 12 and scores["clear_pixels"] == 24
    assert scores["rmse"] == pytest.approx(math.sqrt((12 * 0.09 + 24 * 0.01) / 36))
    assert math.isnan(metrics.rmse(prediction, target, np.zeros((6, 6), dtype=bool)))


def test_sam_degrees_and_skipped_zero_pixels():
    target = np.zeros((2, 1, 3))
    prediction = np.zeros((2, 1, 3))
    target[:, 0, 0] = (1, 0)
    prediction[:, 0, 0] = (0, 1)          # 90 degrees
    target[:, 0, 1] = (1, 1)
    prediction[:, 0, 1] = (2, 2)          # parallel: 0 degrees
    target[:, 0, 2] = (1, 1)              # prediction zero: skipped
    angle, skipped = metrics.sam(prediction, target)
    assert angle == pytest.approx(45.0)
    assert skipped == 1
    angle, skipped = metrics.sam(np.zeros((2, 2, 2)), np.ones((2, 2, 2)))
    assert math.isnan(angle) and skipped == 4


def test_gaussian_window():
    g = metrics.gaussian_window()
    assert g.shape == (11,) and g.sum() == pytest.approx(1.0)
    assert g[5] == g.max() and g[0] == pytest.approx(g[10])
    assert g[4] / g[5] == pytest.approx(math.exp(-1 / (2 * 1.5 ** 2)))


def test_ssim_constant_images_interior_and_zero_padded_border():
    x = np.full((30, 30), 0.6)
    y = np.full((30, 30), 0.2)
    ssim_map = metrics.ssim_map(x, y)
    c1 = metrics.SSIM_C1
    expected = (2 * 0.6 * 0.2 + c1) / (0.6 ** 2 + 0.2 ** 2 + c1)
    assert np.allclose(ssim_map[5:-5, 5:-5], expected)
    # zero padding: at the corner only a quarter-ish of the window is inside, the local means
    # shrink and the variance terms become non-zero, so the border differs from the interior
    assert abs(ssim_map[0, 0] - expected) > 1e-3


def _reference_ssim_torch(prediction, target):
    """The paper's style of SSIM: torch conv2d with padding=5 (zero padding), per band."""
    torch = pytest.importorskip("torch")
    g = torch.tensor(metrics.gaussian_window(), dtype=torch.float64)
    window = (g[:, None] @ g[None, :])[None, None]
    bands = prediction.shape[0]
    window = window.expand(bands, 1, 11, 11).contiguous()
    x = torch.tensor(prediction)[None]
    y = torch.tensor(target)[None]
    conv = lambda a: torch.nn.functional.conv2d(a, window, padding=5, groups=bands)  # noqa: E731
    mu_x, mu_y = conv(x), conv(y)
    sxx = conv(x * x) - mu_x ** 2
    syy = conv(y * y) - mu_y ** 2
    sxy = conv(x * y) - mu_x * mu_y
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    m = ((2 * mu_x * mu_y + c1) * (2 * sxy + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (sxx + syy + c2))
    return float(m.mean(dim=(2, 3)).mean())


def test_ssim_agrees_with_torch_conv2d_reference():
    prediction, target = _pair(1)
    assert metrics.ssim(prediction, target) == pytest.approx(_reference_ssim_torch(prediction, target), abs=1e-10)


def test_ssim_agrees_with_scipy_filters():
    ndimage = pytest.importorskip("scipy.ndimage")
    prediction, target = _pair(2, shape=(3, 33, 27))
    g = metrics.gaussian_window()
    k = np.outer(g, g)
    values = []
    for x, y in zip(prediction, target):
        f = lambda a: ndimage.correlate(a, k, mode="constant", cval=0.0)  # noqa: E731
        mx, my = f(x), f(y)
        sxx, syy, sxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
        c1, c2 = metrics.SSIM_C1, metrics.SSIM_C2
        values.append((((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))).mean())
    assert metrics.ssim(prediction, target) == pytest.approx(float(np.mean(values)), abs=1e-10)


def test_ssim_decreases_with_noise():
    _, target = _pair(3)
    rng = np.random.default_rng(9)
    light = np.clip(target + rng.normal(0, 0.02, target.shape), 0, 1)
    heavy = np.clip(target + rng.normal(0, 0.2, target.shape), 0, 1)
    assert 1 > metrics.ssim(light, target) > metrics.ssim(heavy, target)


def test_average_metrics_is_per_image_mean():
    a = metrics.image_metrics(np.full((1, 4, 4), 0.1), np.zeros((1, 4, 4)))
    b = metrics.image_metrics(np.full((1, 4, 4), 0.01), np.zeros((1, 4, 4)))
    mean = metrics.average_metrics([a, b])
    assert mean["rmse"] == pytest.approx(0.055)
    assert mean["psnr"] == pytest.approx(30.0)  # mean of 20 and 40, not PSNR of the mean RMSE
    assert mean["images"] == 2


def test_shape_mismatch_raises():
    with pytest.raises(ValueError):
        metrics.rmse(np.zeros((2, 3, 3)), np.zeros((2, 3, 4)))
