"""Training CR-TS Net (the seq2point network) on the user's series or on SEN12MS-CR-TS.

Data sources
- **The user's series** (S2 layers with cloud masks, S1 layers optional), on one reference grid:
  random patches; the target is a clear date of the patch (clear fraction >= ``clear_threshold``);
  the inputs are ``n`` other dates drawn among the ``3 n`` dates nearest in time to the target,
  kept in time order, with their real clouds; optionally (``paste_probability``) a mostly clear
  input gets the cloudy pixels of another date of the same place pasted on it (real clouds, for
  variety). The loss ignores target pixels that are not clear. The bottom ``val_fraction`` of the
  rows is held out for validation (split by area): training patches never touch it.
- **SEN12MS-CR-TS** in its official layout (:mod:`core.sen12mscrts`): patches of the train split;
  target = least cloudy date, inputs = the first n dates (as the data set defines samples);
  validation on the val split when present. Random crops of ``patch_size``.

The paper's settings are the defaults: L1 loss x 100, Adam (lr 2e-4, betas 0.5 / 0.999), batch 1.
Random flips and 90-degree rotations augment the patches. Checkpoints (:mod:`models.checkpoint`)
are written every ``checkpoint_every`` steps and at the end, with the optimiser and random states,
so that ``resume=True`` continues a run; a cancelled run saves a usable checkpoint first. With a
seed, runs on the CPU are repeatable (same seed, same thread count: same weights).

Run outside QGIS with ``python -m <plugin package>.core.train --help``.
"""

import argparse
import datetime as _dt
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from .dependencies import require
from .errors import CancelledError, InputError
from .normalization import s2_to_resnet
from .reporting import ConsoleReporter, Reporter, Stopwatch
from .s1_pairing import DEFAULT_MAX_DAYS, pair_nearest
from .training_defaults import SERIES_DEFAULTS
from .validity import valid_pixels
from .windows import Window

_CELL = 8  # block size of the per-date clear maps used to pick patches
#: Smallest training patch (px) chosen when PATCH_SIZE does not fit the region.
MIN_PATCH = 16


@dataclass
class TrainSettings:
    architecture: str = "crtsnet"
    n_inputs: int = 3
    steps: int = 1000
    batch_size: int = 1
    patch_size: int = 128
    learning_rate: float = 2e-4
    betas: tuple = (0.5, 0.999)
    l1_weight: float = 100.0
    val_fraction: float = 0.1
    val_samples: int = 8
    val_every: int = 100
    checkpoint_every: int = 500
    log_every: int = 10
    seed: int = 0
    device: str = "auto"
    threads: int = 2
    paste_probability: float = 0.5
    clear_threshold: float = 0.98
    max_days: int = DEFAULT_MAX_DAYS
    use_s1: object = None  # None: when S1 is given (series) / always (SEN12MS-CR-TS)
    resume: bool = False
    init_model: str = ""
    freeze_branch_steps: int = 0
    dataset_split: str = "train"
    dataset_region: str = "all"
    cache_mb: float = 1024.0
    network: dict = field(default_factory=dict)  # features / blocks_2d / blocks_3d overrides
    harmonize: str = "auto"  # processing-baseline offset rule (core.baseline_offset)
    target_in_inputs: float = 0.3  # gapfill-prior variant: share of samples whose target is an input
    max_minutes: float = 0.0  # stop after this much training time (0: no limit)
    patience: int = 0  # stop after this many validations without a better one (0: never)
    keep_best: bool = True  # the checkpoint holds the weights of the best validation


def series_settings(**overrides):
    """:class:`TrainSettings` with :data:`SERIES_DEFAULTS`, then ``overrides``."""
    return replace(TrainSettings(), **{**SERIES_DEFAULTS, **overrides})


# --------------------------------------------------------------------------- samples
def _augment(rng, arrays):
    """The same random flip / rotation of every array (last two axes)."""
    k = int(rng.integers(4))
    flip = bool(rng.integers(2))
    out = []
    for a in arrays:
        if a is None:
            out.append(None)
            continue
        a = np.rot90(a, k, axes=(-2, -1))
        if flip:
            a = a[..., ::-1]
        out.append(np.ascontiguousarray(a))
    return out


def _make_input(s2_dn, s1_db, valid, use_s1, prior=None, clear=None):
    """The network input of a sample, as inference makes it (:func:`core.seq2point.network_input`);
    the ``gapfill-prior`` variant when a prior is given."""
    from .seq2point import network_input

    variant = "paper" if prior is None else "gapfill-prior"
    return network_input(s2_dn, s1_db, valid, {"use_s1": bool(use_s1), "variant": variant}, prior, clear)


class SeriesData:
    """Samples from the user's series (S2 + masks, S1 optional) on the reference grid."""

    kind = "series"

    def __init__(self, s2_paths, mask_paths, s1_paths, settings, extent=None, extent_crs=None,
                 reporter=None):
        from .time_series import open_time_series

        reporter = reporter or Reporter()
        self.settings = settings
        series = open_time_series(s2_paths, mask_paths, extent, extent_crs, reporter, require_masks=True,
                                  harmonize=getattr(settings, "harmonize", "auto"))
        self.series = series
        self.grid = series.grid
        self.bands = list(series.output_bands)
        if not series.reference.layout.known:
            reporter.warning("The S2 layers name no bands: the model records them as "
                             f"{', '.join(self.bands)}.")
        n = settings.n_inputs
        if len(series.items) < n + 1:
            raise InputError(f"Training needs at least {n + 1} dates (n = {n} inputs and a target); "
                             f"{len(series.items)} were given.")
        self.dates = [item.date for item in series.items]
        known = all(d is not None for d in self.dates)
        self.days = [d.toordinal() if known else k for k, d in enumerate(self.dates)]
        from ..models.crtsnet import variant_of_architecture

        self.with_prior = variant_of_architecture(settings.architecture) == "gapfill-prior"
        self.use_s1 = bool(s1_paths) if settings.use_s1 is None else bool(settings.use_s1)
        if self.use_s1 and not s1_paths:
            raise InputError("use_s1 is set but no S1 layers were given.")
        self.s1_pair = [None] * len(series.items)
        self.s1_readers = []
        if self.use_s1:
            self._open_s1(s1_paths, reporter)
        h, w = self.grid.height, self.grid.width
        p = settings.patch_size
        self.val_rows = 0
        if settings.val_fraction > 0:
            self.val_rows = max(int(math.ceil(settings.val_fraction * h)), 8)
        self.train_rows = h - self.val_rows
        if self.train_rows < p or w < p:
            fitted = (min(self.train_rows, w) // _CELL) * _CELL
            if fitted < MIN_PATCH:
                raise InputError(
                    f"The region ({w} x {h} px, {self.val_rows} rows held out for validation) is too small "
                    f"for training patches: at least {MIN_PATCH} x {MIN_PATCH} px of training rows are needed "
                    f"(PATCH_SIZE {p}); give a larger EXTENT or a smaller validation share.")
            reporter.warning(f"PATCH_SIZE {p} does not fit the region ({w} x {h} px, {self.val_rows} rows held "
                             f"out for validation): training patches of {fitted} px, the largest that fit.")
            self.settings = settings = replace(settings, patch_size=fitted)
        self._load(reporter)

    # -- set-up -----------------------------------------------------------------
    def _open_s1(self, s1_paths, reporter):
        from .raster_info import describe_raster
        from .s1_layers import S1Reader, open_s1_layer

        infos = [describe_raster(p, role=f"S1 layer {k + 1}") for k, p in enumerate(s1_paths)]
        if any(i.date is None for i in infos) or any(d is None for d in self.dates):
            raise InputError("S1 layers are paired with S2 dates by date: every S1 and S2 layer needs a date.")
        self.s1_pair = pair_nearest(self.dates, [i.date for i in infos], self.settings.max_days)
        self.s1_readers = [S1Reader(open_s1_layer(i, reporter), self.grid) for i in infos]
        unpaired = sum(1 for k in self.s1_pair if k is None)
        reporter.info(f"S1 pairing: {len(self.dates) - unpaired} of {len(self.dates)} S2 dates have an S1 "
                      f"date within {self.settings.max_days} days"
                      + ("; the others are never used as inputs." if unpaired else "."))

    def _load(self, reporter):
        """Per-date clear maps on blocks of _CELL px; the whole series kept in memory when it fits."""
        series = self.series
        h, w = self.grid.height, self.grid.width
        per_date = len(self.bands) * 4 + 2 + (8 if self.use_s1 else 0)
        fits = len(series.items) * h * w * per_date <= self.settings.cache_mb * 2 ** 20
        ch, cw = math.ceil(h / _CELL), math.ceil(w / _CELL)
        self.clear_cells = np.zeros((len(series.items), ch, cw), dtype=np.float32)
        self.cache = None
        if fits:
            self.cache = {"s2": np.zeros((len(series.items), len(self.bands), h, w), dtype=np.float32),
                          "clear": np.zeros((len(series.items), h, w), dtype=bool),
                          "valid": np.zeros((len(series.items), h, w), dtype=bool)}
        self.readers = series.observation_readers()
        strip = max(_CELL, (int(64 * 2 ** 20 / (per_date * 2 * w)) // _CELL) * _CELL)
        for row in range(0, h, strip):
            win = Window(row, 0, min(strip, h - row), w)
            for obs in (r.read(win) for r in self.readers):
                cells = _block_mean(obs.clear, _CELL)
                r0, c0 = win.row_off // _CELL, win.col_off // _CELL
                self.clear_cells[obs.index, r0:r0 + cells.shape[0], c0:c0 + cells.shape[1]] = cells
                if fits:
                    sl = (slice(win.row_off, win.row_off + win.height), slice(win.col_off, win.col_off + win.width))
                    self.cache["s2"][(obs.index, slice(None)) + sl] = obs.data
                    self.cache["clear"][(obs.index,) + sl] = obs.clear
                    self.cache["valid"][(obs.index,) + sl] = obs.valid
        if fits and self.use_s1:
            full = Window(0, 0, h, w)
            self.cache["s1"] = {k: self.s1_readers[k].read(full).astype(np.float32)
                                for k in sorted({k for k in self.s1_pair if k is not None})}
        held_out = (f"rows {self.train_rows}-{h - 1} held out for validation" if self.val_rows
                    else "no validation area")
        reporter.info(f"Training data: {len(series.items)} dates on {self.grid.describe()}; "
                      f"{'held in memory' if fits else 'read from the files for every sample'}; "
                      f"{held_out}.")

    def describe(self):
        items = self.series.items
        first, last = items[0].date_text(), items[-1].date_text()
        return (f"the user's series: {len(items)} S2 dates {first} .. {last} "
                f"({', '.join(self.bands)}){' + S1' if self.use_s1 else ''}, region "
                f"{self.grid.describe()}, validation rows {self.train_rows}..{self.grid.height - 1}")

    # -- reading ------------------------------------------------------------------
    def _read(self, k, window):
        """(S2 DN float32 bands x h x w, clear, valid) of date k."""
        if self.cache is not None:
            sl = (slice(window.row_off, window.row_off + window.height),
                  slice(window.col_off, window.col_off + window.width))
            return (self.cache["s2"][(k, slice(None)) + sl], self.cache["clear"][(k,) + sl],
                    self.cache["valid"][(k,) + sl])
        obs = self.readers[k].read(window)
        return obs.data.astype(np.float32), obs.clear, obs.valid

    def _read_s1(self, k, window):
        j = self.s1_pair[k]
        if self.cache is not None:
            return self.cache["s1"][j][:, window.row_off:window.row_off + window.height,
                                       window.col_off:window.col_off + window.width]
        return self.s1_readers[j].read(window).astype(np.float32)

    def _clear_fraction(self, window):
        r0, c0 = window.row_off // _CELL, window.col_off // _CELL
        r1, c1 = math.ceil((window.row_off + window.height) / _CELL), math.ceil((window.col_off + window.width) / _CELL)
        return self.clear_cells[:, r0:r1, c0:c1].mean(axis=(1, 2))

    # -- samples ------------------------------------------------------------------
    def _pick(self, rng, window):
        """(input dates, target date, paste plan) for a window, or None when it has no clear date.

        For the ``gapfill-prior`` variant, with probability ``target_in_inputs`` the target date is
        also one of the inputs with the real clouds of another date pasted on it: the case of a user
        who asks for a date the series has, cloudy."""
        s = self.settings
        n = s.n_inputs
        clear = self._clear_fraction(window)
        usable = [k for k in range(len(clear)) if not self.use_s1 or self.s1_pair[k] is not None]
        targets = [k for k in range(len(clear)) if clear[k] >= s.clear_threshold]
        rng.shuffle(targets)
        for target in targets:
            others = [k for k in usable if k != target]
            if len(others) < n:
                continue

            def gap(k):
                if self.dates[k] is not None and self.dates[target] is not None:
                    return abs((self.dates[k] - self.dates[target]).days)
                return abs(k - target)

            nearest = sorted(others, key=lambda k: (gap(k), k))[:3 * n]
            inputs = sorted(rng.choice(nearest, size=n, replace=False).tolist())
            paste = {}
            cloudy_dates = [k for k in range(len(clear)) if 0.1 <= 1 - clear[k] <= 0.9 and k != target]
            for k in inputs:
                if clear[k] >= 0.9 and cloudy_dates and rng.random() < s.paste_probability:
                    paste[k] = int(rng.choice(cloudy_dates))
            if (self.with_prior and cloudy_dates and target in usable
                    and rng.random() < s.target_in_inputs):
                farthest = max(inputs, key=lambda k: (gap(k), k))
                paste.pop(farthest, None)
                inputs = sorted([k for k in inputs if k != farthest] + [target])
                paste[target] = int(rng.choice(cloudy_dates))
            return inputs, target, paste
        return None

    def _sample_at(self, window, inputs, target, paste):
        s2, valid, clear = [], [], []
        for k in inputs:
            data, ok_clear, ok = self._read(k, window)
            if k in paste:
                other, other_clear, other_valid = self._read(paste[k], window)
                cloud = ~other_clear & other_valid
                data = np.where(cloud[None], other, data)
                ok = ok | cloud
                ok_clear = ok_clear & ~cloud
            s2.append(data)
            valid.append(ok)
            clear.append(ok_clear)
        s2, valid, clear = np.stack(s2), np.stack(valid), np.stack(clear)
        s1 = np.stack([self._read_s1(k, window) for k in inputs]) if self.use_s1 else None
        target_dn, target_clear, _ = self._read(target, window)
        prior = None
        if self.with_prior:
            from .seq2point import gapfill_prior

            prior = gapfill_prior(s2, clear, [self.days[k] for k in inputs], self.days[target], valid,
                                  (window.row_off, window.col_off))
        return s2, s1, valid, target_dn, target_clear, prior, clear

    def _example(self, s2, s1, valid, target, mask, prior, clear):
        return (_make_input(s2, s1, valid, self.use_s1, prior, clear if prior is not None else None),
                s2_to_resnet(target), mask)

    def sample(self, rng):
        p = self.settings.patch_size
        h, w = self.train_rows, self.grid.width
        for _attempt in range(200):
            r = int(rng.integers(0, (h - p) // _CELL + 1)) * _CELL
            c = int(rng.integers(0, (w - p) // _CELL + 1)) * _CELL
            r, c = min(r, h - p), min(c, w - p)
            window = Window(r, c, p, p)
            picked = self._pick(rng, window)
            if picked is None:
                continue
            return self._example(*_augment(rng, list(self._sample_at(window, *picked))))
        raise InputError(
            f"No training patch of {p} px with a clear date (clear fraction >= "
            f"{self.settings.clear_threshold:g}) was found in 200 tries: give more clear dates, a "
            "smaller PATCH_SIZE or check the masks (0 = clear).")

    def validation_set(self, seed):
        """Fixed validation samples from the held-out rows (the same for the whole run)."""
        if not self.val_rows:
            return []
        rng = np.random.default_rng(seed + 7919)
        vh = min(self.val_rows, self.settings.patch_size)
        vw = min(self.grid.width, self.settings.patch_size)
        top = self.grid.height - vh
        samples = []
        for _ in range(self.settings.val_samples * 20):
            if len(samples) >= self.settings.val_samples:
                break
            c = int(rng.integers(0, self.grid.width - vw + 1))
            window = Window(top, c, vh, vw)
            picked = self._pick(rng, window)
            if picked is None:
                continue
            inputs, target, paste = picked
            # the paper's variant is validated on the inputs' own clouds; the prior variant also on
            # targets that are among the inputs (their pasted clouds are part of that case)
            samples.append(self._example(*self._sample_at(window, inputs, target,
                                                          paste if self.with_prior else {})))
        return samples

    def close(self):
        for reader in getattr(self, "readers", []):
            reader.close()
        for reader in self.s1_readers:
            reader.close()


def _block_mean(mask, cell):
    h, w = mask.shape
    ph, pw = math.ceil(h / cell) * cell, math.ceil(w / cell) * cell
    padded = np.zeros((ph, pw), dtype=np.float32)
    counts = np.zeros((ph, pw), dtype=np.float32)
    padded[:h, :w] = mask
    counts[:h, :w] = 1
    sums = padded.reshape(ph // cell, cell, pw // cell, cell).sum(axis=(1, 3))
    n = counts.reshape(ph // cell, cell, pw // cell, cell).sum(axis=(1, 3))
    return sums / np.maximum(n, 1)


class Sen12mscrtsData:
    """Samples from a SEN12MS-CR-TS folder: target = least cloudy date, inputs = first n dates."""

    kind = "sen12mscrts"

    def __init__(self, root, settings, cache_path=None, coverage_fn=None, reporter=None):
        from .bands import L1C_BANDS
        from .sen12mscrts import CoverageCache, index_dataset

        reporter = reporter or Reporter()
        self.root = root
        self.settings = settings
        self.bands = list(L1C_BANDS)
        self.use_s1 = True if settings.use_s1 is None else bool(settings.use_s1)
        self.patches = index_dataset(root, settings.dataset_split, settings.dataset_region, reporter)
        self.val_patches = []
        if settings.val_fraction > 0 and settings.dataset_split == "train":
            try:
                self.val_patches = index_dataset(root, "val", settings.dataset_region, reporter)
            except InputError:
                reporter.info("No validation split (val ROIs) found: training without validation.")
        self.coverage = CoverageCache(cache_path, coverage_fn)

    def describe(self):
        return (f"SEN12MS-CR-TS ({self.settings.dataset_split} split, region {self.settings.dataset_region}"
                f", {len(self.patches)} patches under {self.root}); target = least cloudy date, inputs = "
                f"first {self.settings.n_inputs} dates")

    def _sample(self, patch, window):
        from .sen12mscrts import read_patch, select_sample

        inputs, target = select_sample(self.coverage.patch_coverage(patch), self.settings.n_inputs)
        s2, s1 = read_patch(patch, inputs + [target], window)
        inp, tgt = s2[:-1], s2[-1]
        valid = np.stack([valid_pixels(d) for d in inp])
        return inp, s1[:-1], valid, tgt, valid_pixels(tgt)

    def sample(self, rng):
        patch = self.patches[int(rng.integers(len(self.patches)))]
        height, width = _shape_of(patch.s2_paths[0])
        p = min(self.settings.patch_size, height, width)
        window = Window(int(rng.integers(0, height - p + 1)), int(rng.integers(0, width - p + 1)), p, p)
        s2, s1, valid, target, mask = _augment(rng, list(self._sample(patch, window)))
        return _make_input(s2, s1, valid, self.use_s1), s2_to_resnet(target), mask

    def validation_set(self, seed):
        rng = np.random.default_rng(seed + 7919)
        picks = rng.permutation(len(self.val_patches))[:self.settings.val_samples] if self.val_patches else []
        samples = []
        for k in picks:
            patch = self.val_patches[int(k)]
            height, width = _shape_of(patch.s2_paths[0])
            p = min(self.settings.patch_size, height, width)
            window = Window((height - p) // 2, (width - p) // 2, p, p)
            s2, s1, valid, target, mask = self._sample(patch, window)
            samples.append((_make_input(s2, s1, valid, self.use_s1), s2_to_resnet(target), mask))
        return samples

    def close(self):
        self.coverage.save()


def _shape_of(path):
    rasterio = require("rasterio")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(path) as ds:
            return ds.height, ds.width


# --------------------------------------------------------------------------- training
def _masked_l1(torch, prediction, target, mask):
    weight = mask.unsqueeze(1).to(prediction.dtype).expand_as(prediction)
    return (torch.abs(prediction - target) * weight).sum() / weight.sum().clamp(min=1.0)


def _rng_state(torch, rng):
    return {"torch": torch.get_rng_state(), "numpy": rng.bit_generator.state}


def _same_shape(a, b):
    keys = ("model", "features", "blocks_2d", "blocks_3d", "n_inputs", "bands", "use_s1")
    return all(a.get(k) == b.get(k) for k in keys) and a.get("variant", "paper") == b.get("variant", "paper")


class _Determinism:
    """Repeatable runs: on CUDA, deterministic cuDNN kernels (flags restored afterwards). CPU kernels
    are already repeatable for a given thread count; torch's 'deterministic algorithms' mode is not
    switched on because it makes CPU training about ten times slower."""

    def __init__(self, torch, device):
        self.torch, self.device = torch, device

    def __enter__(self):
        cudnn = self.torch.backends.cudnn
        self.saved = (cudnn.deterministic, cudnn.benchmark)
        if self.device.type == "cuda":
            cudnn.deterministic, cudnn.benchmark = True, False
        return self

    def __exit__(self, *exc):
        cudnn = self.torch.backends.cudnn
        cudnn.deterministic, cudnn.benchmark = self.saved
        return False


def evaluate(model, samples, device, l1_weight=100.0):
    """Masked L1 (x l1_weight, as the loss) and RMSE on [0, 1] reflectance of ``samples``."""
    torch = require("torch")
    if not samples:
        return None
    l1s, sq, count = [], 0.0, 0
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for x, y, mask in samples:
            pred = model(torch.from_numpy(x[None]).to(device))[0].float().cpu().numpy()
            m = np.broadcast_to(mask[None], pred.shape)
            if not m.any():
                continue
            l1s.append(float(np.abs(pred - y)[m].mean()) * l1_weight)
            # ResNet scale / 5 = [0, 1] reflectance (clip(DN, 0, 10000) / 10000)
            sq += float((((np.clip(pred, 0, 5) - y) / 5.0)[m] ** 2).sum())
            count += int(m.sum())
    model.train(was_training)
    if not count:
        return None
    rmse = math.sqrt(sq / count)
    return {"l1": float(np.mean(l1s)), "rmse": rmse, "psnr": 20 * math.log10(1.0 / max(rmse, 1e-12)),
            "samples": len(samples)}


def train_seq2point(output_model, s2_paths=None, mask_paths=None, s1_paths=None, dataset_folder=None,
                    settings=None, extent=None, extent_crs=None, reporter=None, coverage_fn=None):
    """Train (or resume training) and write the checkpoint ``output_model``. Returns a dict of
    figures: steps_done, first_loss, final_loss, validation, cancelled, seconds, samples_per_second."""
    from ..models.checkpoint import read_checkpoint, save_checkpoint
    from ..models.crtsnet import build_model, count_parameters, describe_config, model_config
    from .seq2point import describe_device, resolve_torch_device

    torch = require("torch")
    settings = settings or TrainSettings()
    reporter = reporter or Reporter()
    clock = Stopwatch()
    if settings.steps < 1:
        raise InputError("STEPS must be at least 1.")
    if not output_model:
        raise InputError("No output model file was given (OUTPUT_MODEL).")
    output_model = os.path.abspath(str(output_model))
    if dataset_folder and s2_paths:
        raise InputError("Give either S2_LAYERS (with MASK_LAYERS) or DATASET_FOLDER, not both.")
    device = resolve_torch_device(settings.device)
    if device.type == "cpu" and settings.threads:
        torch.set_num_threads(max(int(settings.threads), 1))
    all_inputs = [os.path.realpath(p) for p in list(s2_paths or []) + list(mask_paths or []) + list(s1_paths or [])]
    if os.path.realpath(output_model) in all_inputs:
        raise InputError(f"The output model {output_model} is one of the inputs.")

    if dataset_folder:
        from ..models.crtsnet import variant_of_architecture

        if variant_of_architecture(settings.architecture) == "gapfill-prior":
            raise InputError("crtsnet-lite-gapfill corrects the gap filler's estimate made from the inputs' "
                             "cloud masks; it trains on your own series (S2_LAYERS with MASK_LAYERS), not on "
                             "DATASET_FOLDER.")
        cache = os.path.splitext(output_model)[0] + ".coverage.json"
        data = Sen12mscrtsData(dataset_folder, settings, cache, coverage_fn, reporter)
    elif s2_paths:
        data = SeriesData(s2_paths, mask_paths, s1_paths, settings, extent, extent_crs, reporter)
        settings = data.settings  # the patch size may have been fitted to the region
    else:
        raise InputError("No training data: give S2_LAYERS with MASK_LAYERS, or DATASET_FOLDER.")

    try:
        config = model_config(settings.architecture, data.bands, settings.n_inputs, data.use_s1,
                              **settings.network)
        torch.manual_seed(settings.seed)
        rng = np.random.default_rng(settings.seed)
        model = build_model(config).to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate,
                                     betas=tuple(settings.betas))
        record = {"data": data.describe(), "source": data.kind, "steps_done": 0, "seed": settings.seed,
                  "settings": {k: v for k, v in asdict(settings).items() if k not in ("device",)},
                  "loss": f"L1 x {settings.l1_weight:g} on the ResNet scale (DN / 2000)",
                  "loss_log": [], "validation": [], "runs": []}
        record["settings"]["betas"] = list(settings.betas)
        start_step = 0
        if settings.resume and os.path.exists(output_model):
            payload = read_checkpoint(output_model)
            if not _same_shape(payload["config"], config):
                raise InputError(f"RESUME: the checkpoint {output_model} is a different network or has "
                                 "other bands / inputs than this run; choose another OUTPUT_MODEL.")
            model.load_state_dict(payload["state_dict"])
            if payload.get("optimizer"):
                optimizer.load_state_dict(payload["optimizer"])
            if payload.get("rng"):
                torch.set_rng_state(payload["rng"]["torch"])
                rng.bit_generator.state = payload["rng"]["numpy"]
            record = dict(payload.get("training") or record)
            start_step = int(record.get("steps_done", 0))
            reporter.info(f"Resuming {output_model} at step {start_step}.")
        elif settings.init_model:
            from ..models.registry import resolve_model

            payload = read_checkpoint(resolve_model(settings.init_model, reporter=reporter))
            if not _same_shape(payload["config"], config):
                raise InputError(f"INIT_MODEL {settings.init_model} has another shape, bands or number of "
                                 "inputs than this run.")
            model.load_state_dict(payload["state_dict"])
            record["initialised_from"] = {"model": settings.init_model,
                                          "data": (payload.get("training") or {}).get("data", "unknown")}
            reporter.info(f"Starting from the weights of {settings.init_model}.")
        if start_step >= settings.steps:
            reporter.info(f"The checkpoint has already {start_step} steps (STEPS = {settings.steps}): nothing to do.")
            return {"output": output_model, "steps_done": start_step, "first_loss": None,
                    "final_loss": None, "validation": (record.get("validation") or [None])[-1],
                    "cancelled": False, "seconds": clock.seconds, "samples_per_second": 0.0}

        reporter.info(f"Network {describe_config(config)}; {count_parameters(model):,} parameters.")
        reporter.info(f"Device: {describe_device(device)}. Training data: {data.describe()}.")
        reporter.info(f"Steps {start_step} -> {settings.steps}, batch {settings.batch_size}, patches "
                      f"{settings.patch_size} px, Adam lr {settings.learning_rate:g} betas "
                      f"{tuple(settings.betas)}, loss L1 x {settings.l1_weight:g}, seed {settings.seed}.")
        validation = data.validation_set(settings.seed)
        if settings.val_fraction > 0:
            reporter.info(f"Validation: {len(validation)} fixed samples held out by area.")
        record["runs"] = list(record.get("runs", [])) + [{
            "started": _dt.datetime.now().isoformat(timespec="seconds"), "from_step": start_step,
            "device": str(device)}]
        state = {"step": start_step}

        def save():
            record["steps_done"] = state["step"]
            record["runs"][-1]["to_step"] = state["step"]
            save_checkpoint(output_model, model, config, training=record,
                            optimizer=optimizer.state_dict(), rng=_rng_state(torch, rng))

        losses, first_loss, final_loss, cancelled = [], None, None, False
        branch = list(model.head.parameters()) + list(model.blocks_2d.parameters())
        t0 = time.perf_counter()
        samples_done = 0
        best = {"score": None, "step": None, "state": None, "since": 0}
        stopped = None
        if settings.max_minutes and settings.max_minutes > 0:
            reporter.info(f"Time budget: {settings.max_minutes:g} min of training; "
                          + (f"early stopping after {settings.patience} validations without a better RMSE; "
                             if settings.patience and validation else "")
                          + ("the checkpoint keeps the weights of the best validation." if settings.keep_best
                             and validation else "the checkpoint keeps the last weights."))
        if validation and start_step == 0:
            # the untrained network is a candidate too: for the gapfill-prior variant it is the
            # gap filler itself, so the kept weights never validate worse than the classical answer
            figures = evaluate(model, validation, device, settings.l1_weight)
            if figures:
                record["validation"].append(dict(figures, step=0))
                reporter.info(f"validation before training: L1 {figures['l1']:.4f}, RMSE {figures['rmse']:.4f}")
                best.update(score=figures["rmse"], step=0,
                            state={k: v.detach().clone() for k, v in model.state_dict().items()})
        model.train()
        with _Determinism(torch, device):
            try:
                for step in range(start_step, settings.steps):
                    reporter.check_cancelled()
                    # the budget counts from the call (reading the data included), with room for the
                    # last validation and the save
                    if settings.max_minutes and clock.seconds > 0.99 * 60.0 * settings.max_minutes:
                        stopped = f"time budget of {settings.max_minutes:g} min reached at step {step}"
                        break
                    frozen = step < settings.freeze_branch_steps
                    for p in branch:
                        p.requires_grad_(not frozen)
                    batch = [data.sample(rng) for _ in range(settings.batch_size)]
                    x = torch.from_numpy(np.stack([b[0] for b in batch])).to(device)
                    y = torch.from_numpy(np.stack([b[1] for b in batch])).to(device)
                    m = torch.from_numpy(np.stack([b[2] for b in batch])).to(device)
                    optimizer.zero_grad(set_to_none=True)
                    loss = settings.l1_weight * _masked_l1(torch, model(x), y, m)
                    loss.backward()
                    optimizer.step()
                    value = float(loss.detach())
                    if not math.isfinite(value):
                        raise InputError(f"The loss became {value} at step {step + 1}: lower the learning rate.")
                    losses.append(value)
                    samples_done += settings.batch_size
                    state["step"] = step + 1
                    if first_loss is None:
                        first_loss = value
                    done = state["step"]
                    if done % settings.log_every == 0 or done == settings.steps:
                        mean = float(np.mean(losses))
                        final_loss = mean
                        record["loss_log"].append([done, mean])
                        losses = []
                        rate = samples_done / max(time.perf_counter() - t0, 1e-9)
                        reporter.info(f"step {done}/{settings.steps}: loss {mean:.4f} ({rate:.2f} samples/s)")
                    if validation and (done % settings.val_every == 0 or done == settings.steps):
                        figures = evaluate(model, validation, device, settings.l1_weight)
                        if figures:
                            record["validation"].append(dict(figures, step=done))
                            reporter.info(f"validation at step {done}: L1 {figures['l1']:.4f}, RMSE "
                                          f"{figures['rmse']:.4f}, PSNR {figures['psnr']:.2f} dB")
                            if best["score"] is None or figures["rmse"] < best["score"]:
                                best.update(score=figures["rmse"], step=done, since=0,
                                            state={k: v.detach().clone() for k, v in model.state_dict().items()})
                            else:
                                best["since"] += 1
                            if settings.patience and best["since"] >= settings.patience:
                                stopped = (f"early stop at step {done}: {best['since']} validations without a "
                                           f"better RMSE than {best['score']:.4f} (step {best['step']})")
                    if done % settings.checkpoint_every == 0 and done != settings.steps:
                        save()
                        reporter.info(f"checkpoint saved at step {done}: {output_model}")
                    share = (done - start_step) / (settings.steps - start_step)
                    if settings.max_minutes:
                        share = max(share, (time.perf_counter() - t0) / (60.0 * settings.max_minutes))
                    reporter.set_progress(100.0 * min(share, 1.0))
                    if stopped:
                        break
            except (CancelledError, KeyboardInterrupt):
                cancelled = True
                reporter.warning(f"Training cancelled at step {state['step']}: saving a usable checkpoint.")
            if losses:
                final_loss = float(np.mean(losses))
                record["loss_log"].append([state["step"], final_loss])
            if stopped:
                reporter.info(f"Training stopped: {stopped}.")
                record["stopped"] = stopped
            if settings.keep_best and best["state"] is not None and best["step"] != state["step"]:
                model.load_state_dict(best["state"])
                reporter.info(f"The checkpoint keeps the weights of step {best['step']} (validation RMSE "
                              f"{best['score']:.4f}, the best); training ran to step {state['step']}.")
            if best["step"] is not None:
                record["best_step"], record["best_validation_rmse"] = best["step"], best["score"]
            save()
    finally:
        data.close()
    seconds = time.perf_counter() - t0
    reporter.info(f"Checkpoint written: {output_model} ({state['step']} steps).")
    reporter.info(f"Done in {clock.seconds:.2f} s.")
    return {"output": output_model, "steps_done": state["step"], "first_loss": first_loss,
            "final_loss": final_loss, "validation": (record["validation"] or [None])[-1],
            "best_step": best["step"], "best_validation_rmse": best["score"], "stopped": stopped,
            "cancelled": cancelled, "seconds": seconds,
            "samples_per_second": samples_done / max(seconds, 1e-9), "config": config}


# --------------------------------------------------------------------------- command line
def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m s2cloudfree.core.train",
        description="Train the seq2point network (CR-TS Net) of S2 CloudFree on your own series "
                    "(S2 layers + cloud masks, S1 optional) or on SEN12MS-CR-TS.")
    data = parser.add_argument_group("data (either --s2 with --masks, or --dataset-folder)")
    data.add_argument("--s2", nargs="+", default=[], help="Sentinel-2 files (any order; dated by name)")
    data.add_argument("--masks", nargs="+", default=[], help="cloud masks, one per S2 file (0 = clear)")
    data.add_argument("--s1", nargs="+", default=[], help="Sentinel-1 VV/VH files in dB (optional)")
    data.add_argument("--dataset-folder", help="a SEN12MS-CR-TS folder in the official layout")
    data.add_argument("--split", default="train", choices=["train", "val", "test", "all"])
    data.add_argument("--region", default="all")
    parser.add_argument("--output", "-o", required=True, help="checkpoint file to write (.pt)")
    parser.add_argument("--architecture", default=None, choices=["crtsnet", "crtsnet-lite", "crtsnet-lite-gapfill"],
                        help=f"default: {SERIES_DEFAULTS['architecture']} on your series, crtsnet on SEN12MS-CR-TS")
    parser.add_argument("--n-inputs", type=int, default=None,
                        help=f"default: {SERIES_DEFAULTS.get('n_inputs', TrainSettings.n_inputs)} on your series, "
                             f"{TrainSettings.n_inputs} on SEN12MS-CR-TS")
    parser.add_argument("--steps", type=int, default=None,
                        help=f"default: {SERIES_DEFAULTS['steps']} (with the time budget) on your series, "
                             f"{TrainSettings.steps} on SEN12MS-CR-TS")
    parser.add_argument("--max-minutes", type=float, default=None,
                        help=f"training time budget (0: none; default {SERIES_DEFAULTS['max_minutes']:g} on your series)")
    parser.add_argument("--patience", type=int, default=None,
                        help="validations without a better RMSE before stopping (0: never; default "
                             f"{SERIES_DEFAULTS['patience']} on your series)")
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--patch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--val-fraction", type=float, default=0.1)
    parser.add_argument("--val-every", type=int, default=100)
    parser.add_argument("--checkpoint-every", type=int, default=500)
    parser.add_argument("--log-every", type=int, default=10)
    parser.add_argument("--paste-probability", type=float, default=0.5)
    parser.add_argument("--no-s1", action="store_true", help="train without S1 even when given")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="continue the run saved in --output")
    parser.add_argument("--init-model", default="", help="start from the weights of this checkpoint")
    parser.add_argument("--freeze-branch-steps", type=int, default=0)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    base = TrainSettings() if args.dataset_folder else series_settings()
    chosen = {"architecture": args.architecture, "n_inputs": args.n_inputs, "steps": args.steps,
              "max_minutes": args.max_minutes, "patience": args.patience}
    settings = replace(
        base, **{k: v for k, v in chosen.items() if v is not None},
        batch_size=args.batch_size, patch_size=args.patch_size, learning_rate=args.lr,
        val_fraction=args.val_fraction, val_every=args.val_every, checkpoint_every=args.checkpoint_every,
        log_every=args.log_every, paste_probability=args.paste_probability, device=args.device,
        threads=args.threads, seed=args.seed, resume=args.resume, init_model=args.init_model,
        freeze_branch_steps=args.freeze_branch_steps, dataset_split=args.split,
        dataset_region=args.region, use_s1=False if args.no_s1 else None)
    reporter = ConsoleReporter()
    try:
        result = train_seq2point(args.output, args.s2, args.masks, args.s1, args.dataset_folder,
                                 settings, reporter=reporter)
    except InputError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    return 1 if result["cancelled"] else 0


if __name__ == "__main__":
    sys.exit(main())
