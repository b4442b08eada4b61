"""Sequence-to-sequence internal learning (Ebel et al. 2022, after Zhang et al. 2019).

A 3D encoder-decoder (``models.seq2seq_net``) is fitted to the user's own series: its input is the
Sentinel-1 series (or fixed noise), its output every S2 date, and its loss a masked L2 over the
clear and valid pixels only. Cloudy pixels never enter the loss, so the network fills them from
what it learnt elsewhere in space and time.

Layers of the module:

- :func:`fit_predict`: arrays in, arrays out (one tile): the fit and the prediction of every date;
- :func:`reconstruct`: a whole region in memory, split into overlapping tiles fitted
  independently and blended with cosine weights (used by the evaluation protocol and tests);
- :func:`seq2seq`: files in, one GeoTIFF per input date out (tiled, memory-bounded, cancellable,
  nothing partial left behind).

torch is imported inside functions only: importing this module never imports torch.
"""

import contextlib
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace

import numpy as np

from .errors import InputError
from .prior_correction import MIN_HELD_OUT_GAIN
from .reporting import ProgressSpan, Reporter, Stopwatch

#: Backscatter channels of the network input (VV, VH) and of the noise that replaces them.
INPUT_CHANNELS = 2
DEFAULT_TILE_SIZE = 256
DEFAULT_TILE_OVERLAP = 32
S2_DN_SCALE = 10000.0


@dataclass(frozen=True)
class Schedule:
    """How the network is fitted.

    ``passes`` over the series; in each pass every batch of ``batch_dates`` temporally adjacent
    dates gets ``steps`` Adam steps at ``learning_rate``. ``order='sequential'`` runs all steps of
    one batch before the next (the paper); ``'interleaved'`` takes one step on each batch in turn,
    which spreads the same number of steps evenly over the series. ``final_lr_fraction`` < 1
    decays the learning rate along a cosine to that fraction of it at the last step.
    ``input_jitter`` > 0 adds Gaussian noise of that standard deviation to the per-date input
    channels at every step (as Deep Image Prior's input regularisation; the static channels are
    left exact): the network cannot key on each date's exact S1 speckle, which keeps its output
    for dates that are cloudy everywhere close to what it learnt from the other dates.
    """

    name: str
    passes: int
    steps: int
    learning_rate: float
    batch_dates: int
    order: str = "sequential"
    final_lr_fraction: float = 1.0
    input_jitter: float = 0.0
    #: 'paper': the paper's 3D network fitted to the series; 'prior': the correction of the gap
    #: filler's image (core.prior_correction), where ``steps`` counts all steps of a tile
    kind: str = "paper"
    channels: tuple = None
    crop: int = 0
    holdout: float = 0.0
    average_last: float = 0.0
    warm_steps: int = 0

    def batches(self, dates):
        return temporal_batches(dates, self.batch_dates)

    def total_steps(self, dates, warm=False):
        if self.kind == "prior":
            return self.warm_steps if warm and self.warm_steps else self.steps
        return self.passes * self.steps * len(self.batches(dates))

    def describe(self):
        if self.kind == "prior":
            return (f"preset '{self.name}': correction of the gap filler's image by a 2D U-Net "
                    f"({'-'.join(str(c) for c in self.channels)} channels) fitted with simulated clouds: "
                    f"{self.steps} Adam steps per tile ({self.warm_steps} for tiles warm-started from their "
                    f"neighbour) on {self.crop} px crops of {self.batch_dates} dates, learning rate "
                    f"{self.learning_rate:g} with cosine decay to {self.final_lr_fraction:g} x, weights averaged "
                    f"over the last {100 * self.average_last:.0f} % of the steps, {100 * self.holdout:.0f} % of the "
                    "clear pixels of mostly clear dates held out to decide how much of the correction to keep "
                    "(the fit stops after a third of the steps when they want none of it)")
        text = (f"preset '{self.name}': {self.passes} pass(es) x {self.steps} Adam step(s) per batch of "
                f"{self.batch_dates} adjacent dates, learning rate {self.learning_rate:g}, {self.order} order")
        if self.final_lr_fraction < 1:
            text += f", cosine decay to {self.final_lr_fraction:g} x"
        if self.input_jitter > 0:
            text += f", input jitter {self.input_jitter:g}"
        return text


PRESETS = {
    # The default (issue 11): the gap filler's leave-one-date-out image as a prior, corrected by a
    # small 2D U-Net fitted on the series with its own cloud masks pasted onto clear pixels, the
    # share of the correction chosen on held-out clear pixels. Chosen on the tuning windows of
    # benchmarks/bench_quality.py (see the README for both parts of the benchmark).
    "fast": Schedule("fast", passes=1, steps=240, learning_rate=0.002, batch_dates=6, final_lr_fraction=0.1,
                     kind="prior", channels=(16, 32, 64), crop=64, holdout=0.2, average_last=0.5,
                     warm_steps=120),
    "paper": Schedule("paper", passes=20, steps=100, learning_rate=0.01, batch_dates=5),
    # The previous default (1 pass x 40 steps per batch of 12 dates of the paper's network), kept for
    # benchmarks/bench_quality.py --old-fast only.
    "fast-2023": Schedule("fast-2023", passes=1, steps=40, learning_rate=0.01, batch_dates=12, order="interleaved",
                          final_lr_fraction=0.1, input_jitter=0.3),
}
#: Order of the PRESET enum of the Processing algorithm: the default first.
PRESET_NAMES = ("fast", "paper")
DEFAULT_PRESET = "fast"


def make_schedule(preset=DEFAULT_PRESET, passes=None, steps=None, learning_rate=None, batch_dates=None):
    """The schedule of ``preset`` with the given overrides (None or 0: keep the preset's value)."""
    if isinstance(preset, Schedule):
        base = preset
    else:
        if preset not in PRESETS:
            raise InputError(f"Unknown PRESET '{preset}': use one of {', '.join(PRESET_NAMES)}.")
        base = PRESETS[preset]
    changes = {}
    for name, value, cast in (("passes", passes, int), ("steps", steps, int),
                              ("learning_rate", learning_rate, float), ("batch_dates", batch_dates, int)):
        if value not in (None, 0, 0.0, ""):
            value = cast(value)
            if value <= 0:
                raise InputError(f"{name.upper()} must be positive (got {value}).")
            changes[name] = value
    if changes:
        base = replace(base, name=f"{base.name} (overridden: "
                       + ", ".join(f"{k}={v:g}" for k, v in changes.items()) + ")", **changes)
    return base


def temporal_batches(dates, length):
    """Start indexes of the batches of ``length`` adjacent dates that cover ``dates`` dates:
    consecutive, the last one moved back to end on the last date (so all have ``length`` dates,
    or all dates when the series is shorter)."""
    length = max(1, min(int(length), int(dates)))
    starts = list(range(0, dates - length + 1, length))
    if not starts or starts[-1] + length < dates:
        starts.append(dates - length)
    return [(s, s + length) for s in starts]


# ---------------------------------------------------------------------------------------------
# the fit

@contextlib.contextmanager
def torch_settings(seed, threads=None, deterministic=True):
    """Seed torch, ask for deterministic algorithms and set CPU threads; restore afterwards."""
    torch = require_torch()
    old_threads = torch.get_num_threads()
    old_det = torch.are_deterministic_algorithms_enabled()
    old_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    old_bench = torch.backends.cudnn.benchmark
    old_cudnn_det = torch.backends.cudnn.deterministic
    try:
        if threads:
            torch.set_num_threads(int(threads))
        torch.manual_seed(int(seed))
        if deterministic:
            torch.use_deterministic_algorithms(True, warn_only=True)
            torch.backends.cudnn.benchmark = False
            torch.backends.cudnn.deterministic = True
        yield torch
    finally:
        torch.set_num_threads(old_threads)
        torch.use_deterministic_algorithms(old_det, warn_only=old_warn)
        torch.backends.cudnn.benchmark = old_bench
        torch.backends.cudnn.deterministic = old_cudnn_det


def require_torch():
    from .dependencies import require

    return require("torch")


def _learning_rate(schedule, step, total):
    if schedule.final_lr_fraction >= 1 or total <= 1:
        return schedule.learning_rate
    f = schedule.final_lr_fraction
    return schedule.learning_rate * (f + (1 - f) * 0.5 * (1 + math.cos(math.pi * step / (total - 1))))


def _step_plan(schedule, batches):
    """(pass index, batch index) of every step, in order."""
    plan = []
    for p in range(schedule.passes):
        if schedule.order == "interleaved":
            for _ in range(schedule.steps):
                plan.extend((p, b) for b in range(len(batches)))
        else:
            for b in range(len(batches)):
                plan.extend([(p, b)] * schedule.steps)
    return plan


def fit_predict(target, clear, inputs, schedule, device="cpu", seed=0, on_step=None, on_pass=None,
                mixed_precision=None, evaluate_every=None, on_evaluate=None, init_bias=True, days=None,
                valid=None, return_info=False, init_state=None, steps=None, paired=None, origin=(0, 0)):
    """Fit a network to one tile and predict every date.

    Schedules of kind ``prior`` (the default preset) fit the correction of the gap filler's image
    (:func:`core.prior_correction.fit_correction`; ``days`` the acquisition dates, ``valid`` dates x
    rows x cols, ``init_state`` weights to start from, ``steps`` to override the schedule's,
    ``paired`` per date whether a real S1 image is behind its input, None without S1); the
    others fit the paper's network from scratch, as below. With ``return_info`` returns
    ``(prediction, info)``; info has the run's own error estimate for the ``prior`` kind.

    ``target``: dates x bands x rows x cols float32 in [0, 1]; ``clear``: dates x rows x cols bool
    (clear and valid: the only pixels in the loss); ``inputs``: dates x 2 x rows x cols float32
    (S1 in [0, 1] or noise). ``on_step(done, total)`` is called after every step (it may raise
    CancelledError to stop); ``on_pass(pass_index, mean_loss)`` after every pass.
    ``mixed_precision`` (None: on for CUDA) runs the forward pass in bfloat16 autocast on CUDA.
    Returns dates x bands x rows x cols float32 in [0, 1].
    """
    if schedule.kind == "prior":
        from .prior_correction import fit_correction

        pred, info = fit_correction(target, clear, inputs, schedule, device, seed, days=days, valid=valid,
                                    init_state=init_state, steps=steps, on_step=on_step,
                                    mixed_precision=mixed_precision, paired=paired, origin=origin)
        if on_pass is not None:
            on_pass(0, float("nan"))
        return (pred, info) if return_info else pred
    pred = _fit_paper_network(target, clear, inputs, schedule, device, seed, on_step, on_pass, mixed_precision,
                              evaluate_every, on_evaluate, init_bias)
    return (pred, {}) if return_info else pred


def _fit_paper_network(target, clear, inputs, schedule, device, seed, on_step, on_pass, mixed_precision,
                       evaluate_every, on_evaluate, init_bias):
    torch = require_torch()
    from ..models.seq2seq_net import build_seq2seq_net

    device = torch.device(device)
    dates, bands = target.shape[:2]
    if clear.shape != (dates,) + target.shape[2:] or inputs.shape[0] != dates or inputs.shape[2:] != target.shape[2:]:
        raise InputError(f"seq2seq: target {target.shape}, clear {clear.shape} and inputs {inputs.shape} do not match.")
    use_amp = (device.type == "cuda") if mixed_precision is None else (bool(mixed_precision) and device.type == "cuda")

    torch.manual_seed(int(seed))
    net = build_seq2seq_net(inputs.shape[1], bands)
    if init_bias and clear.any():
        # start from the mean clear spectrum instead of sigmoid(0) = 0.5: what the network returns
        # where nothing constrains it (a date cloudy everywhere) begins at the series' mean
        mean = target[:, :, :, :].transpose(1, 0, 2, 3)[:, clear].mean(axis=1)
        mean = np.clip(mean, 0.01, 0.99)
        with torch.no_grad():
            net.head.bias.copy_(torch.from_numpy(np.log(mean / (1 - mean)).astype(np.float32)))
    net = net.to(device)
    # network layout: 1 x channels x dates x rows x cols
    y = torch.from_numpy(np.ascontiguousarray(target.transpose(1, 0, 2, 3)))[None].to(device)
    m = torch.from_numpy(np.ascontiguousarray(clear[None].astype(np.float32)))[None].to(device)
    x = torch.from_numpy(np.ascontiguousarray(inputs.transpose(1, 0, 2, 3), dtype=np.float32))[None].to(device)
    batches = schedule.batches(dates)
    counts = [float(m[:, :, a:b].sum()) for a, b in batches]
    optimiser = torch.optim.Adam(net.parameters(), lr=schedule.learning_rate)
    plan = _step_plan(schedule, batches)
    total = len(plan)
    pass_loss, pass_n = 0.0, 0
    net.train()
    for k, (p, b) in enumerate(plan):
        a, e = batches[b]
        if counts[b] > 0:
            for group in optimiser.param_groups:
                group["lr"] = _learning_rate(schedule, k, total)
            xb = x[:, :, a:e]
            if schedule.input_jitter > 0:  # perturb the per-date channels, never the static ones
                jitter = torch.zeros_like(xb)
                jitter[:, :INPUT_CHANNELS] = torch.randn_like(xb[:, :INPUT_CHANNELS])
                xb = xb + schedule.input_jitter * jitter
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=use_amp):
                out = net(xb)
            diff = (out.float() - y[:, :, a:e]) * m[:, :, a:e]
            loss = diff.pow(2).sum() / (counts[b] * bands)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            pass_loss += float(loss.detach())
            pass_n += 1
        if on_step is not None:
            on_step(k + 1, total)
        if evaluate_every and on_evaluate is not None and (k + 1) % evaluate_every == 0:
            on_evaluate(k + 1, _predict(net, x, batches, bands, use_amp))
            net.train()
        last_of_pass = k + 1 == total or plan[k + 1][0] != p
        if last_of_pass:
            if on_pass is not None:
                on_pass(p, pass_loss / pass_n if pass_n else float("nan"))
            pass_loss, pass_n = 0.0, 0
    return _predict(net, x, batches, bands, use_amp)


def _predict(net, x, batches, bands, use_amp):
    """Every date predicted batch by batch (as fitted); dates in two batches are averaged."""
    torch = require_torch()
    net.eval()
    dates = x.shape[2]
    out = np.zeros((dates, bands) + tuple(x.shape[3:]), dtype=np.float32)
    hits = np.zeros(dates, dtype=np.float32)
    with torch.no_grad(), torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=use_amp):
        for a, e in batches:
            pred = net(x[:, :, a:e]).float()[0].transpose(0, 1).cpu().numpy()
            out[a:e] += pred
            hits[a:e] += 1
    out /= np.maximum(hits, 1)[:, None, None, None]
    return out


# ---------------------------------------------------------------------------------------------
# network inputs: Sentinel-1 paired by date, or fixed noise

class S1Series:
    """The Sentinel-1 layers of a run (:class:`core.s1_layers.S1Layer`) and, for every S2 date, the
    index of its S1 partner (or None)."""

    def __init__(self, layers, pairs):
        self.layers = layers
        self.infos = [layer.info for layer in layers]
        self.pairs = pairs

    @property
    def paired(self):
        return sum(p is not None for p in self.pairs)

    def readers(self, grid):
        """Per S2 date: an :class:`core.s1_layers.S1Reader` of its S1 partner (shared between
        dates) or None."""
        from .s1_layers import S1Reader

        cache = {}
        out = []
        for k in self.pairs:
            if k is None:
                out.append(None)
                continue
            if k not in cache:
                cache[k] = S1Reader(self.layers[k], grid)
            out.append(cache[k])
        return out


def open_s1_series(s1_paths, series, max_days=14, reporter=None):
    """Describe the S1 layers and pair every S2 date of ``series`` with the nearest S1 date within
    ``max_days`` (None: no S1 given). Dates without a partner get noise (logged)."""
    from .raster_info import describe_raster
    from .s1_pairing import describe_pairs, pair_nearest

    reporter = reporter or Reporter()
    s1_paths = [p for p in (s1_paths or []) if p]
    if not s1_paths:
        return None
    from .s1_layers import open_s1_layer

    infos, layers = [], []
    for k, path in enumerate(s1_paths):
        info = describe_raster(path, role=f"S1 layer {k + 1}")
        info.input_index = k
        infos.append(info)
        layers.append(open_s1_layer(info, reporter))
    s2_dates = [item.date for item in series.items]
    s1_dates = [info.date for info in infos]
    if all(s2_dates) and all(s1_dates):
        pairs = pair_nearest(s2_dates, s1_dates, max_days)
        lines = describe_pairs(series.items, infos, pairs)
    elif len(infos) == len(series.items):
        reporter.warning("Not every S2 and S1 layer has a date: S1 layers are paired with S2 layers by position.")
        order = sorted(range(len(series.items)), key=lambda k: series.items[k].input_index)
        pairs = [None] * len(series.items)
        for s1_index, s2_position in enumerate(order):
            pairs[s2_position] = s1_index
        lines = [f"  {item.name}: S1 {infos[k].name}" for item, k in zip(series.items, pairs)]
    else:
        raise InputError("S1 layers are paired with S2 dates by acquisition date, but not every layer has a "
                         "date (file name or metadata), and the numbers of S1 and S2 layers differ.")
    for info in infos:
        if info.grid.crs is None and series.grid.crs is not None and info.grid.pixel_offset_in(series.grid) is None:
            raise InputError(f"The {info.label_and_path} has no CRS and is not on the S2 grid.")
    reporter.info(f"Sentinel-1: {len(infos)} layer(s); {sum(p is not None for p in pairs)} of "
                  f"{len(pairs)} S2 dates paired within {max_days} days:")
    for line in lines:
        reporter.info(line)
    return S1Series(layers, pairs)


def noise_input(dates, rows, cols, seed, key=(0, 0), channels=INPUT_CHANNELS):
    """Fixed uniform noise in [0, 1) (dates x channels x rows x cols), reproducible from ``seed`` and
    ``key``."""
    rng = np.random.default_rng([int(seed), 17, int(key[0]), int(key[1])])
    return rng.random((dates, channels, rows, cols), dtype=np.float32)


def read_inputs(s1_readers, window, seed, dates):
    """Per-date inputs of one window (dates x 2 x rows x cols): S1 in [0, 1] where a date has a
    partner, noise elsewhere (and everywhere when ``s1_readers`` is None)."""
    from .normalization import s1_to_unit

    out = noise_input(dates, window.height, window.width, seed, (window.row_off, window.col_off))
    if s1_readers is None:
        return out
    from .s1_layers import fill_missing

    for t, reader in enumerate(s1_readers):
        if reader is None:
            continue
        db, _ = fill_missing(reader.read(window))
        out[t] = s1_to_unit(db)
    return out


def with_static_channels(inputs, paired=None, seed=0, key=(0, 0)):
    """Network input: the per-date channels followed by 2 channels that are the same on every date.

    With S1 the static channels are the temporal mean of the S1 dates (``paired``: which dates
    have real S1; all when None), a speckle-reduced picture of the fixed landscape; without any
    S1 they are one fixed noise image. They give the network a code of *where* a pixel is that
    does not change from date to date, so a date that is cloudy everywhere still gets the
    landscape, while the per-date channels carry what changes.
    """
    dates, _, rows, cols = inputs.shape
    if paired is None:
        paired = [True] * dates
    paired = np.asarray(paired, dtype=bool)
    if paired.any():
        static = inputs[paired].mean(axis=0)
    else:
        rng = np.random.default_rng([int(seed), 29, int(key[0]), int(key[1])])
        static = rng.random((INPUT_CHANNELS, rows, cols), dtype=np.float32)
    out = np.empty((dates, inputs.shape[1] + static.shape[0], rows, cols), dtype=np.float32)
    out[:, :inputs.shape[1]] = inputs
    out[:, inputs.shape[1]:] = static[None]
    return out


def series_scale(series):
    """Digital numbers per unit reflectance of a series: 10000 for integer DN, 1 for float
    reflectance (decided from samples of the first layers)."""
    if not series.reference.is_float:
        return S2_DN_SCALE
    from .mosaic import _layer_sample

    for item in sorted(series.items, key=lambda i: i.input_index):
        values = _layer_sample(item.path, item.nodata)
        if values.size:
            return S2_DN_SCALE if float(np.median(values)) > 50.0 else 1.0
    return S2_DN_SCALE


# ---------------------------------------------------------------------------------------------
# tiles

def _segments(length, size, overlap):
    """(start, stop) of the tiles along one axis: ``size`` long, as few as cover ``length`` with
    neighbours overlapping by at least ``overlap``, spread evenly (equal overlaps)."""
    if length <= size:
        return [(0, length)]
    count = math.ceil((length - overlap) / max(size - overlap, 1))
    count = max(count, 2)
    starts = [round(k * (length - size) / (count - 1)) for k in range(count)]
    return [(s, s + size) for s in starts]


def _ramp(n):
    """Cosine ramp 0 -> 1 over ``n`` samples (pixel centres); a ramp and its mirror sum to 1."""
    i = np.arange(n, dtype=np.float64)
    return (0.5 - 0.5 * np.cos(np.pi * (i + 0.5) / n)).astype(np.float32)


def _axis_weights(segments, k):
    start, stop = segments[k]
    w = np.ones(stop - start, dtype=np.float32)
    if k > 0:
        n = segments[k - 1][1] - start  # shared with the previous tile
        if n > 0:
            w[:n] = _ramp(n)
    if k + 1 < len(segments):
        n = stop - segments[k + 1][0]  # shared with the next tile
        if n > 0:
            w[-n:] = np.minimum(w[-n:], _ramp(n)[::-1])
    return w


class Tile:
    """One tile of the grid: its window and its blending weights (rows x cols)."""

    def __init__(self, index, window, weights):
        self.index = index
        self.window = window
        self.weights = weights


def plan_tiles(height, width, tile_size=DEFAULT_TILE_SIZE, overlap=DEFAULT_TILE_OVERLAP):
    """Tiles of at most ``tile_size`` pixels a side covering the grid, neighbours overlapping by at
    least ``overlap`` pixels, with cosine blending weights that sum to 1 on every pixel."""
    from .windows import Window

    tile_size = int(tile_size)
    overlap = int(overlap)
    if tile_size < 16:
        raise InputError(f"TILE_SIZE must be at least 16 pixels (got {tile_size}).")
    if not 0 <= overlap < tile_size // 2 + 1:
        raise InputError(f"TILE_OVERLAP must be between 0 and half the tile size (got {overlap} for tiles of {tile_size}).")
    rows = _segments(height, tile_size, overlap)
    cols = _segments(width, tile_size, overlap)
    tiles = []
    for i, (r0, r1) in enumerate(rows):
        wr = _axis_weights(rows, i)
        for j, (c0, c1) in enumerate(cols):
            wc = _axis_weights(cols, j)
            tiles.append(Tile(len(tiles), Window(r0, c0, r1 - r0, c1 - c0), np.outer(wr, wc)))
    return tiles


def reconstruct(data, clear, inputs, schedule=DEFAULT_PRESET, device="cpu", seed=0, tile_size=DEFAULT_TILE_SIZE,
                tile_overlap=DEFAULT_TILE_OVERLAP, reporter=None, threads=None, progress=(0.0, 100.0), days=None,
                valid=None, infos=None, paired=None):
    """Reconstruct every date of an in-memory series (dates x bands x rows x cols in [0, 1]).

    Tiles larger grids (independent fits per tile, cosine-blended seams). ``inputs`` is
    dates x 2 x rows x cols (S1 in [0, 1] or noise). Returns the raw network output (float32)."""
    reporter = reporter or Reporter()
    schedule = make_schedule(schedule) if not isinstance(schedule, Schedule) else schedule
    n, bands, h, w = data.shape
    tiles = plan_tiles(h, w, tile_size, tile_overlap)
    total = sum(schedule.total_steps(n, warm=k > 0) for k in range(len(tiles)))
    span = ProgressSpan(reporter, progress[0], progress[1], total)
    out = np.zeros(data.shape, dtype=np.float32)
    weight = np.zeros((h, w), dtype=np.float32)
    done = [0]
    state = None
    with torch_settings(seed, threads):
        for tile in tiles:
            win = tile.window
            rs, cs = slice(win.row_off, win.row_off + win.height), slice(win.col_off, win.col_off + win.width)
            base = done[0]

            def on_step(k, _total, base=base):
                done[0] = base + k
                span.step(done[0])

            pred, info = fit_predict(data[:, :, rs, cs], clear[:, rs, cs], inputs[:, :, rs, cs], schedule, device,
                                     seed + tile.index, on_step=on_step, days=days,
                                     valid=None if valid is None else valid[:, rs, cs], return_info=True,
                                     init_state=state, steps=schedule.total_steps(n, warm=state is not None),
                                     paired=paired, origin=(win.row_off, win.col_off))
            state = info.get("state")
            if infos is not None:
                infos.append(info)
            out[:, :, rs, cs] += pred * tile.weights
            weight[rs, cs] += tile.weights
    out /= np.maximum(weight, 1e-12)
    return out


# ---------------------------------------------------------------------------------------------
# files in, files out

OUTPUT_SUFFIX = "_cloudfree"


def output_names(series, folder):
    """Output path of every item of ``series`` (in series order): ``<input stem>_cloudfree.tif``,
    with ``_<input position>`` added where two inputs share a stem."""
    stems = [os.path.splitext(os.path.basename(item.path))[0] for item in series.items]
    paths = []
    for item, stem in zip(series.items, stems):
        if stems.count(stem) > 1:
            stem = f"{stem}_{item.input_index + 1}"
        paths.append(os.path.join(folder, f"{stem}{OUTPUT_SUFFIX}.tif"))
    return paths


def _pooled_estimate(stats):
    """(estimated RMSE, of the prior) over the held-out pixels of every tile; NaN when none."""
    k = stats["held_out"]
    if not k:
        return float("nan"), float("nan")
    return math.sqrt(stats["sq"] / k), math.sqrt(stats["sq_prior"] / k)


def _to_output(values, dtype, nodata):
    """Float DN (or reflectance) to the output data type; valid integer pixels never all 0."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        out = np.clip(np.rint(values), info.min, info.max).astype(dtype)
        if nodata is not None and nodata == 0 and info.min <= 1 <= info.max:
            zero = ~out.any(axis=0)
            if zero.any():
                out[:, zero] = 1
        return out
    return values.astype(dtype)


class _Accumulator:
    """Blended predictions of all dates (dates x bands x rows x cols float32) and tile weights, in
    memory or, when larger than the budget, in a temporary memory-mapped file next to the outputs."""

    def __init__(self, shape, memory_mb, folder):
        self.folder = None
        size = int(np.prod(shape)) * 4
        if size <= memory_mb * 1024 * 1024:
            self.values = np.zeros(shape, dtype=np.float32)
        else:
            self.folder = tempfile.mkdtemp(prefix=".s2cf-seq2seq-", dir=folder)
            self.values = np.lib.format.open_memmap(os.path.join(self.folder, "acc.npy"), mode="w+",
                                                    dtype=np.float32, shape=shape)
        self.weight = np.zeros(shape[2:], dtype=np.float32)

    def close(self):
        self.values = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def seq2seq(s2_paths, mask_paths, output_folder, s1_paths=None, extent=None, extent_crs=None, device="auto",
            preferred_device=None, seed=0, preset=DEFAULT_PRESET, passes=None, steps=None, learning_rate=None,
            batch_dates=None, tile_size=DEFAULT_TILE_SIZE, tile_overlap=DEFAULT_TILE_OVERLAP, max_days=14,
            raw_output=False, memory_mb=512, threads=None, mixed_precision=None, reporter=None,
            cloudmask_settings=None, harmonize="auto"):
    """Fit the internal-learning network to the series and write a cloud-free GeoTIFF per date.

    Outputs go to ``output_folder`` as ``<input stem>_cloudfree.tif``, on the reference grid, with
    the data type, nodata and band order of the inputs. Clear pixels keep their observed values
    unless ``raw_output``; pixels that are nodata on every date stay nodata. Regions larger than
    ``tile_size`` are fitted tile by tile (overlap ``tile_overlap``, cosine-blended seams). All files
    are written under temporary names and renamed only when every date is complete; on cancel or
    error nothing is left. Without ``mask_paths``, masks are computed with s2cloudless
    (``cloudmask_settings``) for the region first. ``harmonize``: the processing-baseline offset
    rule (:mod:`core.baseline_offset`). Returns a dict (outputs in input order, device, schedule,
    seconds, ...).
    """
    from .series_masks import series_masks, with_harmonize

    reporter = reporter or Reporter()
    make_schedule(preset, passes, steps, learning_rate, batch_dates)  # a bad schedule fails before any mask
    with series_masks(s2_paths, mask_paths, extent, extent_crs, with_harmonize(cloudmask_settings, harmonize),
                      reporter, None, "cpu", share=20.0) as (masks, stage_reporter):
        return _seq2seq_masked(s2_paths, masks, output_folder, s1_paths, extent, extent_crs, device,
                               preferred_device, seed, preset, passes, steps, learning_rate, batch_dates, tile_size,
                               tile_overlap, max_days, raw_output, memory_mb, threads, mixed_precision,
                               stage_reporter, harmonize)


def _seq2seq_masked(s2_paths, mask_paths, output_folder, s1_paths, extent, extent_crs, device, preferred_device,
                    seed, preset, passes, steps, learning_rate, batch_dates, tile_size, tile_overlap, max_days,
                    raw_output, memory_mb, threads, mixed_precision, reporter, harmonize):
    from .device import describe_device, resolve_device
    from .grid_reader import iter_observations
    from .raster_writer import GeoTiffWriter, check_output_path
    from .time_series import open_time_series, output_descriptions
    from .windows import plan_windows, window_slices

    clock = Stopwatch()
    series = open_time_series(s2_paths, mask_paths, extent, extent_crs, reporter, require_masks=True,
                              harmonize=harmonize)
    if len(series) < 2:
        raise InputError("Sequence-to-sequence cloud removal needs a time series: give at least 2 S2 layers.")
    if not output_folder:
        raise InputError("No output folder was given (OUTPUT_FOLDER).")
    output_folder = os.path.abspath(output_folder)
    if os.path.exists(output_folder) and not os.path.isdir(output_folder):
        raise InputError(f"The output folder {output_folder} is a file.")
    try:
        os.makedirs(output_folder, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create the output folder {output_folder}: {exc}") from exc
    outputs = output_names(series, output_folder)
    s1 = open_s1_series(s1_paths, series, max_days, reporter)
    inputs_all = series.paths() + ([i.path for i in s1.infos] if s1 else [])
    for path in outputs:
        check_output_path(path, inputs_all)
    schedule = make_schedule(preset, passes, steps, learning_rate, batch_dates)
    torch_device = resolve_device(device, preferred_device)
    for line in series.describe():
        reporter.info(line)
    if s1 is None:
        reporter.info("No Sentinel-1 layers: the network is driven by fixed noise (the paper's ablation).")
    grid = series.grid
    n, bands, dtype = len(series), series.band_count, series.dtype
    tiles = plan_tiles(grid.height, grid.width, tile_size, tile_overlap)
    scale = series_scale(series)
    nodata = series.reference.nodata
    if nodata is None:
        nodata = float("nan") if series.reference.is_float else 0
    total_steps = sum(schedule.total_steps(n, warm=k > 0) for k in range(len(tiles)))
    days = [item.date for item in series.items] if series.dated else None
    if schedule.kind == "prior" and days is None:
        reporter.warning("Not every layer has an acquisition date: the gap filler behind the default preset "
                         "takes the dates as equally spaced in the given order.")
    reporter.info(f"Schedule: {schedule.describe()}; {total_steps} steps over {len(tiles)} tile(s) of at most "
                  f"{tile_size} px (overlap {tile_overlap} px).")
    fit_span = ProgressSpan(reporter, 0.0, 95.0, total_steps)
    readers = series.observation_readers()
    s1_readers = s1.readers(grid) if s1 else None
    paired = [p is not None for p in s1.pairs] if s1 else [False] * n
    acc = _Accumulator((n, bands, grid.height, grid.width), memory_mb, output_folder)
    ever_valid = np.zeros(grid.shape, dtype=bool)
    pending = []
    stats = {"fit_seconds": 0.0, "empty_tiles": 0, "held_out": 0, "sq": 0.0, "sq_prior": 0.0, "alphas": []}
    state = None
    try:
        with torch_settings(seed, threads) as torch:
            reporter.info(f"Device: {describe_device(torch_device)}"
                          + (" with bfloat16 mixed precision" if torch_device.type == "cuda" and mixed_precision is not False else ""))
            done = 0
            for tile in tiles:
                win = tile.window
                data = np.empty((n, bands, win.height, win.width), dtype=np.float32)
                clear = np.empty((n, win.height, win.width), dtype=bool)
                valid = np.empty((n, win.height, win.width), dtype=bool)
                for obs in iter_observations(readers, win):
                    data[obs.index] = np.clip(np.nan_to_num(obs.data.astype(np.float32)), 0, scale) / scale
                    clear[obs.index] = obs.clear
                    valid[obs.index] = obs.valid
                    ever_valid[window_slices(win)] |= obs.valid
                reporter.check_cancelled()
                inputs = with_static_channels(read_inputs(s1_readers, win, seed, n), paired, seed,
                                              (win.row_off, win.col_off))
                label = f"Tile {tile.index + 1}/{len(tiles)} (rows {win.row_off}-{win.row_off + win.height - 1}, " \
                        f"cols {win.col_off}-{win.col_off + win.width - 1}, {100 * clear.mean():.1f} % clear)"
                tile_steps = schedule.total_steps(n, warm=state is not None)
                if not clear.any():
                    stats["empty_tiles"] += 1
                    reporter.warning(f"{label}: no clear pixel on any date, nothing to learn from; the observed "
                                     "values are kept there.")
                    pred = data
                    done += tile_steps
                    fit_span.step(done)
                else:
                    reporter.info(f"{label}: fitting.")
                    started = time.perf_counter()
                    base = done

                    def on_step(k, _total, base=base):
                        fit_span.step(base + k)

                    def on_pass(p, loss, label=label):
                        reporter.info(f"  tile {tile.index + 1}/{len(tiles)}, pass {p + 1}/{schedule.passes}: "
                                      f"masked L2 loss {loss:.3g}")

                    pred, info = fit_predict(data, clear, inputs, schedule, torch_device, seed + tile.index,
                                             on_step=on_step, on_pass=None if schedule.kind == "prior" else on_pass,
                                             mixed_precision=mixed_precision, days=days, valid=valid,
                                             return_info=True, init_state=state, steps=tile_steps,
                                             paired=paired if s1 else None, origin=(win.row_off, win.col_off))
                    state = info.get("state")
                    if info.get("held_out_pixels"):
                        k = info["held_out_pixels"]
                        stats["held_out"] += k
                        stats["sq"] += info["estimated_rmse"] ** 2 * k
                        stats["sq_prior"] += info["estimated_rmse_prior"] ** 2 * k
                        stats["alphas"].append(info["alpha"])
                        reporter.info(f"  tile {tile.index + 1}/{len(tiles)}: estimated RMSE {info['estimated_rmse']:.4f} "
                                      f"(prior {info['estimated_rmse_prior']:.4f}) on {k:,} held-out clear pixels; "
                                      f"{100 * info['alpha_partial']:.0f} % of the network's correction kept where a date is "
                                      "partly clear (dates cloudy all around keep the gap filler's image)"
                                      + ("" if info.get("stopped_early") or info["alpha_partial"] > 0 else
                                         f"; on the held-out pixels it gained {100 * info.get('held_out_gain', 0.0):.1f} %, "
                                         f"below the {100 * MIN_HELD_OUT_GAIN:.0f} % it must gain to be applied")
                                      + (f" (stopped after {info['steps']} steps: the held-out pixels wanted none of "
                                         "it; this tile is the gap filler's)." if info.get("stopped_early") else "."))
                    done += tile_steps
                    stats["fit_seconds"] += time.perf_counter() - started
                rs, cs = window_slices(win)
                acc.values[:, :, rs, cs] += pred * tile.weights
                acc.weight[rs, cs] += tile.weights
            if torch_device.type == "cuda":
                torch.cuda.empty_cache()

        estimate, estimate_prior = _pooled_estimate(stats)
        estimate_tags = {}
        if stats["held_out"]:
            estimate_tags = {"S2CF_ESTIMATED_RMSE": f"{estimate:.5f}", "S2CF_ESTIMATED_RMSE_PRIOR": f"{estimate_prior:.5f}",
                             "S2CF_HELD_OUT_PIXELS": stats["held_out"]}
            reporter.info(f"Estimated RMSE {estimate:.4f} (prior {estimate_prior:.4f}) on {stats['held_out']:,} "
                          "held-out clear pixels (reflectance; the prior is the gap filler's image).")
        elif schedule.kind == "prior":
            reporter.warning("The error could not be estimated: no mostly clear date had clear pixels to hold out.")
        # writing: every date to a temporary name first
        steps = plan_windows(grid.height, grid.width, bands * (4 * 3 + dtype.itemsize * 2) + 8, memory_mb)
        write_span = ProgressSpan(reporter, 95.0, 100.0, n * len(steps))
        descriptions = output_descriptions(series)
        written = 0
        for t, item in enumerate(series.items):
            final = outputs[t]
            folder, base = os.path.split(final)
            temp = os.path.join(folder, f".{base}.s2cf-pending.tif")
            pending.append((temp, final))
            tags = dict(estimate_tags)
            tags.update(series.offset_tags())
            tags.update({"S2CF_ALGORITHM": "seq2seq", "S2CF_SOURCE": item.name,
                    "S2CF_INPUT": "S1" if s1 and s1.pairs[t] is not None else "noise",
                    "S2CF_SCHEDULE": schedule.name, "S2CF_SEED": seed, "S2CF_DEVICE": str(torch_device),
                    "S2CF_RAW_OUTPUT": "yes" if raw_output else "no"})
            if item.date:
                tags["ACQUISITION_DATE"] = item.date.isoformat()
            with GeoTiffWriter(temp, grid, bands, dtype, nodata, descriptions, tags) as writer:
                for step in steps:
                    rs, cs = window_slices(step.core)
                    weight = acc.weight[rs, cs]
                    values = acc.values[t][:, rs, cs] / np.maximum(weight, 1e-12) * scale
                    if not raw_output:
                        obs = readers[t].read(step.core)
                        values[:, obs.clear] = obs.data[:, obs.clear]
                    out = _to_output(values, dtype, nodata)
                    never = ~ever_valid[rs, cs]
                    if never.any():
                        out[:, never] = nodata
                    writer.write(out, step.core)
                    written += 1
                    write_span.step(written)
        for temp, final in pending:
            os.replace(temp, final)
            for sidecar in (final + ".aux.xml", final + ".ovr"):
                if os.path.exists(sidecar):
                    os.remove(sidecar)
        pending = []
    finally:
        for temp, _final in pending:
            for name in (temp, temp + ".aux.xml"):
                if os.path.exists(name):
                    os.remove(name)
        acc.close()
        for reader in readers:
            reader.close()
        if s1_readers:
            for reader in {id(r): r for r in s1_readers if r is not None}.values():
                reader.close()
    by_input = sorted(range(n), key=lambda k: series.items[k].input_index)
    seconds = clock.seconds
    reporter.info(f"Wrote {n} cloud-free images to {output_folder} in {seconds:.1f} s "
                  f"(fitting {stats['fit_seconds']:.1f} s on {describe_device(torch_device)}).")
    return {"outputs": [outputs[k] for k in by_input], "output_folder": output_folder,
            "device": str(torch_device), "schedule": schedule, "tiles": len(tiles), "seconds": seconds,
            "fit_seconds": stats["fit_seconds"], "empty_tiles": stats["empty_tiles"],
            "estimated_rmse": _pooled_estimate(stats)[0], "estimated_rmse_prior": _pooled_estimate(stats)[1],
            "held_out_pixels": stats["held_out"],
            "s1_paired": s1.paired if s1 else 0}
