"""Scoring cloud removal the way SEN12MS-CR-TS does: one image pair, or every method over a series.

- :func:`evaluate_rasters`: a prediction raster against a target raster (and optionally a cloud
  mask, 1 = cloudy in the inputs): RMSE, PSNR, SSIM, SAM (degrees), RMSE over cloudy and clear
  pixels, with the conventions of :mod:`core.metrics` (DESIGN.md §4); optional JSON or HTML report.
- :func:`run_benchmark`: both protocols of the paper over one series, for every available method,
  written as a report folder (``index.html``, ``report.json``, ``img/*.png``):

  * **sequence-to-sequence protocol** (:mod:`core.evaluation_protocol`): target = the least cloudy
    date, source = the most cloudy date; the source's cloudy pixels are blended onto the target,
    each method reconstructs the series, its image of the target date is scored against the
    original target (or against the true cloud-free image when TRUTH layers are given);
  * **sequence-to-point protocol** (here): target = the least cloudy date; inputs = ``n`` other
    dates (``first``: the first n in time order, as the data set selects them; ``nearest``: the n
    closest in time to the target); each method makes one image from the inputs only, scored
    against the target; RMSE cloudy = over pixels cloudy in every input, RMSE clear = clear in at
    least one input.

  Methods: least cloudy, mosaicing (the paper's 0.5 where never clear), temporal linear
  interpolation, sequence-to-sequence internal learning driven by noise or by S1 (a short preset
  by default), and the sequence-to-point network when a MODEL is given.

Pixels that are nodata in the target (or the prediction) are left out of every metric; SSIM is
then the mean of the SSIM map over the remaining pixels, with nodata pixels set to 0 in both
images before filtering (the zero padding of the border, extended to holes).
"""

import datetime as _dt
import math
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass

import numpy as np

from . import report as rep
from .errors import InputError
from .folder_entries import move_replacing
from .metrics import image_metrics, psnr_from_rmse, rmse, sam, ssim_map, to_unit
from .plugin_metadata import plugin_version
from .reporting import Reporter, ScaledReporter, Stopwatch

DEFAULT_EVAL_MEMORY_MB = 2048
DEFAULT_BENCHMARK_MEMORY_MB = 2048
SCALES = ("auto", "dn", "reflectance")
PROTOCOLS = ("seq2seq", "seq2point")
METHODS = ("least_cloudy", "mosaic", "temporal_linear", "seq2seq_noise", "seq2seq_s1", "seq2point")
METHOD_LABELS = {
    "least_cloudy": "least cloudy",
    "mosaic": "mosaicing",
    "temporal_linear": "temporal linear interpolation",
    "seq2seq_noise": "seq2seq (noise input)",
    "seq2seq_s1": "seq2seq (S1 input)",
    "seq2point": "seq2point (CR-TS Net)",
}
INPUT_SELECTIONS = ("first", "nearest")
NETWORK_METHODS = ("seq2seq_noise", "seq2seq_s1", "seq2point")
PAPER_FALLBACK = 0.5
_RGB = ("B04", "B03", "B02")
# rough cost of one method in 'seq2seq steps' (progress bar shares only)
_BASELINE_COST = 2.0
_SEQ2POINT_COST = 20.0


# =============================================================================================
# metrics with nodata

def masked_image_metrics(prediction, target, valid=None, cloud=None, cloud_known=None):
    """:func:`core.metrics.image_metrics` over the ``valid`` pixels only (rows x cols bool; None:
    all). ``cloud`` (true = cloudy) gives rmse_cloudy / rmse_clear over the valid pixels where
    ``cloud_known`` (default: everywhere). Adds ``pixels`` (evaluated) and ``excluded_pixels``."""
    prediction = np.asarray(prediction, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if prediction.ndim == 2:
        prediction, target = prediction[None], target[None]
    shape = prediction.shape[1:]
    if prediction.shape != target.shape:
        raise InputError(f"The prediction {prediction.shape} and the target {target.shape} differ in shape.")
    valid = np.ones(shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    known = np.ones(shape, dtype=bool) if cloud_known is None else np.asarray(cloud_known, dtype=bool)
    n = int(np.count_nonzero(valid))
    if n == 0:
        raise InputError("No pixel is valid in both the prediction and the target: nothing to evaluate.")
    if n == valid.size and known.all():
        result = image_metrics(prediction, target, cloud)
    else:
        value = rmse(prediction, target, valid)
        p0 = np.where(valid, prediction, 0.0)
        t0 = np.where(valid, target, 0.0)
        ssim_value = float(np.mean([ssim_map(p, t)[valid].mean() for p, t in zip(p0, t0)]))
        angle, skipped = sam(prediction[:, valid][:, :, None], target[:, valid][:, :, None])
        result = {"rmse": value, "psnr": psnr_from_rmse(value), "ssim": ssim_value, "sam": angle,
                  "sam_skipped": skipped}
        if cloud is not None:
            cloud = np.asarray(cloud, dtype=bool)
            cloudy = cloud & valid & known
            clear = ~cloud & valid & known
            result["rmse_cloudy"] = rmse(prediction, target, cloudy)
            result["rmse_clear"] = rmse(prediction, target, clear)
            result["cloudy_pixels"] = int(np.count_nonzero(cloudy))
            result["clear_pixels"] = int(np.count_nonzero(clear))
    result["pixels"] = n
    result["excluded_pixels"] = int(valid.size - n)
    return result


# =============================================================================================
# one prediction against one target

def _scale_is_dn(info, data, valid, scale):
    """True when the values are digital numbers (÷ 10000), False for reflectance."""
    if scale == "dn":
        return True
    if scale == "reflectance":
        return False
    if not info.is_float:
        return True
    values = data[:, valid]
    values = values[np.isfinite(values)]
    return bool(values.size and float(np.median(values)) > 50.0)


def _common_bands(target_info, prediction_info, reporter):
    """(target band numbers, prediction band numbers, names) of the bands both images have."""
    lt, lp = target_info.layout, prediction_info.layout
    if lt.known and lp.known:
        names = [n for n in lt.names if n in lp.names]
        if not names:
            raise InputError(f"The PREDICTION's bands ({' '.join(lp.names)}) and the TARGET's bands "
                             f"({' '.join(lt.names)}) have nothing in common.")
        if len(names) < max(len(lt.names), len(lp.names)):
            reporter.warning(f"Scored on the {len(names)} bands both images have: {' '.join(names)}.")
        return ([lt.names.index(n) + 1 for n in names], [lp.names.index(n) + 1 for n in names], names)
    if target_info.count != prediction_info.count:
        raise InputError(f"The PREDICTION has {prediction_info.count} band(s) and the TARGET "
                         f"{target_info.count}; name the bands (band descriptions B02, B03, ...) to "
                         "score the bands they share.")
    names = lt.names if lt.known else (lp.names if lp.known else [f"band {i + 1}" for i in range(lt.count)])
    bands = list(range(1, target_info.count + 1))
    return bands, bands, list(names)


def evaluation_memory_mb(pixels, bands):
    """Working memory (MB) of :func:`evaluate_rasters` for an image pair."""
    per_pixel = bands * (3 * 8 + 2 * 4) + 16 * 8 + 4
    return pixels * per_pixel / 2 ** 20


def evaluate_rasters(prediction_path, target_path, mask_path=None, extent=None, extent_crs=None,
                     scale="auto", memory_mb=DEFAULT_EVAL_MEMORY_MB, report_path=None, reporter=None):
    """Score ``prediction_path`` against ``target_path`` on the target's grid (cropped to ``extent``).

    The prediction (and the mask) are read onto the target's grid (resampled when on another grid,
    with a warning). Values go to [0, 1]: integer rasters and float rasters with a median above 50
    are digital numbers (clip 0..10000, ÷ 10000), other float rasters reflectance (clip 0..1);
    ``scale`` ('dn' or 'reflectance') forces it for both. Bands are matched by name when both
    rasters name them. Pixels nodata in either image are left out. ``mask_path``: 1 (any value
    other than 0 and the mask's nodata) = cloudy in the inputs. Images needing more than
    ``memory_mb`` are refused (crop them with ``extent``). ``report_path`` (.json or .html)
    receives a report. Returns a dict of the metrics and what was evaluated.
    """
    from .grid import bounds_in_crs
    from .grid_reader import BILINEAR, NEAREST, GridReader
    from .raster_info import describe_raster
    from .validity import valid_pixels
    from .windows import Window

    reporter = reporter or Reporter()
    clock = Stopwatch()
    if scale not in SCALES:
        raise InputError(f"Unknown SCALE {scale!r}: use one of {', '.join(SCALES)}.")
    kind = None
    if report_path:
        kind = os.path.splitext(str(report_path))[1].lower()
        if kind not in (".json", ".html", ".htm"):
            raise InputError(f"OUTPUT_REPORT must end in .json or .html (got {report_path}).")
    target_info = describe_raster(target_path, "TARGET")
    prediction_info = describe_raster(prediction_path, "PREDICTION")
    mask_info = describe_raster(mask_path, "MASK") if mask_path else None
    grid = target_info.grid
    if extent is not None:
        cropped = grid.crop(bounds_in_crs(extent, extent_crs, grid.crs))
        if cropped is None:
            raise InputError(f"The extent does not overlap the TARGET ({grid.describe()}).")
        grid = cropped
    t_bands, p_bands, names = _common_bands(target_info, prediction_info, reporter)
    need = evaluation_memory_mb(grid.pixels, len(names))
    if need > memory_mb:
        raise InputError(
            f"The images are {grid.width} x {grid.height} px with {len(names)} bands: evaluating them "
            f"needs about {need:.0f} MB, more than the memory budget of {memory_mb:g} MB (MEMORY_MB). "
            "Evaluate a region of interest (EXTENT) or raise MEMORY_MB.")
    reporter.info(f"Target: {target_info.name} ({grid.describe()}); prediction: {prediction_info.name}; "
                  f"{len(names)} bands ({' '.join(names)}); about {need:.0f} MB.")

    window = Window(0, 0, grid.height, grid.width)
    arrays = {}
    for key, info, bands, how in (("target", target_info, t_bands, BILINEAR),
                                  ("prediction", prediction_info, p_bands, BILINEAR)):
        reader = GridReader(info, grid, how, bands=bands)
        if reader.resampled:
            reporter.warning(f"The {info.label} is not on the TARGET's grid: it is resampled (bilinear).")
        try:
            arrays[key] = reader.read(window)
        finally:
            reader.close()
    reporter.check_cancelled()
    t_raw, p_raw = arrays["target"], arrays["prediction"]
    t_valid = valid_pixels(t_raw, target_info.nodata)
    p_valid = valid_pixels(p_raw, prediction_info.nodata)
    valid = t_valid & p_valid
    t_dn = _scale_is_dn(target_info, t_raw, t_valid, scale)
    p_dn = _scale_is_dn(prediction_info, p_raw, p_valid, scale)
    target = to_unit(np.nan_to_num(t_raw.astype(np.float64)), reflectance=not t_dn)
    prediction = to_unit(np.nan_to_num(p_raw.astype(np.float64)), reflectance=not p_dn)
    del arrays, t_raw, p_raw

    cloud = known = None
    if mask_info is not None:
        reader = GridReader(mask_info, grid, NEAREST, bands=[1])
        if reader.resampled:
            reporter.warning("The MASK is not on the TARGET's grid: it is resampled (nearest neighbour).")
        try:
            values = reader.read(window)[0]
        finally:
            reader.close()
        known = np.ones(values.shape, dtype=bool)
        if np.issubdtype(values.dtype, np.floating):
            known &= np.isfinite(values)
        if mask_info.nodata is not None and not (isinstance(mask_info.nodata, float) and math.isnan(mask_info.nodata)):
            known &= values != mask_info.nodata
        cloud = known & (np.nan_to_num(values) != 0)
    reporter.set_progress(30.0)
    reporter.check_cancelled()
    scores = masked_image_metrics(prediction, target, valid, cloud, known)
    reporter.set_progress(90.0)

    result = dict(scores)
    result.update(
        prediction=prediction_info.path, target=target_info.path, mask=mask_info.path if mask_info else None,
        prediction_name=prediction_info.name, target_name=target_info.name, bands=names,
        grid=grid.describe(), width=grid.width, height=grid.height,
        prediction_scale="DN / 10000" if p_dn else "reflectance",
        target_scale="DN / 10000" if t_dn else "reflectance",
        sam_unit="degrees", seconds=clock.seconds, finished=_now())
    reporter.info(f"RMSE {scores['rmse']:.5f}, PSNR {scores['psnr']:.2f} dB, SSIM {scores['ssim']:.4f}, "
                  f"SAM {scores['sam']:.3f}° over {scores['pixels']} px "
                  f"({scores['excluded_pixels']} nodata px left out).")
    if scores.get("sam_skipped"):
        reporter.info(f"SAM: {scores['sam_skipped']} pixel(s) with a zero spectrum have no angle and were skipped.")
    if cloud is not None:
        reporter.info(f"RMSE over cloudy pixels {scores['rmse_cloudy']:.5f} ({scores['cloudy_pixels']} px), "
                      f"over clear pixels {scores['rmse_clear']:.5f} ({scores['clear_pixels']} px).")
    if kind:
        _write_evaluation_report(report_path, kind, result, prediction, target, valid, cloud, known, names)
        reporter.info(f"Report: {report_path}")
        result["report"] = report_path
    reporter.set_progress(100.0)
    return result


def _write_evaluation_report(path, kind, result, prediction, target, valid, cloud, known, names):
    facts = [("prediction", result["prediction"]), ("target", result["target"]),
             ("cloud mask", result["mask"] or "none"), ("grid", result["grid"]),
             ("bands", " ".join(names)),
             ("scaling", f"prediction {result['prediction_scale']}, target {result['target_scale']} "
                         "(clipped to [0, 1])"),
             ("pixels", f"{result['pixels']} evaluated, {result['excluded_pixels']} nodata left out"),
             ("SAM", f"degrees; {result['sam_skipped']} zero-norm pixel(s) skipped")]
    if cloud is not None:
        facts.append(("cloudy / clear", f"{result['cloudy_pixels']} / {result['clear_pixels']} px"))
    result["facts"] = facts
    if kind == ".json":
        rep.write_json(path, {k: v for k, v in result.items() if k != "facts"})
        return
    error = rep.abs_error(prediction, target)
    error[~valid] = np.nan
    result["error_max"] = rep.error_scale([result["rmse"]])
    images = []
    rgb = [names.index(b) for b in _RGB] if all(b in names for b in _RGB) else None
    if rgb is None and len(names) >= 3:
        rgb = [0, 1, 2]
    if rgb is not None:
        stretch = rep.rgb_stretch(target, rgb, valid)
        images.append(("prediction", rep.rgb_image(prediction, rgb, stretch, valid)))
        images.append(("target", rep.rgb_image(target, rgb, stretch, valid)))
    images.append(("mean |error| over bands", rep.error_image(error, result["error_max"])))
    if cloud is not None:
        images.append(("cloud mask (white = cloudy in the inputs)", rep.mask_image(cloud, known)))
    rep.write_html(path, rep.evaluation_html(result, images))


# =============================================================================================
# the benchmark

@dataclass
class BenchmarkOptions:
    """What :func:`run_benchmark` runs. ``passes`` / ``steps`` (0: the preset's) override the
    seq2seq schedule; ``max_dates`` (0: all) keeps only that many dates of the series for the
    sequence-to-sequence protocol (the target, the source and the dates nearest the target)."""

    protocols: tuple = PROTOCOLS
    methods: tuple = METHODS
    preset: str = "fast"
    passes: int = 0
    steps: int = 0
    max_dates: int = 0
    n_inputs: int = 3
    input_selection: str = "first"
    device: str = "auto"
    preferred_device: str = ""
    seed: int = 0
    tile_size: int = 256
    tile_overlap: int = 32
    max_days: int = 14
    memory_mb: int = DEFAULT_BENCHMARK_MEMORY_MB
    thumbnail: int = 320
    model: str = ""
    registry_file: str = ""

    def check(self):
        self.protocols = tuple(self.protocols or ())
        self.methods = tuple(self.methods or ())
        bad = [p for p in self.protocols if p not in PROTOCOLS]
        if bad or not self.protocols:
            raise InputError(f"Unknown or no protocol {bad or ''}: use {', '.join(PROTOCOLS)}.")
        bad = [m for m in self.methods if m not in METHODS]
        if bad or not self.methods:
            raise InputError(f"Unknown or no method {bad or ''}: use {', '.join(METHODS)}.")
        if self.input_selection not in INPUT_SELECTIONS:
            raise InputError(f"Unknown input selection {self.input_selection!r}: use {', '.join(INPUT_SELECTIONS)}.")
        if int(self.n_inputs) < 1:
            raise InputError("The sequence-to-point protocol needs at least 1 input date (N_INPUTS).")
        if self.max_dates and int(self.max_dates) < 3:
            raise InputError(f"MAX_DATES must be 0 (all) or at least 3 (got {self.max_dates}).")
        return self


class _Case:
    """What the protocol methods of core.evaluation_protocol read: arrays, data, clear, target."""

    def __init__(self, arrays, data, clear, target):
        self.arrays = arrays
        self.data = data
        self.clear = clear
        self.target = target

    @property
    def dates(self):
        return self.arrays.dates

    @property
    def valid(self):
        return self.arrays.valid


def _subset(arrays, indexes):
    from .evaluation_protocol import SeriesArrays

    idx = list(indexes)
    return SeriesArrays(arrays.data[idx].copy(), arrays.clear[idx].copy(), arrays.valid[idx].copy(),
                        [arrays.dates[k] for k in idx], [arrays.names[k] for k in idx],
                        None if arrays.s1 is None else arrays.s1[idx].copy(),
                        None if arrays.s1_paired is None else [arrays.s1_paired[k] for k in idx],
                        arrays.grid, arrays.scale)


def _day(arrays, k):
    d = arrays.dates[k]
    return d.toordinal() if d is not None else k


def _date_text(arrays, k):
    d = arrays.dates[k]
    return d.isoformat() if d is not None else arrays.names[k]


def _now():
    return _dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _torch_available():
    import importlib.util

    return importlib.util.find_spec("torch") is not None


class _Progress:
    """Shares of the progress bar by estimated cost."""

    def __init__(self, reporter, start, end, costs):
        self.reporter = reporter
        self.start = start
        self.end = end
        self.total = max(sum(costs.values()), 1e-9)
        self.costs = costs
        self.done = 0.0

    def stage(self, key):
        a = self.start + (self.end - self.start) * self.done / self.total
        self.done += self.costs.get(key, 0.0)
        b = self.start + (self.end - self.start) * self.done / self.total
        return ScaledReporter(self.reporter, a, b)


def _read_truth(path, info_role, grid, band_names, reporter):
    """The true cloud-free image (bands x rows x cols in [0, 1]) and its valid pixels."""
    from .grid_reader import BILINEAR, GridReader
    from .raster_info import describe_raster
    from .validity import valid_pixels
    from .windows import Window

    info = describe_raster(path, info_role)
    if info.layout.known and all(b in info.layout.names for b in band_names):
        bands = [info.layout.names.index(b) + 1 for b in band_names]
    elif info.count == len(band_names):
        bands = list(range(1, info.count + 1))
    else:
        raise InputError(f"The {info.label_and_path} has bands {' '.join(info.layout.names)}; the series has "
                         f"{' '.join(band_names)}.")
    reader = GridReader(info, grid, BILINEAR, bands=bands)
    if reader.resampled:
        reporter.warning(f"The {info.label} is not on the reference grid: it is resampled (bilinear).")
    try:
        raw = reader.read(Window(0, 0, grid.height, grid.width))
    finally:
        reader.close()
    valid = valid_pixels(raw, info.nodata)
    dn = _scale_is_dn(info, raw, valid, "auto")
    return to_unit(np.nan_to_num(raw.astype(np.float64)), reflectance=not dn).astype(np.float32), valid


def benchmark_memory_mb(dates, bands, pixels, has_s1):
    """Working memory (MB) of :func:`run_benchmark`: the series three times over (read, blended copy,
    predictions), masks and S1."""
    per_pixel = dates * (bands * 4 * 3 + 3 * 3 + (2 * 4 * 2 if has_s1 else 2 * 4)) + bands * 8 * 8
    return pixels * per_pixel / 2 ** 20


def run_benchmark(s2_paths, mask_paths, output_folder, s1_paths=None, truth_paths=None, extent=None,
                  extent_crs=None, options=None, reporter=None, cloudmask_settings=None):
    """Run the paper's protocols over a series for every requested method; write the report folder.

    ``mask_paths`` (one per S2 layer) may be empty: masks are then computed with s2cloudless.
    ``truth_paths`` (optional, one cloud-free image per S2 layer, e.g. the generated sample's): the
    target is then scored against its true cloud-free image instead of the observed target.
    Returns a dict: ``html``, ``json``, ``folder``, ``device``, ``protocols`` (rows per protocol).
    Nothing is left in ``output_folder`` when the run fails or is cancelled.
    """
    from .series_masks import CloudMaskSettings, series_masks

    reporter = reporter or Reporter()
    options = (options or BenchmarkOptions()).check()
    harmonize = (cloudmask_settings or CloudMaskSettings()).harmonize
    if not output_folder:
        raise InputError("No output folder was given.")
    output_folder = os.path.abspath(str(output_folder))
    s2_paths = [p for p in (s2_paths or []) if p]
    truth_paths = [p for p in (truth_paths or []) if p]
    s1_paths = [p for p in (s1_paths or []) if p]
    if truth_paths and len(truth_paths) != len(s2_paths):
        raise InputError(f"{len(truth_paths)} truth layer(s) for {len(s2_paths)} S2 layers: give one "
                         "cloud-free image per S2 layer, in the same order, or none.")
    try:
        os.makedirs(output_folder, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create the output folder {output_folder}: {exc}") from exc
    staging = tempfile.mkdtemp(prefix=".s2cf-report-", dir=output_folder)
    try:
        with series_masks(s2_paths, mask_paths, extent, extent_crs, cloudmask_settings, reporter,
                          None, "cpu", share=25.0) as (masks, stage):
            result = _benchmark(s2_paths, masks, bool(mask_paths), staging, s1_paths, truth_paths, extent,
                                extent_crs, options, stage, harmonize)
        for name in os.listdir(staging):
            move_replacing(os.path.join(staging, name), os.path.join(output_folder, name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result["html"] = os.path.join(output_folder, "index.html")
    result["json"] = os.path.join(output_folder, "report.json")
    result["folder"] = output_folder
    reporter.info(f"Report: {result['html']} (numbers: {result['json']})")
    return result


def _benchmark(s2_paths, mask_paths, masks_given, folder, s1_paths, truth_paths, extent, extent_crs,
               options, reporter, harmonize="auto"):
    from . import evaluation_protocol as ep
    from .time_series import open_time_series

    clock = Stopwatch()
    started = _now()
    series = open_time_series(s2_paths, mask_paths, extent, extent_crs, Reporter(), require_masks=True,
                              harmonize=harmonize)
    grid, names = series.grid, list(series.output_bands)
    need = benchmark_memory_mb(len(series), len(names), grid.pixels, bool(s1_paths))
    if need > options.memory_mb:
        raise InputError(
            f"The benchmark holds the series in memory: {len(series)} dates of {grid.width} x {grid.height} px "
            f"with {len(names)} bands need about {need:.0f} MB, more than MEMORY_MB = {options.memory_mb:g} MB. "
            "Choose a smaller region of interest (EXTENT), fewer dates, or raise MEMORY_MB.")
    reporter.info(f"Series: {len(series)} dates, {grid.describe()}, bands {' '.join(names)}; "
                  f"about {need:.0f} MB in memory.")

    # which methods can run, and on what
    wanted = list(options.methods)
    skipped_everywhere = {}
    torch_device = None
    device_text = "cpu (no network method)"
    network = [m for m in wanted if m in NETWORK_METHODS and not (m == "seq2point" and not options.model)]
    if network and not _torch_available():
        for m in network:
            skipped_everywhere[m] = "the Python package torch is not installed"
        reporter.warning("torch is not installed: the network methods are skipped.")
        network = []
    if network:
        from .device import describe_device, resolve_device

        torch_device = resolve_device(options.device or "auto", options.preferred_device or None)
        device_text = describe_device(torch_device)
        reporter.info(f"Device: {device_text} (asked for: {options.device or 'auto'}).")
    if "seq2seq_s1" in wanted and not s1_paths:
        skipped_everywhere["seq2seq_s1"] = "no S1 layers given"
    if "seq2point" in wanted and not options.model:
        skipped_everywhere["seq2point"] = "no MODEL given (train one with s2cloudfree:train_seq2point)"

    model = None
    if "seq2point" in wanted and "seq2point" not in skipped_everywhere and "seq2point" in options.protocols:
        model = _load_seq2point_model(options, torch_device, names, bool(s1_paths), reporter)
        if isinstance(model, str):
            skipped_everywhere["seq2point"] = model
            model = None

    reporter.set_progress(1.0)
    arrays = ep.load_series(s2_paths, mask_paths, s1_paths or None, extent, extent_crs, options.max_days,
                            reporter, options.seed, harmonize)
    reporter.check_cancelled()
    reporter.set_progress(5.0)
    input_index = {item.name: item.input_index for item in series.items}
    n = len(arrays)
    cloud_share = [float(1.0 - arrays.clear[k].sum() / arrays.clear[k].size) for k in range(n)]
    truth_cache = {}

    def truth_of(k):
        if not truth_paths:
            return None
        if k not in truth_cache:
            path = truth_paths[input_index[arrays.names[k]]]
            truth_cache[k] = _read_truth(path, f"truth layer of {arrays.names[k]}", grid, names, reporter)
        return truth_cache[k]

    schedule = None
    if any(m.startswith("seq2seq") for m in wanted):
        from .seq2seq import make_schedule

        schedule = make_schedule(options.preset, passes=options.passes, steps=options.steps)

    rgb = [names.index(b) for b in _RGB] if all(b in names for b in _RGB) else [0, 1, 2][:min(3, len(names))]
    plans = []
    if "seq2seq" in options.protocols:
        plans.append(_plan_seq2seq(arrays, options, ep))
    if "seq2point" in options.protocols:
        plans.append(_plan_seq2point(arrays, options, model))
    costs = {}
    for plan in plans:
        for m in wanted:
            if m in skipped_everywhere or m in plan.get("skip", {}):
                continue
            if m.startswith("seq2seq"):
                costs[(plan["id"], m)] = _seq2seq_cost(schedule, plan["dates"], grid, options)
            else:
                costs[(plan["id"], m)] = _SEQ2POINT_COST if m == "seq2point" else _BASELINE_COST
    progress = _Progress(reporter, 5.0, 95.0, costs)
    os.makedirs(os.path.join(folder, "img"), exist_ok=True)
    rep.write_png(os.path.join(folder, "img", "colorbar.png"), rep.colorbar_image())

    protocols = []
    for plan in plans:
        if plan["id"] == "seq2seq":
            protocols.append(_run_seq2seq_protocol(plan, arrays, options, wanted, skipped_everywhere, schedule,
                                                   torch_device, truth_of, rgb, cloud_share, folder, progress,
                                                   reporter, ep))
        else:
            protocols.append(_run_seq2point_protocol(plan, arrays, options, wanted, skipped_everywhere, schedule,
                                                     torch_device, model, names, truth_of, rgb, cloud_share,
                                                     folder, progress, reporter, ep))
    reporter.set_progress(96.0)

    finished = _now()
    masks_text = "given" if masks_given else "computed with s2cloudless (0.4 / 4 / 2)"
    dates_text = (f"{_date_text(arrays, 0)} to {_date_text(arrays, n - 1)}" if n else "")
    description = f"{n} dates ({dates_text}), {grid.width} x {grid.height} px, {len(names)} bands"
    facts = [("series", description), ("grid", grid.describe()), ("cloud masks", masks_text),
             ("Sentinel-1", f"{len(s1_paths)} layer(s)" if s1_paths else "none (seq2seq uses noise only)"),
             ("scored against", "the true cloud-free images (TRUTH layers)" if truth_paths
              else "the observed target date (it may hold some clouds of its own)"),
             ("device", device_text)]
    if schedule is not None:
        facts.append(("seq2seq schedule", schedule.describe()))
    if options.model:
        facts.append(("seq2point model", options.model))
    facts.append(("time", f"{clock.seconds:.1f} s, finished {finished}"))
    run = {"started": started, "finished": finished, "seconds": clock.seconds, "device": device_text,
           "device_requested": options.device, "plugin_version": plugin_version(),
           "python": platform.python_version(), "numpy": np.__version__}
    if torch_device is not None:
        import torch

        run["torch"] = torch.__version__
    report = {
        "title": "S2 CloudFree — cloud removal benchmark",
        "json_name": "report.json",
        "run": run,
        "facts": facts,
        "series": {"description": description, "dates": [_date_text(arrays, k) for k in range(n)],
                   "names": list(arrays.names), "not_clear_fraction": cloud_share, "bands": names,
                   "width": grid.width, "height": grid.height, "grid": grid.describe(),
                   "masks": masks_text, "s1_layers": len(s1_paths), "truth_layers": len(truth_paths),
                   "s1_paired": arrays.s1_paired},
        "options": asdict(options),
        "protocols": protocols,
        "metric_help": [{"metric": k, "meaning": v} for k, v in rep.METRIC_HELP],
        "paper": list(rep.PAPER_FIGURES),
        "conventions": {"scale": "reflectance on [0, 1]: DN clipped to [0, 10000] / 10000",
                        "sam_unit": "degrees", "ssim": "11x11 Gaussian, sigma 1.5, zero padding",
                        "nan": "null in this file; infinite PSNR is the string 'inf'"},
    }
    rep.write_json(os.path.join(folder, "report.json"), report)
    rep.write_html(os.path.join(folder, "index.html"), rep.benchmark_html(report))
    reporter.set_progress(100.0)
    for protocol in protocols:
        reporter.info(ep.format_table(protocol["rows"], title=protocol["title"]) if protocol["rows"]
                      else f"{protocol['title']}: no method ran.")
    return {"device": device_text, "network_device": str(torch_device) if torch_device is not None else "",
            "protocols": {p["id"]: p["rows"] for p in protocols}, "report": report}


def _seq2seq_cost(schedule, dates, grid, options):
    from .seq2seq import plan_tiles

    tiles = plan_tiles(grid.height, grid.width, options.tile_size, options.tile_overlap)
    batch = min(schedule.batch_dates, dates)
    pixels = sum(t.window.height * t.window.width for t in tiles)
    return schedule.total_steps(dates) * batch * pixels / (5.0 * 128 * 128)


def _load_seq2point_model(options, device, names, has_s1, reporter):
    """(net, config) of the MODEL, or a string saying why seq2point cannot run."""
    from ..models.checkpoint import load_model
    from ..models.crtsnet import describe_config
    from ..models.registry import resolve_model

    path = resolve_model(options.model, registry_file=options.registry_file or None, reporter=reporter)
    net, config, _payload = load_model(path, device)
    reporter.info(f"seq2point model {path}: {describe_config(config)}.")
    missing = [b for b in config["bands"] if b not in names]
    if missing:
        return f"the model needs the bands {' '.join(missing)}, which the series lacks"
    if config["use_s1"] and not has_s1:
        return "the model was trained with S1 inputs and no S1 layers were given"
    return {"net": net, "config": config, "path": path}


# --------------------------------------------------------------------------------------------- plans

def _plan_seq2seq(arrays, options, ep):
    n = len(arrays)
    target, source = ep.select_dates(arrays)
    keep = list(range(n))
    if options.max_dates and options.max_dates < n:
        others = sorted((k for k in range(n) if k not in (target, source)),
                        key=lambda k: (abs(_day(arrays, k) - _day(arrays, target)), k))
        keep = sorted([target, source] + others[:options.max_dates - 2])
    return {"id": "seq2seq", "target": target, "source": source, "keep": keep, "dates": len(keep), "skip": {}}


def _plan_seq2point(arrays, options, model):
    n_total = len(arrays)
    n = int(model["config"]["n_inputs"]) if model else int(options.n_inputs)
    if n_total < n + 1:
        raise InputError(f"The sequence-to-point protocol needs {n} input dates and a target: give at least "
                         f"{n + 1} S2 layers (got {n_total}).")
    clear_counts = arrays.clear.reshape(n_total, -1).sum(axis=1)
    target = int(np.argmax(clear_counts))
    others = [k for k in range(n_total) if k != target]
    if options.input_selection == "nearest":
        inputs = sorted(sorted(others, key=lambda k: (abs(_day(arrays, k) - _day(arrays, target)), k))[:n])
    else:
        inputs = others[:n]
    return {"id": "seq2point", "target": target, "inputs": inputs, "dates": n + 1, "n": n,
            "skip": {}}


# --------------------------------------------------------------------------------------------- runs

def _score(name, image, truth, valid, cloud, seconds, extra=None):
    scores = masked_image_metrics(np.clip(np.nan_to_num(image, nan=PAPER_FALLBACK), 0, 1), truth, valid, cloud)
    scores.update(method=name, label=METHOD_LABELS.get(name, name), seconds=seconds)
    if extra:
        scores.update(extra)
    return scores


def _run_methods(protocol_id, table, wanted, skipped_everywhere, plan_skip, truth, valid, cloud, progress,
                 reporter):
    rows, predictions, skipped = [], {}, []
    for name in wanted:
        reason = skipped_everywhere.get(name) or plan_skip.get(name)
        if reason is None and name not in table:
            continue
        if reason is not None:
            skipped.append({"method": name, "label": METHOD_LABELS[name], "reason": reason})
            continue
        stage = progress.stage((protocol_id, name))
        reporter.check_cancelled()
        reporter.info(f"{protocol_id} protocol: {METHOD_LABELS[name]} ...")
        started = time.perf_counter()
        image, extra = table[name](stage)
        seconds = time.perf_counter() - started
        stage.set_progress(100.0)
        bands = (extra or {}).pop("_bands", None)
        t, p = (truth, image) if bands is None else (truth[bands], image)
        row = _score(name, p, t, valid, cloud, seconds, extra)
        rows.append(row)
        predictions[name] = (image, bands)
        reporter.info(f"  {row['label']}: RMSE {row['rmse']:.4f}, PSNR {row['psnr']:.2f}, SSIM {row['ssim']:.4f}, "
                      f"SAM {row['sam']:.2f}° ({seconds:.1f} s)")
    return rows, predictions, skipped


def _run_seq2seq_protocol(plan, arrays, options, wanted, skipped_everywhere, schedule, device, truth_of, rgb,
                          cloud_share, folder, progress, reporter, ep):
    full_target, full_source = plan["target"], plan["source"]
    sub = _subset(arrays, plan["keep"]) if len(plan["keep"]) < len(arrays) else arrays
    target, source = plan["keep"].index(full_target), plan["keep"].index(full_source)
    case = ep.make_case(sub, target=target, source=source)
    truth = truth_of(full_target)
    if truth is not None:
        case.truth, valid = truth[0], truth[1] & arrays.valid[full_target]
    else:
        valid = arrays.valid[full_target].copy()
    reporter.info(f"Sequence-to-sequence protocol: {case.describe()}; {len(plan['keep'])} dates.")
    dev = str(device) if device is not None else "cpu"

    def seq2seq_runner(use_s1):
        def run(stage):
            image = ep.seq2seq_method(case, use_s1, schedule, dev, options.seed, options.tile_size,
                                      options.tile_overlap, reporter=stage)
            return image, None
        return run

    table = {
        "least_cloudy": lambda stage: (ep.least_cloudy_method(case), None),
        "mosaic": lambda stage: (ep.mosaic_method(case), None),
        "temporal_linear": lambda stage: (ep.temporal_linear_method(case), None),
        "seq2seq_noise": seq2seq_runner(False),
        "seq2seq_s1": seq2seq_runner(True),
    }
    plan_skip = {"seq2point": "a sequence-to-point network makes one image from n dates; "
                              "see the sequence-to-point protocol"}
    rows, predictions, skipped = _run_methods("seq2seq", table, wanted, skipped_everywhere, plan_skip, case.truth,
                                              valid, case.cloud, progress, reporter)
    own_cloud = arrays.valid[full_target] & ~arrays.clear[full_target]
    source_cloud = arrays.valid[full_source] & ~arrays.clear[full_source]
    blended_cloud = case.cloud | (own_cloud & ~case.cloud)
    inputs = [
        {"image": arrays.data[full_target], "valid": arrays.valid[full_target], "cloud": own_cloud,
         "caption": f"target {_date_text(arrays, full_target)} as observed "
                    f"({100 * cloud_share[full_target]:.0f} % not clear)"},
        {"image": arrays.data[full_source], "valid": arrays.valid[full_source], "cloud": source_cloud,
         "caption": f"source {_date_text(arrays, full_source)} ({100 * cloud_share[full_source]:.0f} % not clear)"},
        {"image": case.data[target], "valid": case.valid[target], "cloud": blended_cloud,
         "caption": "input: target + the source's clouds",
         "mask_caption": f"cloud region to fill ({100 * case.cloud.mean():.0f} %)"},
    ]
    target_caption = (f"truth {_date_text(arrays, full_target)} (cloud-free)" if truth is not None
                      else f"target {_date_text(arrays, full_target)} as observed")
    images = _write_panels(folder, "seq2seq", inputs, case.truth, valid, target_caption, predictions, rows, rgb,
                           options.thumbnail)
    schedule_text = schedule.describe() if schedule is not None else "—"
    facts = [("target (least cloudy)",
              f"{arrays.names[full_target]}, {100 * cloud_share[full_target]:.1f} % not clear"),
             ("source (most cloudy)", f"{arrays.names[full_source]}, {100 * cloud_share[full_source]:.1f} % not clear"),
             ("blended cloud region", f"{100 * case.cloud.mean():.1f} % of the target ({int(case.cloud.sum())} px)"),
             ("dates in the series", f"{len(plan['keep'])} of {len(arrays)}"
              + (" (MAX_DATES: the target, the source and the dates nearest the target)"
                 if len(plan["keep"]) < len(arrays) else "")),
             ("seq2seq schedule", schedule_text)]
    notes = ["RMSE cloudy is over the blended cloud region, RMSE clear over the rest of the target. "
             "seq2seq keeps the target's observed clear pixels, as the seq2seq algorithm writes them."]
    return {
        "id": "seq2seq", "title": "Sequence-to-sequence protocol",
        "description": ("The least cloudy date is the target; the cloudy pixels of the most cloudy date are "
                        "blended onto it; each method reconstructs the series and its image of the target "
                        "date is scored against the original target (Ebel et al. 2022, seq2seq evaluation)."),
        "facts": facts,
        "target": {"index": full_target, "name": arrays.names[full_target], "date": _date_text(arrays, full_target),
                   "not_clear_fraction": cloud_share[full_target], "truth": truth is not None},
        "source": {"index": full_source, "name": arrays.names[full_source], "date": _date_text(arrays, full_source),
                   "not_clear_fraction": cloud_share[full_source]},
        "blended_fraction": float(case.cloud.mean()),
        "dates_used": [arrays.names[k] for k in plan["keep"]],
        "rows": rows, "skipped": skipped, "images": images, "notes": notes,
    }


def _run_seq2point_protocol(plan, arrays, options, wanted, skipped_everywhere, schedule, device, model, names,
                            truth_of, rgb, cloud_share, folder, progress, reporter, ep):
    target, inputs = plan["target"], plan["inputs"]
    n = plan["n"]
    truth = truth_of(target)
    if truth is not None:
        truth_image, valid = truth[0], truth[1] & arrays.valid[target]
    else:
        truth_image, valid = arrays.data[target].copy(), arrays.valid[target].copy()
    only = _subset(arrays, inputs)
    input_case = _Case(only, only.data, only.clear, 0)
    cloud = ~only.clear.any(axis=0)  # cloudy (or invalid) in every input
    reporter.info(f"Sequence-to-point protocol: target {arrays.names[target]}; inputs "
                  f"{', '.join(arrays.names[k] for k in inputs)} ({options.input_selection}); "
                  f"{100 * cloud.mean():.1f} % of the pixels cloudy in every input.")
    order = sorted(inputs + [target])
    slot = order.index(target)
    with_slot = _subset(arrays, order)
    with_slot.data[slot] = 0.0  # the target date is never seen: no data, no clear pixel
    with_slot.clear[slot] = False
    with_slot.valid[slot] = False
    slot_case = _Case(with_slot, with_slot.data, with_slot.clear, slot)
    dev = str(device) if device is not None else "cpu"

    def least_cloudy(stage):
        counts = only.clear.reshape(len(inputs), -1).sum(axis=1)
        best = int(np.argmax(counts))
        return only.data[best].copy(), {"selected": arrays.names[inputs[best]]}

    def seq2seq_runner(use_s1):
        def run(stage):
            image = ep.seq2seq_method(slot_case, use_s1, schedule, dev, options.seed, options.tile_size,
                                      options.tile_overlap, reporter=stage, keep_clear=False)
            return image, None
        return run

    def seq2point(stage):
        days = ([_day(arrays, k) for k in inputs], _day(arrays, target))
        return _seq2point_predict(model, only, names, device, options, stage, days)

    table = {
        "least_cloudy": least_cloudy,
        "mosaic": lambda stage: (ep.mosaic_method(input_case), None),
        "temporal_linear": lambda stage: (ep.temporal_linear_method(slot_case), None),
        "seq2seq_noise": seq2seq_runner(False),
        "seq2seq_s1": seq2seq_runner(True),
        "seq2point": seq2point,
    }
    if model is None:
        table.pop("seq2point")
    rows, predictions, skipped = _run_methods("seq2point", table, wanted, skipped_everywhere, plan["skip"],
                                              truth_image, valid, cloud, progress, reporter)
    panel_inputs = [{"image": arrays.data[k], "valid": arrays.valid[k],
                     "cloud": arrays.valid[k] & ~arrays.clear[k],
                     "caption": f"input {_date_text(arrays, k)} ({100 * cloud_share[k]:.0f} % not clear)"}
                    for k in inputs]
    panel_inputs.append({"image": None, "valid": None, "cloud": cloud, "caption": "all inputs",
                         "mask_caption": f"cloudy in every input ({100 * cloud.mean():.0f} %)", "mask_only": True})
    target_caption = (f"truth {_date_text(arrays, target)} (cloud-free)" if truth is not None
                      else f"target {_date_text(arrays, target)} as observed")
    images = _write_panels(folder, "seq2point", panel_inputs, truth_image, valid, target_caption, predictions, rows,
                           rgb, options.thumbnail)
    selection = ("the first n dates in time order other than the target (as SEN12MS-CR-TS selects them)"
                 if options.input_selection == "first" else "the n dates nearest in time to the target")
    facts = [("target (least cloudy)", f"{arrays.names[target]}, {100 * cloud_share[target]:.1f} % not clear"),
             ("inputs", f"n = {n}: " + ", ".join(arrays.names[k] for k in inputs)),
             ("input selection", selection),
             ("cloudy in every input", f"{100 * cloud.mean():.1f} % of the pixels ({int(cloud.sum())} px)")]
    notes = ["seq2seq methods here reconstruct the inputs plus the target date, whose pixels they never see "
             "(with S1 they see the target date's S1 image, which the seq2point network does not).",
             "Least cloudy and mosaicing use the inputs only; pixels never clear get the paper's 0.5."]
    return {
        "id": "seq2point", "title": "Sequence-to-point protocol",
        "description": (f"The least cloudy date is the target; n = {n} other dates are the inputs; each method "
                        "makes one image from the inputs, scored against the target (Ebel et al. 2022, "
                        "sequence-to-point evaluation)."),
        "facts": facts,
        "target": {"index": target, "name": arrays.names[target], "date": _date_text(arrays, target),
                   "not_clear_fraction": cloud_share[target], "truth": truth is not None},
        "inputs": [{"index": k, "name": arrays.names[k], "date": _date_text(arrays, k),
                    "not_clear_fraction": cloud_share[k]} for k in inputs],
        "input_selection": options.input_selection,
        "cloudy_in_every_input_fraction": float(cloud.mean()),
        "rows": rows, "skipped": skipped, "images": images, "notes": notes,
    }


def _seq2point_predict(model, only, names, device, options, stage, days=(None, None)):
    """The model's image from the inputs ``only``; ``days`` = (the inputs' day numbers, the
    target's), which the gapfill-prior variant's estimate is made for."""
    from .seq2point import DEFAULT_OVERLAP, predict_array

    config = model["config"]
    positions = [names.index(b) for b in config["bands"]]
    s2_dn = only.data[:, positions] * 10000.0
    s1_db = None
    if config["use_s1"]:
        if only.s1 is None:
            raise InputError("The seq2point model needs S1 layers.")
        s1_db = only.s1 * 25.0 - 25.0  # back from the [0, 1] scaling of core.seq2seq (clipped at -25 dB)
        if only.s1_paired is not None and not all(only.s1_paired):
            stage.warning("Some input dates have no S1 image within MAX_DAYS: the seq2point network gets noise there.")
    tile = min(options.tile_size, 256)
    dn, _weights = predict_array(model["net"], config, s2_dn, s1_db, only.valid, device=device,
                                 tile=tile, overlap=min(DEFAULT_OVERLAP, tile // 2), reporter=stage, clear=only.clear,
                                 days=days[0], target_day=days[1])
    image = np.clip(np.nan_to_num(dn / 10000.0, nan=PAPER_FALLBACK), 0, 1).astype(np.float32)
    extra = {"model": model["path"], "bands_scored": list(config["bands"])}
    if len(positions) != len(names):
        extra["_bands"] = positions
    return image, extra


# --------------------------------------------------------------------------------------------- pictures

def _write_panels(folder, prefix, inputs, target, valid, target_caption, predictions, rows, rgb, max_side):
    img = os.path.join(folder, "img")
    stretch = rep.rgb_stretch(target, rgb, valid)
    out = {"inputs": [], "methods": []}
    for k, item in enumerate(inputs):
        entry = {"caption": item["caption"], "mask_caption": item.get("mask_caption", "its cloud mask (white = cloud)")}
        rgb_name = f"img/{prefix}_input{k}.png"
        if item.get("mask_only"):
            rgb_name = None  # only a mask: the pixels no input sees clear
        else:
            rep.write_png(os.path.join(folder, rgb_name),
                          rep.rgb_image(item["image"], rgb, stretch, item["valid"], max_side))
        mask_name = f"img/{prefix}_input{k}_mask.png"
        rep.write_png(os.path.join(folder, mask_name), rep.mask_image(item["cloud"], None, max_side))
        entry.update(rgb=rgb_name, mask=mask_name)
        out["inputs"].append(entry)
    target_name = f"img/{prefix}_target.png"
    rep.write_png(os.path.join(folder, target_name), rep.rgb_image(target, rgb, stretch, valid, max_side))
    out["target"] = target_name
    out["target_caption"] = target_caption
    errors = {}
    for name, (image, bands) in predictions.items():
        t = target if bands is None else target[bands]
        error = rep.abs_error(np.clip(image, 0, 1), t)
        error[~valid] = np.nan
        errors[name] = error
    vmax = rep.error_scale([row["rmse"] for row in rows])
    for row in rows:
        name = row["method"]
        image, bands = predictions[name]
        if bands is not None:  # a model on fewer bands: show its RGB bands where it has them
            full = np.full(target.shape, np.nan, dtype=np.float32)
            full[bands] = image
            image = full
        pred_name = f"img/{prefix}_{name}_prediction.png"
        err_name = f"img/{prefix}_{name}_error.png"
        rep.write_png(os.path.join(folder, pred_name),
                      rep.rgb_image(np.clip(image, 0, 1), rgb, stretch, valid, max_side))
        rep.write_png(os.path.join(folder, err_name), rep.error_image(errors[name], vmax, max_side))
        out["methods"].append({"method": name, "label": row["label"], "prediction": pred_name, "error": err_name})
        row["mean_abs_error"] = float(np.nanmean(errors[name]))
    out["colorbar"] = "img/colorbar.png"
    out["error_max"] = vmax
    return out
