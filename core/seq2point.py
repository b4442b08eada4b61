"""Sequence-to-point cloud removal: n cloudy S2 dates (+ their S1 dates) in, one cloud-free image out.

The network is CR-TS Net (:mod:`models.crtsnet`), loaded from a checkpoint. Inference runs tile by
tile over the reference grid:

- the scene is padded by reflection (``overlap // 2`` pixels on every side), so that pixels at the
  scene edge see plausible context instead of the network's zero padding;
- tiles of ``tile`` pixels overlap their neighbours by ``overlap`` pixels. Each tile's prediction is
  weighted by a profile that is 0 on the outer quarter of the overlap (where the network's own zero
  padding spoils the result), rises linearly over the middle half and is 1 inside; the weighted
  predictions are summed and divided by the summed weights. Neighbouring weights add up to 1 across
  each overlap, so tiles cross-fade and no seam appears;
- tiles are processed one row of tiles at a time: only a strip of accumulators (bands x tile rows x
  scene width) is in memory, and finished rows are written as soon as no later tile touches them;
- tiles whose selected S2 inputs are all nodata are skipped, and output pixels with no valid S2 input
  on any selected date are nodata;
- tiles are batched; tile size and batch size follow a memory budget (RAM on the CPU, free GPU
  memory on CUDA); reads of the next batch run in a background thread while the network runs;
- on CUDA, ``precision='auto'`` runs the first batch in fp32 and in bf16 (fp16 where bf16 is not
  supported) and keeps the reduced precision only when the output stays within
  :data:`AUTOCAST_TOLERANCE_DN` of fp32.

Inputs and outputs keep the DN scale (uint16 reflectance x 10000) or the reflectance scale (float)
of the S2 layers; the output has the model's bands, in the model's order, with their names.
"""

import datetime as _dt
import math
import os
import time
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .bands import S1_BANDS
from .dependencies import require
from .errors import InputError
from .grid_reader import BILINEAR, NEAREST, GridReader
from .normalization import S2_DN_MAX, resnet_to_s2, s1_to_resnet, s2_to_resnet
from .raster_info import describe_raster
from .raster_writer import GeoTiffWriter, check_output_path
from .reporting import ProgressSpan, Reporter, Stopwatch
from .s1_pairing import DEFAULT_MAX_DAYS, describe_pairs, pair_nearest
from .time_series import open_time_series
from .validity import valid_pixels
from .windows import Window

SELECTIONS = ("nearest", "first", "least_cloudy")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
DEFAULT_OVERLAP = 64
MAX_AUTO_TILE = 1024
MIN_TILE = 32
MAX_BATCH = 16
#: Reduced precision is kept when, on the first batch, the output differs from fp32 by at most
#: this much (digital numbers, reflectance x 10000): mean absolute and maximum difference.
AUTOCAST_TOLERANCE_DN = {"mean": 5.0, "max": 100.0}
#: Working bytes per pixel and per feature map of one date (float32 activations kept alive at the
#: peak of a residual block, padded copies included).
_MAPS_ALIVE = 6

TilePlan = namedtuple("TilePlan", "rows cols tile_h tile_w pad margin ramp")


# --------------------------------------------------------------------------- devices
def resolve_torch_device(text="auto"):
    """``torch.device`` for a DEVICE string: auto, cpu, cuda, cuda:N or mps.

    Uses core.device.resolve_device when that module exists (the plugin-wide resolver that
    knows the device chosen in the dock); otherwise this minimal resolver: auto = CUDA when
    available, else MPS when available, else CPU."""
    torch = require("torch")
    try:
        from .device import resolve_device  # written by another part of the plugin
    except ImportError:
        resolve_device = None
    if resolve_device is not None:
        device = resolve_device(text)
        return device if isinstance(device, torch.device) else torch.device(str(device))
    value = str(text or "auto").strip().lower()
    if value == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if value == "cpu":
        return torch.device("cpu")
    if value == "cuda" or value.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise InputError(f"DEVICE={text}: CUDA is not available to torch {torch.__version__} "
                             "(a CPU-only build, or no NVIDIA driver). Use DEVICE=cpu or auto.")
        if ":" in value:
            try:
                index = int(value.split(":", 1)[1])
            except ValueError as exc:
                raise InputError(f"DEVICE={text}: write cuda:N with a number N.") from exc
            if not 0 <= index < torch.cuda.device_count():
                raise InputError(f"DEVICE={text}: there are {torch.cuda.device_count()} CUDA device(s).")
        return torch.device(value)
    if value == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise InputError("DEVICE=mps: Apple's Metal backend is not available here.")
        return torch.device("mps")
    raise InputError(f"Unknown DEVICE {text!r}: use auto, cpu, cuda, cuda:N or mps.")


def describe_device(device):
    torch = require("torch")
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"{device} ({torch.cuda.get_device_name(index)})"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return str(device)


def memory_budget_mb(device, memory_mb=None):
    """Memory for activations: the given budget, else 60 % of free GPU memory on CUDA, else a
    quarter of the available RAM (at most 4 GB) on other devices."""
    if memory_mb:
        return float(memory_mb)
    torch = require("torch")
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        return 0.6 * free / 2 ** 20
    available = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) / 1024.0
                    break
    except OSError:
        pass
    return float(min(4096.0, 0.25 * available)) if available else 2048.0


# --------------------------------------------------------------------------- tiling
def bytes_per_tile_pixel(config, precision="fp32"):
    """Estimated working memory of the network per tile pixel (bytes)."""
    item = 2 if precision in ("bf16", "fp16") else 4
    per_map = config["features"] * config["n_inputs"] * item
    inputs = config["n_inputs"] * config["in_channels"] * 4 * 2 + config["out_channels"] * 4 * 2
    return _MAPS_ALIVE * per_map + inputs


def choose_tiling(config, device, memory_mb, tile=0, overlap=DEFAULT_OVERLAP, height=None, width=None,
                  precision="fp32"):
    """(tile side, batch size) from the memory budget (``tile`` = 0: automatic)."""
    per_px = bytes_per_tile_pixel(config, precision)
    budget = max(float(memory_mb), 16.0) * 2 ** 20
    if not tile:
        # the largest tile that fits (fewer tiles: less overlap recomputed), a multiple of 32
        fit = int(math.sqrt(budget / per_px)) // 32 * 32
        tile = max(min(MAX_AUTO_TILE, fit), MIN_TILE, 2 * overlap + 32)
    tile = int(tile)
    if tile <= overlap:
        raise InputError(f"The tile size ({tile} px) must be larger than the overlap ({overlap} px).")
    if height is not None and width is not None:
        pad = overlap // 2
        tile_h, tile_w = min(tile, height + 2 * pad), min(tile, width + 2 * pad)
    else:
        tile_h = tile_w = tile
    batch = int(budget // (per_px * tile_h * tile_w))
    return tile, max(1, min(MAX_BATCH, batch))


def balanced_tile(tile, overlap, height, width):
    """The smallest tile side that covers the padded scene with as many tiles per axis as ``tile``
    needs: a 1024 px tile on a 1024 px scene (1088 padded) would compute 2 x 2 tiles of 1024, four
    times the scene; 2 x 2 tiles of 576 cover it too."""
    pad = overlap // 2
    longest = max(height, width) + 2 * pad
    if tile >= longest:
        return longest
    count = math.ceil((longest - overlap) / (tile - overlap))
    return min(tile, math.ceil((longest - overlap) / count) + overlap)


def _origins(length, tile, stride):
    if length <= tile:
        return [0]
    origins = list(range(0, length - tile, stride))
    origins.append(length - tile)
    return origins


def plan_tiles(height, width, tile, overlap):
    """Tile origins in padded coordinates (the scene padded by ``overlap // 2`` on every side)."""
    if overlap < 0:
        raise InputError("The overlap must be 0 or more pixels.")
    pad = overlap // 2
    margin = overlap // 4
    ramp = max(overlap - 2 * margin, 1)
    ph, pw = height + 2 * pad, width + 2 * pad
    tile_h, tile_w = min(tile, ph), min(tile, pw)
    stride = max(tile - overlap, 1)
    return TilePlan(_origins(ph, tile_h, stride), _origins(pw, tile_w, stride), tile_h, tile_w, pad,
                    margin, ramp)


def blend_profile(length, margin, ramp):
    """1D weights of one tile: 0 on the outer ``margin`` pixels, a linear ramp over ``ramp``
    pixels, 1 inside (tiny positive floor so that every pixel keeps a weight)."""
    d = np.minimum(np.arange(length), np.arange(length)[::-1]).astype(np.float32)
    return np.clip((d - margin + 0.5) / ramp, 1e-4, 1.0).astype(np.float32)


# --------------------------------------------------------------------------- sources
class ArraySource:
    """Tiles from in-memory arrays (tests, training validation): ``s2`` T x bands x H x W in DN
    (any numeric type), ``s1`` T x 2 x H x W in dB or None, ``valid`` T x H x W or None. For the
    ``gapfill-prior`` variant also ``clear`` (T x H x W), the inputs' ``days`` and the
    ``target_day``."""

    def __init__(self, s2, s1=None, valid=None, nodata=0, clear=None, days=None, target_day=None):
        self.s2 = np.asarray(s2)
        self.s1 = None if s1 is None else np.asarray(s1, dtype=np.float32)
        if valid is None:
            valid = np.stack([valid_pixels(d, nodata) for d in self.s2])
        self.valid = valid
        self.clear = None if clear is None else np.asarray(clear, dtype=bool)
        self.days, self.target_day = days, target_day
        self.height, self.width = self.s2.shape[-2:]

    def read(self, window):
        r = slice(window.row_off, window.row_off + window.height)
        c = slice(window.col_off, window.col_off + window.width)
        s1 = None if self.s1 is None else self.s1[:, :, r, c]
        return self.s2[:, :, r, c].astype(np.float32), s1, self.valid[:, r, c]

    def read_clear(self, window):
        if self.clear is None:
            return None
        return self.clear[:, window.row_off:window.row_off + window.height,
                          window.col_off:window.col_off + window.width]

    def close(self):
        pass


class RasterSource:
    """Tiles read from the selected S2 layers (and their S1 layers) on the reference grid; for the
    ``gapfill-prior`` variant also their masks (``mask_readers``), ``days`` and the ``target_day``."""

    def __init__(self, s2_readers, s1_readers, dn_scale, offsets=None, mask_readers=None, days=None,
                 target_day=None):
        self.s2 = s2_readers
        self.s1 = s1_readers
        self.dn_scale = dn_scale
        self.offsets = offsets or [None] * len(s2_readers)  # processing-baseline offsets, removed as read
        self.masks = mask_readers or []
        self.days, self.target_day = days, target_day
        self.height, self.width = s2_readers[0].grid.height, s2_readers[0].grid.width

    def read_clear(self, window):
        """T x h x w clear pixels of the inputs (0 in the mask and valid S2), or None without masks."""
        if not self.masks:
            return None
        from .validity import clear_from_mask

        clear = []
        for s2_reader, mask_reader in zip(self.s2, self.masks):
            mask = mask_reader.read(window)[0]
            clear.append(clear_from_mask(mask, mask_reader.info.nodata)
                         & valid_pixels(s2_reader.read(window), s2_reader.info.nodata))
        return np.stack(clear)

    def read(self, window):
        from .baseline_offset import remove_offset

        s2, valid = [], []
        for reader, offset in zip(self.s2, self.offsets):
            data = reader.read(window)
            valid.append(valid_pixels(data, reader.info.nodata))
            data = remove_offset(data, valid[-1], offset, reader.info.nodata)
            s2.append(data.astype(np.float32) * self.dn_scale)
        s1 = None
        if self.s1:
            s1 = np.stack([reader.read(window).astype(np.float32) for reader in self.s1])
        return np.stack(s2), s1, np.stack(valid)

    def close(self):
        for reader in self.s2 + self.s1 + self.masks:
            reader.close()


# --------------------------------------------------------------------------- network input
def gapfill_prior(s2_dn, clear, input_days, target_day, valid=None, origin=(0, 0)):
    """The gap filler's estimate of the target date from the n inputs alone (bands x H x W, DN
    float32): the inputs (T x bands x H x W DN, ``clear`` T x H x W) and an unobserved target date
    at ``target_day`` (a day number or date, like ``input_days``) filled by
    :func:`core.gapfill.fill_series` (RBF ensemble, screening, stand-ins where no input is clear).
    When the target day is one of the inputs' days, that input's gap-filled image is returned (its
    clear pixels as observed, its gaps filled). NaN (no value at all) becomes 0."""
    import warnings

    with warnings.catch_warnings():
        # all-NaN pixels of the unobserved date: numpy warns about the empty means it skips
        warnings.simplefilter("ignore", RuntimeWarning)
        return _gapfill_prior(s2_dn, clear, input_days, target_day, valid, origin)


def _gapfill_prior(s2_dn, clear, input_days, target_day, valid, origin):
    from .gapfill import day_numbers, fill_series

    s2_dn = np.asarray(s2_dn, dtype=np.float32)
    clear = np.asarray(clear, dtype=bool)
    days = day_numbers(list(input_days), len(input_days))
    target = float(day_numbers([target_day], 1)[0])
    if valid is None:
        valid = np.isfinite(s2_dn).all(axis=1)
    same = np.flatnonzero(days == target)
    if same.size:
        filled = fill_series(s2_dn, clear, days, scale=S2_DN_MAX, valid=valid, origin=origin)
        out = filled[int(same[0])]
    else:
        at = int(np.searchsorted(days, target))
        stack = np.insert(s2_dn, at, np.nan, axis=0)
        mask = np.insert(clear, at, False, axis=0)
        ok = np.insert(np.asarray(valid, dtype=bool), at, False, axis=0)
        # the date regression and the residual step work from a date's own clear pixels: the
        # unobserved date has none, so they are skipped (they would only change the other dates)
        filled = fill_series(stack, mask, np.insert(days, at, target), scale=S2_DN_MAX, valid=ok,
                             origin=origin, regression=False, residual_radius=0)
        out = filled[at]
    return np.nan_to_num(out.astype(np.float32), nan=0.0)


def network_input(s2_dn, s1_db, valid, config, prior=None, clear=None):
    """T x C x H x W float32 in the ResNet scaling; invalid S2 pixels become 0, missing S1 values
    (NaN) the mean of the valid S1 values of their date and channel in the window. The
    ``gapfill-prior`` variant also gets ``prior`` (bands x H x W DN, the same on every date) and
    the date's ``clear`` mask (T x H x W) as the last channels."""
    x = s2_to_resnet(s2_dn)
    x[~np.broadcast_to(valid[:, None], x.shape)] = 0.0
    parts = [x]
    if config["use_s1"]:
        from .s1_layers import fill_missing

        # missing S1 (nodata, outside the footprint): the mean of the window's valid values
        parts.append(np.stack([s1_to_resnet(fill_missing(d)[0]) for d in s1_db]))
    if config.get("variant", "paper") == "gapfill-prior":
        if prior is None or clear is None:
            raise InputError("This model corrects the gap filler's estimate: it needs the cloud masks "
                             "(MASK_LAYERS) of its input dates.")
        t = x.shape[0]
        parts.append(np.broadcast_to(s2_to_resnet(prior)[None], (t,) + prior.shape))
        parts.append(np.asarray(clear, dtype=np.float32)[:, None])
    x = np.concatenate(parts, axis=1) if len(parts) > 1 else x
    return np.ascontiguousarray(x, dtype=np.float32)


def _reflect(array, pads):
    """Pad the last two axes by reflection; ``pads`` = (top, bottom, left, right)."""
    if not any(pads):
        return array
    widths = [(0, 0)] * (array.ndim - 2) + [(pads[0], pads[1]), (pads[2], pads[3])]
    return np.pad(array, widths, mode="reflect")


class _Engine:
    """Runs the model over a tile plan and blends the predictions into rows of output."""

    def __init__(self, model, config, device, precision, reporter):
        self.model = model
        self.config = config
        self.device = device
        self.precision = precision
        self.reporter = reporter

    def _forward(self, batch, precision):
        torch = require("torch")
        x = torch.from_numpy(batch)
        if self.device.type == "cuda":
            x = x.pin_memory().to(self.device, non_blocking=True)
        else:
            x = x.to(self.device)
        with torch.inference_mode():
            if precision in ("bf16", "fp16") and self.device.type == "cuda":
                dtype = torch.bfloat16 if precision == "bf16" else torch.float16
                with torch.autocast("cuda", dtype=dtype):
                    y = self.model(x)
            else:
                y = self.model(x)
            return y.float().cpu().numpy()

    def predict(self, batch):
        """B x bands x h x w in the ResNet scale; decides the precision on the first call."""
        if self.precision != "auto":
            return self._forward(batch, self.precision)
        reference = self._forward(batch, "fp32")
        torch = require("torch")
        if self.device.type != "cuda":
            self.precision = "fp32"
            return reference
        reduced = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        trial = self._forward(batch, reduced)
        diff = np.abs(resnet_to_s2(trial) - resnet_to_s2(reference))
        mean, peak = float(diff.mean()), float(diff.max())
        ok = (np.isfinite(trial).all() and mean <= AUTOCAST_TOLERANCE_DN["mean"]
              and peak <= AUTOCAST_TOLERANCE_DN["max"])
        self.precision = reduced if ok else "fp32"
        self.reporter.info(f"Precision check on the first batch: {reduced} differs from fp32 by "
                           f"{mean:.2f} DN on average, {peak:.1f} DN at most: using {self.precision}.")
        return reference


def run_tiles(source, engine, plan, batch_size, write_rows, span=None, pool=None):
    """Tile loop: read (in ``pool`` when given), predict, blend, hand finished rows to
    ``write_rows(row0, mean (bands x rows x W), weight (rows x W), any_valid (rows x W))``.
    Returns (tiles run, tiles skipped)."""
    config = engine.config
    bands = config["out_channels"]
    height, width = source.height, source.width
    pad = plan.pad
    pw = width + 2 * pad
    wy = blend_profile(plan.tile_h, plan.margin, plan.ramp)
    wx = blend_profile(plan.tile_w, plan.margin, plan.ramp)
    weight_tile = wy[:, None] * wx[None, :]
    tiles = [(r, c) for r in plan.rows for c in plan.cols]
    total = len(tiles)
    with_prior = config.get("variant", "paper") == "gapfill-prior"

    def load(tile):
        r, c = tile
        # real (unpadded) rows/cols this tile covers, clipped to the scene
        r0, c0 = r - pad, c - pad
        rr0, cc0 = max(r0, 0), max(c0, 0)
        rr1, cc1 = min(r0 + plan.tile_h, height), min(c0 + plan.tile_w, width)
        window = Window(rr0, cc0, rr1 - rr0, cc1 - cc0)
        s2, s1, valid = source.read(window)
        if not valid.any():
            return tile, None, None
        pads = (rr0 - r0, r0 + plan.tile_h - rr1, cc0 - c0, c0 + plan.tile_w - cc1)
        prior = clear = None
        if with_prior:
            clear = source.read_clear(window)
            if clear is None:
                raise InputError("This model corrects the gap filler's estimate: it needs the cloud masks "
                                 "(MASK_LAYERS) of its input dates.")
            prior = _reflect(gapfill_prior(s2, clear, source.days, source.target_day, valid, (rr0, cc0)), pads)
            clear = _reflect(clear, pads)
        x = network_input(_reflect(s2, pads), None if s1 is None else _reflect(s1, pads),
                          _reflect(valid, pads), config, prior, clear)
        any_valid = _reflect(valid.any(axis=0), pads)
        return tile, x, any_valid

    acc_top = plan.rows[0]
    acc = np.zeros((bands, plan.tile_h, pw), dtype=np.float32)
    wsum = np.zeros((plan.tile_h, pw), dtype=np.float32)
    seen = np.zeros((plan.tile_h, pw), dtype=bool)

    def flush(until):
        """Hand over padded rows [acc_top, until) and shift the accumulators."""
        nonlocal acc_top
        n = until - acc_top
        lo, hi = max(acc_top, pad), min(until, pad + height)
        if hi > lo:
            a, b = lo - acc_top, hi - acc_top
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = acc[:, a:b, pad:pad + width] / wsum[None, a:b, pad:pad + width]
            write_rows(lo - pad, mean, wsum[a:b, pad:pad + width], seen[a:b, pad:pad + width])
        keep = max(plan.tile_h - n, 0)
        if keep:  # shift the rows still being accumulated to the top (in place)
            acc[:, :keep] = acc[:, n:].copy()
            wsum[:keep] = wsum[n:].copy()
            seen[:keep] = seen[n:].copy()
        acc[:, keep:] = 0.0
        wsum[keep:] = 0.0
        seen[keep:] = False
        acc_top = until

    done = skipped = 0
    batches = [tiles[i:i + batch_size] for i in range(0, total, batch_size)]
    # a batch never spans two tile rows, so that rows can be flushed between batches
    batches = [[t for t in b if t[0] == row] for b in batches for row in sorted({t[0] for t in b})]

    def load_batch(batch):
        return [load(t) for t in batch]

    pending = pool.submit(load_batch, batches[0]) if pool else None
    for k, batch in enumerate(batches):
        loaded = pending.result() if pool else load_batch(batch)
        if pool and k + 1 < len(batches):
            pending = pool.submit(load_batch, batches[k + 1])
        row = batch[0][0]
        if row != acc_top:
            flush(row)
        work = [(t, x, v) for t, x, v in loaded if x is not None]
        skipped += len(loaded) - len(work)
        if work:
            prediction = engine.predict(np.stack([x for _, x, _ in work]))
            for (tile, _x, any_valid), y in zip(work, prediction):
                c = tile[1]
                cs = slice(c, c + plan.tile_w)
                acc[:, :, cs] += y * weight_tile
                wsum[:, cs] += weight_tile
                seen[:, cs] |= any_valid
        for _tile in batch:  # progress (and cancel checks) per tile
            done += 1
            if span is not None:
                span.step(done)
    flush(plan.rows[-1] + plan.tile_h)
    return total - skipped, skipped


def predict_array(model, config, s2_dn, s1_db=None, valid=None, device=None, tile=256,
                  overlap=DEFAULT_OVERLAP, batch_size=4, precision="fp32", reporter=None, clear=None,
                  days=None, target_day=None):
    """Tiled prediction on in-memory arrays. Returns (DN float32 bands x H x W, NaN where no
    input is valid; weight H x W). The ``gapfill-prior`` variant needs ``clear`` (T x H x W), the
    inputs' ``days`` and the ``target_day``."""
    torch = require("torch")
    if tile <= overlap:
        raise InputError(f"The tile size ({tile} px) must be larger than the overlap ({overlap} px).")
    device = device or torch.device("cpu")
    source = ArraySource(s2_dn, s1_db, valid, clear=clear, days=days, target_day=target_day)
    plan = plan_tiles(source.height, source.width, tile, overlap)
    out = np.full((config["out_channels"], source.height, source.width), np.nan, dtype=np.float32)
    weights = np.zeros((source.height, source.width), dtype=np.float32)

    def write(row0, mean, weight, seen):
        rows = slice(row0, row0 + mean.shape[1])
        dn = resnet_to_s2(mean)
        dn[:, ~(seen & (weight > 0))] = np.nan
        out[:, rows] = dn
        weights[rows] = weight

    engine = _Engine(model, config, device, precision, reporter or Reporter())
    run_tiles(source, engine, plan, batch_size, write)
    return out, weights


# --------------------------------------------------------------------------- series / S1
def selection_target(series, target_date=None):
    """The date the ``nearest`` selection centres on: ``target_date`` (a date or ISO text), else
    the middle of the series' time span. Every layer needs its acquisition date."""
    for item in series.items:
        if item.date is None:
            raise InputError(f"SELECTION nearest needs the acquisition date of every S2 layer, and the "
                             f"{item.label_and_path} has none (name the date in the file name, e.g. "
                             f"s2_2021-06-01.tif, or use SELECTION first).")
    if target_date is None:
        first, last = series.items[0].date, series.items[-1].date
        return first + (last - first) / 2
    if isinstance(target_date, _dt.date):
        return target_date
    try:
        return _dt.date.fromisoformat(target_date)
    except ValueError:
        raise InputError(f"TARGET_DATE {target_date!r} is not a date: write it as YYYY-MM-DD.") from None


def target_outside_series(series, target):
    """A warning when ``target`` lies outside the series' time span, else None."""
    first, last = series.items[0].date, series.items[-1].date
    if first <= target <= last:
        return None
    return (f"TARGET_DATE {target.isoformat()} is outside the series ({first.isoformat()} .. {last.isoformat()}): "
            f"the dates nearest to it, at that end of the series, are used.")


def select_dates(series, n, selection, stats=None, target=None):
    """Positions (in ``series.items``, time order) of the n dates to use: ``nearest`` the n dates
    nearest in time to ``target`` (a date; ties to the earlier date), ``first`` the first n,
    ``least_cloudy`` the n with the least cloud coverage in ``stats``."""
    if selection not in SELECTIONS:
        raise InputError(f"Unknown SELECTION {selection!r}: use one of {', '.join(SELECTIONS)}.")
    if len(series.items) < n:
        raise InputError(f"The model needs {n} input dates but {len(series.items)} S2 layers were given.")
    if selection == "first" or len(series.items) == n:
        return list(range(n))
    if selection == "nearest":
        order = sorted(range(len(series.items)), key=lambda k: (abs((series.items[k].date - target).days), k))
    else:
        order = sorted(range(len(series.items)), key=lambda k: (stats[k].cloud_coverage, k))
    return sorted(order[:n])


def open_s1(s1_paths, chosen_items, grid, max_days, reporter):
    """:class:`core.s1_layers.S1Reader` of the S1 layer nearest in date to each chosen S2 date
    (bands identified, unit detected, nodata as NaN)."""
    from .s1_layers import S1Reader, open_s1_layer

    infos = []
    for k, path in enumerate(s1_paths):
        info = describe_raster(path, role=f"S1 layer {k + 1}")
        if info.date is None:
            raise InputError(f"The {info.label} ({info.path}) has no date (file name or metadata): S1 layers "
                             "are paired with S2 dates by date.")
        infos.append(info)
    if any(item.date is None for item in chosen_items):
        raise InputError("S1 layers are paired with S2 dates by date, but some S2 layers have no date.")
    pairs = pair_nearest([i.date for i in chosen_items], [i.date for i in infos], max_days)
    missing = [item for item, k in zip(chosen_items, pairs) if k is None]
    if missing:
        raise InputError("No Sentinel-1 layer within " f"{max_days} days of "
                         + ", ".join(f"{i.name} ({i.date_text()})" for i in missing)
                         + ": give S1 layers for these dates or raise MAX_DAYS.")
    reporter.info("Sentinel-1 pairing (nearest date):")
    for line in describe_pairs(chosen_items, infos, pairs):
        reporter.info(line)
    layers = {k: open_s1_layer(infos[k], reporter) for k in sorted(set(pairs))}
    return [S1Reader(layers[k], grid) for k in pairs]


def _dn_scale(series):
    """Factor from the S2 layers' values to DN (10000 for float reflectance, else 1)."""
    if not series.reference.is_float:
        return 1.0
    from .mosaic import _layer_sample  # shared sampler of whole-layer values

    for item in sorted(series.items, key=lambda i: i.input_index):
        values = _layer_sample(item.path, item.nodata)
        if values.size:
            return S2_DN_MAX if float(np.median(values)) <= 50.0 else 1.0
    return 1.0


def _output_nodata(series):
    ref = series.reference
    if ref.nodata is not None:
        return ref.nodata
    return float("nan") if ref.is_float else 0


def _model_band_plan(series, config, reporter):
    """Per series item: 1-based file bands giving the model's bands in the model's order."""
    names = list(series.output_bands)
    model_bands = list(config["bands"])
    if not series.reference.layout.known:
        if len(names) != len(model_bands):
            raise InputError(f"The S2 layers name no bands and have {len(names)} bands; the model "
                             f"expects {len(model_bands)} ({' '.join(model_bands)}).")
        reporter.warning("The S2 layers name no bands: their bands are taken as the model's "
                         f"({' '.join(model_bands)}) in file order.")
        return [list(p) for p in series.band_indexes]
    from ..models.checkpoint import CheckpointError

    missing = [b for b in model_bands if b not in names]
    if missing:
        raise CheckpointError(f"The model was trained on the bands {' '.join(model_bands)}, but the "
                              f"S2 layers lack {' '.join(missing)} (they have {' '.join(names)}). Use a "
                              "model trained on these bands.")
    positions = [names.index(b) for b in model_bands]
    return [[plan[p] for p in positions] for plan in series.band_indexes]


def _to_output(dn, dtype, nodata, dn_scale, nodata_pixels):
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        low = info.min
        if nodata is not None and nodata == info.min:
            low = info.min + 1  # a valid pixel never takes the nodata value
        out = np.clip(np.rint(dn / dn_scale), low, info.max).astype(dtype)
    else:
        out = (dn / dn_scale).astype(dtype)
    if nodata_pixels.any():
        out[:, nodata_pixels] = nodata
    return out


# --------------------------------------------------------------------------- main entry
def seq2point(s2_paths, output_path, model, s1_paths=None, mask_paths=None, extent=None,
              extent_crs=None, selection="nearest", max_days=DEFAULT_MAX_DAYS, device="auto",
              tile_size=0, overlap=DEFAULT_OVERLAP, memory_mb=None, precision="auto", threads=2,
              registry_file=None, reporter=None, harmonize="auto", target_date=None):
    """Write the cloud-free image that the seq2point model predicts from the series.

    ``model``: a checkpoint file or a registry name (:mod:`models.registry`). ``selection``:
    which n dates to use when more are given: ``nearest`` (the default: the n dates nearest in
    time to ``target_date``, a date or YYYY-MM-DD text, by default the middle of the series' time
    span), ``first`` (in time order, as SEN12MS-CR-TS does) or ``least_cloudy`` (the n clearest
    dates by their masks); the chosen dates are used in time order. Returns a
    dict of figures (device, precision, tiles, seconds, megapixels per second, dates used).
    """
    from ..models.checkpoint import check_compatible, describe_training, load_model
    from ..models.crtsnet import describe_config, variant_of
    from ..models.registry import resolve_model

    torch = require("torch")
    reporter = reporter or Reporter()
    clock = Stopwatch()
    if precision not in PRECISIONS:
        raise InputError(f"Unknown PRECISION {precision!r}: use one of {', '.join(PRECISIONS)}.")
    if selection not in SELECTIONS:
        raise InputError(f"Unknown SELECTION {selection!r}: use one of {', '.join(SELECTIONS)}.")
    s1_paths = [p for p in (s1_paths or []) if p]
    mask_paths = [p for p in (mask_paths or []) if p]
    if selection == "least_cloudy" and not mask_paths:
        raise InputError("SELECTION=least_cloudy needs the cloud masks (MASK_LAYERS), one per S2 layer.")

    series = open_time_series(s2_paths, mask_paths or None, extent, extent_crs, reporter, harmonize=harmonize)
    check_output_path(output_path, series.paths() + s1_paths)
    torch_device = resolve_torch_device(device)
    checkpoint = resolve_model(model, registry_file=registry_file, reporter=reporter)
    net, config, payload = load_model(checkpoint, torch_device)
    reporter.info(f"Model {checkpoint}: {describe_config(config)}.")
    for line in describe_training(payload.get("training")):
        reporter.info(f"  {line}")
    for message in check_compatible(config, config["bands"] if not series.reference.layout.known
                                    else series.output_bands, len(series.items), bool(s1_paths)):
        reporter.warning(message)
    band_plan = _model_band_plan(series, config, reporter)
    for line in series.describe():
        reporter.info(line)

    n = config["n_inputs"]
    stats = None
    if selection == "least_cloudy" and len(series.items) > n:
        from .clear_statistics import clear_statistics

        stats = clear_statistics(series, reporter, memory_mb or 512, threads, 0.0, 10.0)
    if isinstance(target_date, str):
        target_date = target_date.strip() or None
    target = None
    if selection == "nearest" and len(series.items) > n:
        target = selection_target(series, target_date)
        outside = target_outside_series(series, target)
        if outside:
            reporter.warning(outside)
    elif target_date is not None:
        reporter.warning(f"TARGET_DATE {target_date} is used only with SELECTION nearest and more than {n} dates.")
    chosen = select_dates(series, n, selection, stats, target)
    if len(series.items) > n:
        if selection == "nearest":
            how = f"the nearest in time to {target.isoformat()}" + (
                "" if target_date is not None else " (the middle of the series; TARGET_DATE names another)")
        elif selection == "first":
            how = "the first in time order, as SEN12MS-CR-TS does"
        else:
            how = "the least cloudy, in time order"
        reporter.info(f"{len(series.items)} dates given, the model takes {n}: using {how}.")
    for k in chosen:
        item = series.items[k]
        extra = f", cloud coverage {100 * stats[k].cloud_coverage:.1f} %" if stats else ""
        reporter.info(f"  input: {item.date_text()} {item.name}{extra}")
    items = [series.items[k] for k in chosen]

    prior_target = None
    mask_readers = []
    if variant_of(config) == "gapfill-prior":
        if not mask_paths:
            raise InputError(f"The model {checkpoint} corrects the gap filler's estimate, which is made from "
                             "the inputs' cloud masks: give MASK_LAYERS (one per S2 layer).")
        prior_target = target if target is not None else selection_target(
            series, target_date if target_date is not None else
            items[0].date + (items[-1].date - items[0].date) / 2)
        reporter.info(f"Prior: the gap filler's estimate of {prior_target.isoformat()} from these "
                      f"{n} dates and their masks; the network corrects it.")
        mask_readers = [GridReader(series.masks[k], series.grid, NEAREST, bands=[1], fill=255) for k in chosen]
    s2_readers = [GridReader(series.items[k], series.grid, BILINEAR, bands=band_plan[k]) for k in chosen]
    s1_readers = open_s1(s1_paths, items, series.grid, max_days, reporter) if config["use_s1"] else []
    dn_scale = _dn_scale(series)
    source = RasterSource(s2_readers, s1_readers, dn_scale, [series.offsets[k] for k in chosen], mask_readers,
                          [i.date for i in items] if prior_target else None, prior_target)

    budget = memory_budget_mb(torch_device, memory_mb)
    tile, batch = choose_tiling(config, torch_device, budget, tile_size, overlap,
                                series.grid.height, series.grid.width)
    if not tile_size:
        balanced = balanced_tile(tile, overlap, series.grid.height, series.grid.width)
        if balanced < tile:
            tile, batch = choose_tiling(config, torch_device, budget, balanced, overlap,
                                        series.grid.height, series.grid.width)
    plan = plan_tiles(series.grid.height, series.grid.width, tile, overlap)
    n_tiles = len(plan.rows) * len(plan.cols)
    if torch_device.type == "cpu" and threads:
        torch.set_num_threads(max(int(threads), 1))
    reporter.info(f"Device: {describe_device(torch_device)}; precision {precision}.")
    strip_mb = (len(config["bands"]) * 4 + 5) * plan.tile_h * (series.grid.width + 2 * plan.pad) / 2 ** 20
    reporter.info(f"Tiles: {n_tiles} of {plan.tile_h} x {plan.tile_w} px, overlap {overlap} px, "
                  f"batches of {batch} (memory budget {budget:.0f} MB for the network, plus "
                  f"{strip_mb:.0f} MB for one strip of blended rows).")

    dtype = series.dtype
    nodata = _output_nodata(series)
    tags = {"S2CF_ALGORITHM": "seq2point", "S2CF_MODEL": os.path.basename(checkpoint),
            "S2CF_ARCHITECTURE": config.get("architecture", "crtsnet"),
            "S2CF_INPUT_DATES": ",".join(i.date_text() for i in items),
            "S2CF_SELECTION": selection, **series.offset_tags()}
    if prior_target:
        tags["S2CF_TARGET_DATE"] = prior_target.isoformat()
    engine = _Engine(net, config, torch_device, precision, reporter)
    span = ProgressSpan(reporter, 10.0 if stats else 0.0, 100.0, n_tiles)
    counts = {"nodata": 0}
    start = time.perf_counter()
    try:
        with GeoTiffWriter(output_path, series.grid, len(config["bands"]), dtype, nodata,
                           list(config["bands"]), tags) as writer, \
                ThreadPoolExecutor(1, thread_name_prefix="s2cf-seq2point-read") as pool:
            def write(row0, mean, weight, seen):
                empty = ~(seen & (weight > 0))
                counts["nodata"] += int(empty.sum())
                out = _to_output(resnet_to_s2(np.nan_to_num(mean)), dtype, nodata, dn_scale, empty)
                writer.write(out, Window(row0, 0, out.shape[1], out.shape[2]))

            run, skipped = run_tiles(source, engine, plan, batch, write, span, pool)
    finally:
        source.close()
    seconds = time.perf_counter() - start
    megapixels = series.grid.pixels / 1e6
    reporter.info(f"Tiles run: {run}, skipped (all nodata): {skipped}; precision used: "
                  f"{engine.precision}; {megapixels / max(seconds, 1e-9):.3f} megapixels/s.")
    reporter.info(f"Done in {clock.seconds:.2f} s.")
    return {"output": output_path, "device": str(torch_device), "precision": engine.precision,
            "tiles": n_tiles, "tiles_skipped": skipped, "tile": plan.tile_h, "batch": batch,
            "seconds": seconds, "megapixels_per_second": megapixels / max(seconds, 1e-9),
            "dates": [i.date_text() for i in items], "input_paths": [i.path for i in items],
            "nodata_pixels": counts["nodata"], "model": checkpoint}


__all__ = ["seq2point", "predict_array", "plan_tiles", "blend_profile", "choose_tiling",
           "resolve_torch_device", "select_dates", "network_input", "SELECTIONS", "PRECISIONS",
           "S1_BANDS"]
