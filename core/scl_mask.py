"""Cloud masks from the Sen2Cor scene classification (SCL) that comes with every Level-2A product.

SCL classes (Sen2Cor): 0 no data, 1 saturated or defective, 2 dark area pixels, 3 cloud shadows,
4 vegetation, 5 not vegetated, 6 water, 7 unclassified, 8 cloud medium probability, 9 cloud high
probability, 10 thin cirrus, 11 snow or ice.

The mask has the plugin's meaning (1 = not clear, 0 = clear, 255 = nodata): 1 where the SCL class is
one of ``classes`` (by default 3, 8, 9, 10: shadows, clouds and cirrus), 255 where the SCL is 0 or
has no value, or where the Sentinel-2 layer given beside it has no observation (every band 0 or
its nodata), 0 elsewhere. The mask is written on the grid of the S2 layer (cropped to the region
of interest) when one is given, else on the SCL's own grid; an SCL on another grid (Sen2Cor writes
it at 20 m) is resampled onto it by nearest neighbour, so classes are never mixed. Windows are
sized from a memory budget, with progress and cancel checked for each.

The optional classes raster keeps the kinds of not-clear pixels apart, whatever ``classes`` says:
0 clear, 1 cloud (SCL 8 and 9), 2 cloud shadow (3), 3 thin cirrus (10), 4 snow or ice (11),
255 nodata. Its first three codes mean what they mean in the ukis-csmask method's classes.
"""

import os
from contextlib import ExitStack

import numpy as np

from .errors import InputError
from .grid import bounds_in_crs
from .grid_reader import NEAREST, GridReader
from .raster_info import describe_raster
from .raster_writer import GeoTiffWriter, check_output_path
from .reporting import ProgressSpan, Reporter, Stopwatch
from .validity import valid_pixels
from .windows import plan_windows

SCL_CLASSES = {0: "no data", 1: "saturated or defective", 2: "dark area pixels", 3: "cloud shadows",
               4: "vegetation", 5: "not vegetated", 6: "water", 7: "unclassified",
               8: "cloud medium probability", 9: "cloud high probability", 10: "thin cirrus",
               11: "snow or ice"}
#: Classes that make a pixel not clear by default: shadows, clouds, cirrus (snow counts as clear).
DEFAULT_NOT_CLEAR = (3, 8, 9, 10)
MASK_CLEAR, MASK_NOT_CLEAR, MASK_NODATA = 0, 1, 255
#: Codes of the classes raster (shared with the ukis-csmask method for 0-2).
CLASS_CLEAR, CLASS_CLOUD, CLASS_SHADOW, CLASS_CIRRUS, CLASS_SNOW = 0, 1, 2, 3, 4
CLASSES_DESCRIPTION = "0 = clear, 1 = cloud, 2 = cloud shadow, 3 = thin cirrus, 4 = snow or ice, 255 = nodata"
_CLASS_OF_SCL = np.zeros(256, dtype=np.uint8)
_CLASS_OF_SCL[[8, 9]] = CLASS_CLOUD
_CLASS_OF_SCL[3] = CLASS_SHADOW
_CLASS_OF_SCL[10] = CLASS_CIRRUS
_CLASS_OF_SCL[11] = CLASS_SNOW
DEFAULT_MEMORY_MB = 256
_BYTES_PER_PIXEL = 64  # SCL, S2 bands read as uint16 (up to 13), the mask


def parse_classes(value):
    """The not-clear SCL classes from ``value``: a list of numbers or text such as '3,8,9,10'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_NOT_CLEAR
    items = value.replace(";", ",").replace(" ", ",").split(",") if isinstance(value, str) else list(value)
    classes = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        try:
            number = int(str(item).strip())
        except ValueError:
            raise InputError(f"SCL_CLASSES: {item!r} is not a class number; write e.g. 3,8,9,10.") from None
        if not 1 <= number <= 11:
            raise InputError(f"SCL_CLASSES: {number} is not a Sen2Cor class that can mark a pixel not clear "
                             "(1 to 11; 0 is no data).")
        classes.append(number)
    if not classes:
        raise InputError("SCL_CLASSES names no class.")
    return tuple(sorted(set(classes)))


def describe_classes(classes):
    return ", ".join(f"{c} ({SCL_CLASSES[c]})" for c in classes)


def scl_to_mask(scl, classes=DEFAULT_NOT_CLEAR, observed=None):
    """uint8 mask (rows x cols) of an SCL window: 1 for ``classes``, 255 for class 0 and where
    ``observed`` (rows x cols bool, the S2 layer's valid pixels) is False, 0 elsewhere."""
    scl = np.asarray(scl)
    mask = np.where(np.isin(scl, np.asarray(classes, dtype=scl.dtype)), MASK_NOT_CLEAR, MASK_CLEAR).astype(np.uint8)
    nodata = scl == 0
    if observed is not None:
        nodata |= ~np.asarray(observed, dtype=bool)
    mask[nodata] = MASK_NODATA
    return mask


def scl_to_classes(scl, mask):
    """uint8 classes raster (see the module docstring) of an SCL window, nodata where ``mask`` is."""
    classes = _CLASS_OF_SCL[np.clip(np.asarray(scl, dtype=np.int64), 0, 255)]
    classes[mask == MASK_NODATA] = MASK_NODATA
    return classes


def _check_scl(info):
    if info.count != 1:
        raise InputError(f"The {info.label} ({info.path}) has {info.count} bands; a Sen2Cor scene classification "
                         "(SCL) layer has one.")
    if info.is_float or np.dtype(info.dtype).itemsize > 2:
        raise InputError(f"The {info.label} ({info.path}) holds {info.dtype} values; an SCL layer holds the "
                         "class numbers 0-11 as integers.")


def compute_scl_mask(scl_path, mask_path, s2_path=None, classes=DEFAULT_NOT_CLEAR, extent=None, extent_crs=None,
                     memory_mb=DEFAULT_MEMORY_MB, reporter=None, classes_path=None):
    """Write the cloud mask of an SCL layer to ``mask_path`` (uint8, see the module docstring), and
    the classes raster to ``classes_path`` when given.

    Returns a dict: cloud_fraction (not clear / valid pixels, NaN when none is valid), valid_pixels,
    cloud_pixels, nodata_pixels, class_counts (SCL class -> pixels, valid pixels only), unexpected
    (pixels with a class above 11), seconds, mask_path."""
    reporter = reporter or Reporter()
    watch = Stopwatch()
    classes = parse_classes(classes)
    scl_info = describe_raster(scl_path, role="SCL layer")
    _check_scl(scl_info)
    inputs = [scl_path] + ([s2_path] if s2_path else [])
    check_output_path(mask_path, inputs)
    if classes_path:
        check_output_path(classes_path, inputs)
        if os.path.abspath(classes_path) == os.path.abspath(mask_path):
            raise InputError("The mask and the classes outputs must be different files.")
    s2_info = describe_raster(s2_path, role="Sentinel-2 layer") if s2_path else None
    base = s2_info.grid if s2_info else scl_info.grid
    grid = base
    if extent is not None:
        grid = base.crop(bounds_in_crs(extent, extent_crs, base.crs))
        if grid is None:
            raise InputError(f"The extent {tuple(extent)} does not overlap the "
                             f"{(s2_info or scl_info).label} ({(s2_info or scl_info).path}).")
    if s2_info and s2_info.date and scl_info.date and s2_info.date != scl_info.date:
        raise InputError(f"The SCL layer {scl_info.path} is of {scl_info.date.isoformat()} but the Sentinel-2 "
                         f"layer {s2_info.path} of {s2_info.date.isoformat()}: give the SCL of the same product.")
    scl_reader = GridReader(scl_info, grid, NEAREST, bands=[1], fill=0)
    s2_reader = GridReader(s2_info, grid, NEAREST) if s2_info else None
    if scl_reader.resampled:
        reporter.info(f"The SCL layer is on another grid ({scl_info.grid.describe()}): resampled onto "
                      f"{grid.describe()} by nearest neighbour.")
    steps = plan_windows(grid.height, grid.width, _BYTES_PER_PIXEL, memory_mb)
    reporter.info(f"Cloud mask from the scene classification {os.path.basename(str(scl_path))}: not clear = "
                  f"{describe_classes(classes)}; nodata = class 0"
                  + (f" and pixels without an observation in {os.path.basename(str(s2_path))}" if s2_path else "")
                  + f"; {grid.describe()}, {len(steps)} window{'s' if len(steps) != 1 else ''}.")
    counts = np.zeros(256, dtype=np.int64)
    totals = {"valid": 0, "cloud": 0}
    span = ProgressSpan(reporter, 0.0, 100.0, len(steps))
    tags = {"S2CLOUDFREE_ALGORITHM": "Sen2Cor scene classification (SCL)",
            "SCL_NOT_CLEAR_CLASSES": ",".join(str(c) for c in classes),
            "SCL_SOURCE": os.path.basename(str(scl_path))}
    try:
        with ExitStack() as stack:
            out = stack.enter_context(GeoTiffWriter(
                mask_path, grid, 1, "uint8", nodata=MASK_NODATA,
                descriptions=["cloud mask (1 = not clear, 0 = clear, 255 = nodata)"], tags=tags))
            classes_out = None
            if classes_path:
                classes_out = stack.enter_context(GeoTiffWriter(
                    classes_path, grid, 1, "uint8", nodata=MASK_NODATA, descriptions=[CLASSES_DESCRIPTION],
                    tags=tags))
            for number, step in enumerate(steps):
                reporter.check_cancelled()
                scl = scl_reader.read(step.core)[0]
                observed = None
                if s2_reader is not None:
                    observed = valid_pixels(s2_reader.read(step.core), s2_info.nodata)
                mask = scl_to_mask(scl, classes, observed)
                valid = mask != MASK_NODATA
                counts += np.bincount(scl[valid].astype(np.int64).ravel(), minlength=256)[:256]
                totals["valid"] += int(valid.sum())
                totals["cloud"] += int((mask == MASK_NOT_CLEAR).sum())
                out.write(mask[None], step.core)
                if classes_out is not None:
                    classes_out.write(scl_to_classes(scl, mask)[None], step.core)
                span.step(number + 1)
            reporter.check_cancelled()
    finally:
        scl_reader.close()
        if s2_reader is not None:
            s2_reader.close()
    unexpected = int(counts[12:].sum())
    if unexpected:
        reporter.warning(f"{unexpected} pixels of {scl_path} have classes above 11, which Sen2Cor does not "
                         "write: is it really a scene classification layer? They count as clear.")
    fraction = totals["cloud"] / totals["valid"] if totals["valid"] else float("nan")
    if not totals["valid"]:
        reporter.warning(f"{scl_path} has no valid pixel in the processed area: the mask is all nodata.")
    reporter.info(f"Not clear: {fraction:.4f} of {totals['valid']} valid pixels "
                  f"({grid.pixels - totals['valid']} nodata); {watch.seconds:.1f} s.")
    return {"cloud_fraction": fraction, "valid_pixels": totals["valid"], "cloud_pixels": totals["cloud"],
            "nodata_pixels": grid.pixels - totals["valid"],
            "class_counts": {int(c): int(n) for c, n in enumerate(counts) if n},
            "unexpected": unexpected, "seconds": watch.seconds, "mask_path": os.path.abspath(mask_path),
            "classes_path": os.path.abspath(classes_path) if classes_path else None}
