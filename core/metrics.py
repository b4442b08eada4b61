"""Image quality metrics of SEN12MS-CR-TS (Ebel et al. 2022), DESIGN.md §4.

Conventions (all functions take ``bands x rows x cols`` arrays):

- Values are compared on the [0, 1] scale: S2 digital numbers are clipped to [0, 10000] and divided
  by 10000 (:func:`to_unit`; reflectance inputs are clipped to [0, 1]). The metric functions
  themselves take arrays already on that scale.
- RMSE: over all bands and pixels (the paper calls it NRMSE). PSNR = 20 log10(1 / RMSE) per image
  (infinite for identical images).
- SSIM: 11 x 11 Gaussian window (sigma 1.5, weights summing to 1), C1 = 0.01², C2 = 0.03²
  (data range 1), zero padding at the image border ('same' size maps, as the paper's PyTorch code
  with ``conv2d(padding=5)``), the SSIM map averaged over pixels per band, then over bands.
- SAM: per pixel, the angle between the spectra of prediction and target, in **degrees**, averaged
  over pixels. Pixels where either spectrum has zero norm have no angle: they are skipped and
  counted (``sam_skipped``).
- Masked RMSE: ``rmse_cloudy`` over the pixels where the cloud mask is true and ``rmse_clear`` where
  it is false (all bands). With the seq2point protocol the mask is "cloudy in every input"; with
  the seq2seq protocol it is the blended cloud region of the target.

Per-image figures are averaged over images with :func:`average_metrics` (the paper averages per
image, so PSNR is the mean of per-image PSNRs, not the PSNR of the mean RMSE).
"""

import math

import numpy as np

S2_DN_MAX = 10000.0
SSIM_WINDOW = 11
SSIM_SIGMA = 1.5
SSIM_C1 = 0.01 ** 2
SSIM_C2 = 0.03 ** 2
METRIC_NAMES = ("rmse", "psnr", "ssim", "sam")


def to_unit(values, reflectance=False):
    """[0, 1] scale of the metrics: DN clipped to [0, 10000] / 10000, or reflectance clipped to [0, 1]."""
    values = np.asarray(values, dtype=np.float64)
    if reflectance:
        return np.clip(values, 0.0, 1.0)
    return np.clip(values, 0.0, S2_DN_MAX) / S2_DN_MAX


def _as_cube(array):
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3:
        raise ValueError(f"expected bands x rows x cols, got shape {array.shape}")
    return array


def _check_pair(prediction, target):
    prediction, target = _as_cube(prediction), _as_cube(target)
    if prediction.shape != target.shape:
        raise ValueError(f"prediction {prediction.shape} and target {target.shape} differ in shape")
    return prediction, target


def rmse(prediction, target, mask=None):
    """Root mean square error over all bands of the pixels where ``mask`` is true (all pixels
    when ``mask`` is None); NaN when no pixel is selected."""
    prediction, target = _check_pair(prediction, target)
    diff = prediction - target
    if mask is None:
        return float(np.sqrt(np.mean(diff * diff)))
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return float("nan")
    selected = diff[:, mask]
    return float(np.sqrt(np.mean(selected * selected)))


def psnr_from_rmse(value):
    """PSNR (dB) of data in [0, 1]: 20 log10(1 / RMSE); infinite when RMSE is 0."""
    if value == 0:
        return float("inf")
    if not np.isfinite(value):
        return float("nan")
    return 20.0 * math.log10(1.0 / value)


def psnr(prediction, target):
    return psnr_from_rmse(rmse(prediction, target))


def gaussian_window(size=SSIM_WINDOW, sigma=SSIM_SIGMA):
    """1D Gaussian weights (sum 1); the 2D window is their outer product."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-(x * x) / (2.0 * sigma * sigma))
    return g / g.sum()


def _filter_same_zero(image, kernel):
    """Separable 'same'-size correlation of a rows x cols image with zero padding."""
    half = len(kernel) // 2
    rows, cols = image.shape
    padded = np.zeros((rows + 2 * half, cols), dtype=np.float64)
    padded[half:half + rows] = image
    out = np.zeros((rows, cols), dtype=np.float64)
    for k, w in enumerate(kernel):
        out += w * padded[k:k + rows]
    padded = np.zeros((rows, cols + 2 * half), dtype=np.float64)
    padded[:, half:half + cols] = out
    out = np.zeros((rows, cols), dtype=np.float64)
    for k, w in enumerate(kernel):
        out += w * padded[:, k:k + cols]
    return out


def ssim_map(x, y, window=SSIM_WINDOW, sigma=SSIM_SIGMA):
    """SSIM map of two single-band images (rows x cols, data range 1)."""
    kernel = gaussian_window(window, sigma)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mu_x = _filter_same_zero(x, kernel)
    mu_y = _filter_same_zero(y, kernel)
    mu_xx, mu_yy, mu_xy = mu_x * mu_x, mu_y * mu_y, mu_x * mu_y
    var_x = _filter_same_zero(x * x, kernel) - mu_xx
    var_y = _filter_same_zero(y * y, kernel) - mu_yy
    cov = _filter_same_zero(x * y, kernel) - mu_xy
    num = (2.0 * mu_xy + SSIM_C1) * (2.0 * cov + SSIM_C2)
    den = (mu_xx + mu_yy + SSIM_C1) * (var_x + var_y + SSIM_C2)
    return num / den


def ssim(prediction, target):
    """Mean SSIM per band, averaged over bands."""
    prediction, target = _check_pair(prediction, target)
    return float(np.mean([ssim_map(p, t).mean() for p, t in zip(prediction, target)]))


def sam(prediction, target):
    """(mean spectral angle in degrees, number of pixels skipped for a zero-norm spectrum).

    The mean is NaN when every pixel was skipped."""
    prediction, target = _check_pair(prediction, target)
    dot = np.sum(prediction * target, axis=0)
    norms = np.sqrt(np.sum(prediction * prediction, axis=0)) * np.sqrt(np.sum(target * target, axis=0))
    usable = norms > 0
    skipped = int(usable.size - np.count_nonzero(usable))
    if not usable.any():
        return float("nan"), skipped
    cosine = np.clip(dot[usable] / norms[usable], -1.0, 1.0)
    return float(np.degrees(np.arccos(cosine)).mean()), skipped


def image_metrics(prediction, target, cloud_mask=None):
    """Every metric of one image pair on the [0, 1] scale.

    Returns a dict: rmse, psnr, ssim, sam (degrees), sam_skipped, and with ``cloud_mask``
    (rows x cols, true = cloudy) rmse_cloudy, rmse_clear, cloudy_pixels, clear_pixels.
    """
    prediction, target = _check_pair(prediction, target)
    value = rmse(prediction, target)
    angle, skipped = sam(prediction, target)
    result = {"rmse": value, "psnr": psnr_from_rmse(value), "ssim": ssim(prediction, target),
              "sam": angle, "sam_skipped": skipped}
    if cloud_mask is not None:
        cloud_mask = np.asarray(cloud_mask, dtype=bool)
        if cloud_mask.shape != prediction.shape[1:]:
            raise ValueError(f"mask {cloud_mask.shape} does not match the image {prediction.shape[1:]}")
        result["rmse_cloudy"] = rmse(prediction, target, cloud_mask)
        result["rmse_clear"] = rmse(prediction, target, ~cloud_mask)
        result["cloudy_pixels"] = int(np.count_nonzero(cloud_mask))
        result["clear_pixels"] = int(cloud_mask.size - np.count_nonzero(cloud_mask))
    return result


def average_metrics(results):
    """Mean of per-image metric dicts (NaN entries ignored; counts summed)."""
    results = list(results)
    if not results:
        return {}
    out = {}
    for key in results[0]:
        values = [r[key] for r in results if key in r]
        if key in ("sam_skipped", "cloudy_pixels", "clear_pixels"):
            out[key] = int(sum(values))
            continue
        finite = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
        out[key] = float(np.mean(finite)) if finite else float("nan")
    out["images"] = len(results)
    return out
