"""Cloud and cloud-shadow masks for Level-2A (and Level-1C) with the ukis-csmask detector.

ukis-csmask (DLR, Apache-2.0, https://github.com/dlr-eoc/ukis-csmask) ships trained U-Nets
(EfficientNet-B4 encoder) as ONNX files inside its package, run with onnxruntime: nothing is
downloaded. There are four models, for Level-1C and Level-2A, with 4 bands (B02 B03 B04 B08) or 6
bands (also B11 B12); they return per pixel background, cloud or cloud shadow and were trained on
images at about 30 m (the package's advice), on reflectance in [0, 1].

This module runs it on one Sentinel-2 layer window by window: the bands are found by name, the
processing-baseline offset is removed (:mod:`core.baseline_offset`), reflectance = DN / 10000;
at ``resolution='30m'`` (the default) blocks of 30 m are averaged over their valid pixels, the
classes computed there and given back to every 10 m pixel of the block (nearest); windows overlap
by :data:`OVERLAP` working pixels so that the network sees context across window borders.

Outputs: the mask (uint8, 1 = cloud or shadow, 0 = clear, 255 = nodata) and optionally the classes
(uint8, 0 = clear, 1 = cloud, 2 = cloud shadow, 255 = nodata).
"""

import math
import os
import warnings
from contextlib import ExitStack

import numpy as np

from .dependencies import require
from .errors import InputError
from .grid import bounds_in_crs
from .grid_reader import NEAREST, GridReader
from .raster_info import describe_raster
from .raster_writer import GeoTiffWriter, check_output_path
from .reporting import ProgressSpan, Reporter, Stopwatch
from .validity import valid_pixels
from .windows import Window, plan_windows

FOUR_BANDS = ("B02", "B03", "B04", "B08")
SIX_BANDS = FOUR_BANDS + ("B11", "B12")
_NAMES = {"B02": "blue", "B03": "green", "B04": "red", "B08": "nir", "B11": "swir16", "B12": "swir22"}
PRODUCT_LEVELS = ("auto", "l2a", "l1c")
RESOLUTIONS = ("30m", "native")
#: Window overlap in working pixels (the network's context across window borders).
OVERLAP = 64
CLEAR, CLOUD, SHADOW, NODATA = 0, 1, 2, 255
_BYTES_PER_WORK_PIXEL = 400  # six bands in float32 and their normalised copy, tiles, class probabilities


def _csmask_class():
    require("onnxruntime")
    module = require("ukis_csmask.mask")
    return module.CSmask


def product_level_of(info):
    """'l2a' or 'l1c' from the layer's metadata and name; None when neither says."""
    text = " ".join([os.path.basename(info.path)] + [f"{k}={v}" for k, v in (info.tags or {}).items()]).upper()
    if "MSIL2A" in text or "BOA_ADD_OFFSET" in text or "LEVEL-2A" in text or "L2A" in text:
        return "l2a"
    if "MSIL1C" in text or "RADIO_ADD_OFFSET" in text or "LEVEL-1C" in text or "L1C" in text:
        return "l1c"
    return None


def _bands(info):
    layout = info.layout
    if not layout.known:
        raise InputError(f"The {info.label} ({info.path}) names no bands: ukis-csmask needs B02 B03 B04 B08 "
                         "(and B11 B12 for its better model) identified by the band descriptions.")
    wanted = SIX_BANDS if not layout.missing(SIX_BANDS) else FOUR_BANDS
    missing = layout.missing(wanted)
    if missing:
        raise InputError(f"The {info.label} ({info.path}) lacks {' '.join(missing)}: ukis-csmask needs "
                         f"B02 B03 B04 B08 (and B11 B12 for its 6-band model); it has {' '.join(layout.names)}.")
    return wanted, [layout.index_of(b) + 1 for b in wanted]


def _block_average(values, valid, factor):
    """(bands x ceil(h/f) x ceil(w/f) mean of the valid pixels of each block, any-valid mask)."""
    b, h, w = values.shape
    hh, ww = math.ceil(h / factor) * factor, math.ceil(w / factor) * factor
    padded = np.zeros((b, hh, ww), dtype=np.float32)
    weight = np.zeros((hh, ww), dtype=np.float32)
    padded[:, :h, :w] = np.where(valid[None], values, 0.0)
    weight[:h, :w] = valid
    sums = padded.reshape(b, hh // factor, factor, ww // factor, factor).sum(axis=(2, 4))
    counts = weight.reshape(hh // factor, factor, ww // factor, factor).sum(axis=(1, 3))
    return (sums / np.maximum(counts, 1.0)).astype(np.float32), counts > 0


def _native(window, factor, grid):
    """The native-resolution window of a window of working pixels (clipped to the grid)."""
    row, col = window.row_off * factor, window.col_off * factor
    return Window(row, col, min(window.height * factor, grid.height - row), min(window.width * factor, grid.width - col))


def classify(reflectance, valid, bands, product_level, threads=2):
    """Classes (rows x cols uint8: 0 clear, 1 cloud, 2 shadow, 255 nodata) of a reflectance window
    (bands x rows x cols in [0, 1], ``bands`` the names in that order)."""
    csmask = _csmask_class()
    image = np.moveaxis(np.where(valid[None], reflectance, 0.0), 0, -1).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small windows: the package warns, and pads
        result = csmask(image, [_NAMES[b] for b in bands], product_level=product_level, invalid_buffer=0,
                        intra_op_num_threads=int(threads or 0), inter_op_num_threads=1,
                        providers=["CPUExecutionProvider"])
    classes = result.csm[..., 0].astype(np.uint8)
    classes[~valid] = NODATA
    return classes


def compute_csmask(path, mask_path, classes_path=None, product_level="auto", resolution="30m", extent=None,
                   extent_crs=None, harmonize="auto", memory_mb=256, threads=2, reporter=None):
    """Write the ukis-csmask mask (and classes) of one Sentinel-2 layer; see the module docstring.

    Returns a dict: cloud_fraction (cloud or shadow / valid pixels), cloud_pixels, shadow_pixels,
    valid_pixels, nodata_pixels, product_level, model_bands, factor, windows, seconds, mask_path,
    classes_path."""
    from .baseline_offset import layer_offset, remove_offset

    reporter = reporter or Reporter()
    watch = Stopwatch()
    if product_level not in PRODUCT_LEVELS:
        raise InputError(f"Unknown product level {product_level!r}: use one of {', '.join(PRODUCT_LEVELS)}.")
    if resolution not in RESOLUTIONS:
        raise InputError(f"Unknown resolution {resolution!r}: use one of {', '.join(RESOLUTIONS)}.")
    check_output_path(mask_path, [path])
    if classes_path:
        check_output_path(classes_path, [path])
        if os.path.abspath(classes_path) == os.path.abspath(mask_path):
            raise InputError("The mask and the classes outputs must be different files.")
    _csmask_class()  # a clear message before anything is read when the package is missing
    info = describe_raster(path, role="Sentinel-2 layer")
    bands, indexes = _bands(info)
    level = product_level
    if level == "auto":
        level = product_level_of(info) or ("l2a" if "B10" not in info.layout.names else "l1c")
        reporter.info(f"Product level: {level.upper()} ({'from the metadata and name' if product_level_of(info) else 'no metadata says; assumed from the bands'}).")
    grid = info.grid
    if extent is not None:
        grid = grid.crop(bounds_in_crs(extent, extent_crs, grid.crs))
        if grid is None:
            raise InputError(f"The extent {tuple(extent)} does not overlap the {info.label} ({info.path}).")
    pixel = min(grid.res)
    factor = max(1, int(round(30.0 / pixel))) if resolution == "30m" else 1
    offset = layer_offset(info, harmonize, indexes)
    work_h, work_w = math.ceil(grid.height / factor), math.ceil(grid.width / factor)
    # windows on a lattice of 512 working px (as large as the budget allows): the network needs
    # context, and each window starts an onnxruntime session
    steps = plan_windows(work_h, work_w, _BYTES_PER_WORK_PIXEL + 2 * len(bands) * factor * factor,
                         memory_mb, OVERLAP, block=512)
    reporter.info(f"ukis-csmask {len(bands)}-band {level.upper()} model ({' '.join(bands)}) on "
                  f"{os.path.basename(str(path))}: {grid.describe()}; "
                  + (f"classified at {factor * pixel:g} m (blocks of {factor} x {factor} px), "
                     if factor > 1 else "classified at the native resolution, ")
                  + f"{len(steps)} window{'s' if len(steps) != 1 else ''} with {OVERLAP * factor} px overlap.")
    reader = GridReader(info, grid, NEAREST, bands=indexes)
    counts = {"valid": 0, "cloud": 0, "shadow": 0}
    span = ProgressSpan(reporter, 0.0, 100.0, len(steps))
    tags = {"S2CLOUDFREE_ALGORITHM": f"ukis-csmask {len(bands)}-band {level.upper()} model",
            "CSMASK_RESOLUTION": f"{factor * pixel:g} m"}
    try:
        with ExitStack() as stack:
            mask_out = stack.enter_context(GeoTiffWriter(
                mask_path, grid, 1, "uint8", nodata=NODATA,
                descriptions=["cloud mask (1 = cloud or shadow, 0 = clear, 255 = nodata)"], tags=tags))
            classes_out = None
            if classes_path:
                classes_out = stack.enter_context(GeoTiffWriter(
                    classes_path, grid, 1, "uint8", nodata=NODATA,
                    descriptions=["0 = clear, 1 = cloud, 2 = cloud shadow, 255 = nodata"], tags=tags))
            for number, step in enumerate(steps):
                reporter.check_cancelled()
                native = _native(step.read, factor, grid)
                raw = reader.read(native)
                valid = valid_pixels(raw, info.nodata)
                data = remove_offset(raw, valid, offset, info.nodata) if offset else raw
                reflectance = np.clip(data.astype(np.float32) / 10000.0, 0.0, None)
                if factor > 1:
                    work, work_valid = _block_average(reflectance, valid, factor)
                else:
                    work, work_valid = reflectance, valid
                classes = classify(work, work_valid, bands, level, threads)
                if factor > 1:
                    classes = np.repeat(np.repeat(classes, factor, axis=0), factor, axis=1)
                    classes = classes[:native.height, :native.width].copy()
                    classes[~valid] = NODATA
                core = _native(step.core, factor, grid)
                inner = classes[core.row_off - native.row_off:core.row_off - native.row_off + core.height,
                                core.col_off - native.col_off:core.col_off - native.col_off + core.width]
                mask = np.where(inner == NODATA, NODATA, np.where(inner == CLEAR, 0, 1)).astype(np.uint8)
                mask_out.write(mask[None], core)
                if classes_out is not None:
                    classes_out.write(inner[None], core)
                counts["valid"] += int((inner != NODATA).sum())
                counts["cloud"] += int((inner == CLOUD).sum())
                counts["shadow"] += int((inner == SHADOW).sum())
                span.step(number + 1)
            reporter.check_cancelled()
    finally:
        reader.close()
    valid = counts["valid"]
    fraction = (counts["cloud"] + counts["shadow"]) / valid if valid else float("nan")
    reporter.info(f"Cloud {counts['cloud'] / max(valid, 1):.4f}, shadow {counts['shadow'] / max(valid, 1):.4f} of "
                  f"{valid} valid pixels; {watch.seconds:.1f} s.")
    return {"cloud_fraction": fraction, "cloud_pixels": counts["cloud"], "shadow_pixels": counts["shadow"],
            "valid_pixels": valid, "nodata_pixels": grid.pixels - valid, "product_level": level,
            "model_bands": list(bands), "factor": factor, "windows": len(steps), "seconds": watch.seconds,
            "mask_path": os.path.abspath(mask_path),
            "classes_path": os.path.abspath(classes_path) if classes_path else None}
