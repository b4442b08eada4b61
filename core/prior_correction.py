"""Internal learning on top of the gap filler: the default seq2seq fit.

The network (``models.gap_correction_net``) is fitted to the user's own series, as in the paper's
internal learning, but it starts from the classical answer and learns a correction of it:

- **prior**: the gap filler's image of every date (:func:`core.gapfill.fill_series`: temporal
  estimate, the date's regression on its own clear pixels, the spatial step), the result the
  ``gapfill`` algorithm writes;
- **simulated clouds**: in ``SIMULATIONS`` configurations, every other few dates hide clear pixels
  behind the real cloud mask of another date of the series (randomly flipped; each date in two
  configurations, never two neighbouring dates in one) and the gap filler is run again on what
  remains. The network sees one date at a time (dates are the batch): the observed bands where a
  pixel is visible and the gap filler's image elsewhere, the gap filler's image, the per-date and
  static S1 channels (or noise) and how the date's S1 changed; its loss is the error of the
  corrected image on the hidden pixels (weighted by the gap filler's trust in them). At prediction
  time the real clouds are what is hidden;
- **self-validation**: a fixed share of the clear pixels of the mostly clear dates
  (:func:`core.gapfill.held_out_masks`) is kept out of everything the network and the gap filler
  see. After the fit, the share ``alpha`` in [0, 1] of the correction that minimises their error is
  applied (least squares, the smaller of the shares asked for by two halves of the held-out
  dates; none unless it lowers their RMSE by at least 10 % on both halves, ``MIN_HELD_OUT_GAIN``),
  and only where a date is partly clear (in proportion to how much of the gap filler's
  regression on the date's clear pixels reached the pixel): on dates cloudy all around the result
  is the gap filler's. (Tried and measured on the tuning windows: validating the correction of such
  dates on two mostly clear dates kept out of the training let it through where it then made the
  target 32 % worse with another seed; the held-out pixels of trained dates cannot validate it,
  since the network learns their date from the rest of it.) Where the network did not help, the
  output is the gap filler's; the held-out errors of the output and of the gap filler are
  returned as the run's own estimate. After a third of the
  steps the held-out pixels are asked once: when they want none of the correction, the fit stops
  there (``stopped_early``) and the tile is the gap filler's;
- **averaging**: the weights are averaged over the last part of the steps, so the result does not
  hang on the rounding of the last step (and varies little with the thread count);
- **warm start**: a fit may start from the averaged weights of a previous tile (``init_state``).
"""

import copy
import math
import time

import numpy as np

from . import gapfill as gf
from .errors import InputError
from .working_precision import working_float, working_precision

#: Dates per forward pass at prediction time.
_PREDICT_BATCH = 4
#: Simulated-cloud configurations per tile (the gap filler runs once for each).
SIMULATIONS = 3
#: The fit stops early when the held-out pixels ask for less than this share of the correction (a
#: margin, so that no rounding difference between machines decides whether the fit goes on).
STOP_SHARE = 0.02
#: The correction is applied only when it lowers the held-out RMSE by at least this share on both
#: halves of the held-out dates. Measured on a tuning window (Belgium, 2018-09-26, seed 1): a
#: correction validated at a 7 % held-out gain made the real target 52 % worse; on 28 real cases
#: the correction never gained more than 0.3 %. Below this gain the gap filler's image is kept.
MIN_HELD_OUT_GAIN = 0.10


#: Scale of the S1 change channels (S1 in [0, 1] units; a change of 0.25 becomes 1).
S1_CHANGE_SCALE = 4.0


def extra_channels(bands):
    """Input channels of the network besides the S1/noise channels: visible bands, visibility, prior,
    and the 2 S1 change channels."""
    return 2 * bands + 1 + 2


def s1_change(inputs, paired, trust, days):
    """Per date, how its S1 (VV, VH) differs from the S1 of the dates the prior was made from:
    the S1 of the date minus the kernel-weighted S1 of the other dates with the optical trust as
    weights (the same dates and weights as :func:`compute_prior`), scaled by ``S1_CHANGE_SCALE``;
    0 on dates without a real S1 partner (``paired``) and everywhere when ``paired`` is None."""
    n = inputs.shape[0]
    out = np.zeros((n, 2) + inputs.shape[2:], dtype=working_float())
    if paired is None:
        return out
    paired = np.asarray(paired, dtype=bool)
    if paired.sum() < 2:
        return out
    s1 = inputs[:, :2].astype(working_float())
    weights = trust * paired[:, None, None]
    est, _ = gf.rbf_estimate(s1, weights, gf.day_numbers(days, n), leave_one_out=True)
    change = np.nan_to_num(s1 - est) * S1_CHANGE_SCALE
    out[paired] = change[paired]
    return out


def compute_prior(target, clear, valid, days, origin=(0, 0), leave_one_out=False, return_info=False, screened=None):
    """(the gap filler's image of every date from its clear pixels, dates x bands x rows x cols in
    [0, 1] without NaN; the trust in every observation, dates x rows x cols); with ``return_info``
    also the gap filler's info (``regressed``: how much of each date's regression reached each
    pixel). ``leave_one_out``: every date from the other dates only (the image of a date that is
    cloudy all around). ``screened``: the screening of the whole series, reused."""
    prior, info = gf.fill_series(target, clear, days, valid=valid, scale=1.0, origin=origin, return_info=True,
                                 leave_one_out=leave_one_out, screened=screened)
    if np.isnan(prior).any():
        mean = np.array([target[:, b][clear].mean() if clear.any() else 0.5 for b in range(target.shape[1])],
                        dtype=working_float())
        prior = np.where(np.isnan(prior), mean[None, :, None, None], prior)
    prior = np.clip(prior, 0, 1).astype(working_float())
    return (prior, info["trust"], info) if return_info else (prior, info["trust"])


def simulated_clouds(clear, train, cloudy, rng, configurations=None):
    """Clear pixels to hide, per configuration (configurations x dates x rows x cols bool): in
    configuration ``k`` the dates ``t`` with ``t % 3 == k % 3`` hide their ``train`` pixels behind the
    real cloud mask of another date (drawn among the dates that are cloudy there, randomly flipped),
    the others hide nothing, so that a hidden date keeps its neighbours in time as in a real run.
    Every date is hidden in ``configurations / 3`` configurations."""
    configurations = int(configurations or SIMULATIONS)
    n = clear.shape[0]
    groups = min(3, configurations)
    hides = np.zeros((configurations,) + clear.shape, dtype=bool)
    for k in range(configurations):
        for t in range(n):
            if t % groups != k % groups or not train[t].any():
                continue
            overlap = (cloudy & train[t][None]).reshape(n, -1).sum(axis=1)
            overlap[t] = 0
            candidates = np.flatnonzero(overlap > 0)
            if candidates.size == 0:
                continue
            mask = cloudy[int(rng.choice(candidates))]
            if rng.random() < 0.5:
                mask = mask[::-1]
            if rng.random() < 0.5:
                mask = mask[:, ::-1]
            hides[k, t] = mask & train[t]
    return hides


def _lr(schedule, step, total):
    if schedule.final_lr_fraction >= 1 or total <= 1:
        return schedule.learning_rate
    f = schedule.final_lr_fraction
    return schedule.learning_rate * (f + (1 - f) * 0.5 * (1 + math.cos(math.pi * step / (total - 1))))


def _network_input(torch, y, base, visible, extra):
    """The network input of a batch of dates: the observed bands where visible (else the gap
    filler's image), the visibility, the gap filler's image and the S1/noise channels."""
    vis = visible[:, None].to(y.dtype)
    return torch.cat([vis * y + (1 - vis) * base, vis, base, extra], dim=1)


def _dates_of(where):
    """Indexes of the dates (first axis) with any pixel in ``where``."""
    return np.flatnonzero(where.reshape(where.shape[0], -1).any(axis=1))


def _share(r, d):
    """The share in [0, 1] of the correction ``d`` that best explains the residual ``r`` (least squares)."""
    dd = float((d.astype(np.float64) ** 2).sum())
    return float(np.clip((r.astype(np.float64) * d).sum() / dd, 0.0, 1.0)) if dd > 0 else 0.0


def _first_half(dates):
    """Pixels (``dates``: the date of each held-out pixel) of the even-numbered held-out dates, or
    None when they are all on one date."""
    groups = np.unique(dates)
    return np.isin(dates, groups[::2]) if groups.size >= 2 else None


def _consistent_share(r, d, dates):
    """The share of the correction kept: the smaller of the shares that the held-out pixels of the
    even-numbered and of the odd-numbered held-out dates each ask for, 0 when they are all on one
    date. A correction is kept only as far as it helps on both halves of the dates, so that it is
    not kept for what one date happened to show."""
    half = _first_half(dates)
    if half is None:
        return 0.0  # one date cannot show that the correction holds across dates: keep the prior
    return min(_share(r[:, half], d[:, half]), _share(r[:, ~half], d[:, ~half]))


def _validated_share(r, d, dates):
    """The share of the correction applied: :func:`_consistent_share`, or 0 unless it lowers the
    held-out RMSE by at least MIN_HELD_OUT_GAIN on each half of the held-out dates. Returns
    (share, smallest relative gain of the two halves)."""
    share = _consistent_share(r, d, dates)
    if share <= 0:
        return 0.0, 0.0
    half = _first_half(dates)
    gains = []
    for part in (half, ~half):
        rp, dp = r[:, part].astype(np.float64), d[:, part].astype(np.float64)
        before = float(np.sqrt(np.mean(rp ** 2)))
        after = float(np.sqrt(np.mean((rp - share * dp) ** 2)))
        gains.append(1.0 - after / before if before > 0 else 0.0)
    gain = min(gains)
    return (share if gain >= MIN_HELD_OUT_GAIN else 0.0), gain


def _held_out_share(correct, base, visible, target, where):
    """The share of the network's current correction that the held-out pixels ``where`` ask for,
    with ``base`` as the gap filler's image and ``visible`` visible."""
    d = correct(base, visible, _dates_of(where)).transpose(1, 0, 2, 3)[:, where]
    r = (target - base).transpose(1, 0, 2, 3)[:, where]
    return _consistent_share(r, d, np.nonzero(where)[0])


def fit_correction(target, clear, inputs, schedule, device="cpu", seed=0, days=None, valid=None,
                   init_state=None, steps=None, on_step=None, mixed_precision=None, paired=None, origin=(0, 0)):
    """Fit the correction network to one tile; returns (prediction dates x bands x rows x cols in
    [0, 1], info dict: alpha_partial (the share of the correction kept where a date is partly
    clear), alpha_whole (where it is cloudy all around: always 0), alpha (the larger),
    estimated_rmse and estimated_rmse_prior (held-out pixels hidden in partly clear dates),
    held_out_pixels, steps, stopped_early, state (averaged weights, for a warm start),
    fit_seconds). ``inputs``: dates x 4 x rows x cols
    (per-date S1 or noise, then the static channels); ``paired``: per date, whether a real S1 image
    is behind its channels (None: no S1 at all), for the S1 change channels; ``origin``: the tile's
    (row, col) in the whole grid (the gap filler's lattice is anchored there)."""
    from .seq2seq import require_torch

    torch = require_torch()

    started = time.perf_counter()
    device = torch.device(device)
    n, bands, h, w = target.shape
    if clear.shape != (n, h, w) or inputs.shape[0] != n or inputs.shape[2:] != (h, w):
        raise InputError(f"seq2seq: target {target.shape}, clear {clear.shape} and inputs {inputs.shape} do not match.")
    valid = np.ones(clear.shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    use_amp = (device.type == "cuda") if mixed_precision is None else (bool(mixed_precision) and device.type == "cuda")
    total = int(steps if steps is not None else schedule.steps)
    # everything the network sees is computed in float64 (core.working_precision): the fit amplifies
    # any difference in its inputs, and float32 sums differ in the last bit from one CPU to another
    with working_precision(np.float64):
        return _fit_correction(target, clear, inputs, schedule, device, seed, days, valid, init_state, total,
                               on_step, use_amp, paired, origin, torch, started)


def _fit_correction(target, clear, inputs, schedule, device, seed, days, valid, init_state, total, on_step, use_amp,
                    paired, origin, torch, started):
    from ..models.gap_correction_net import build_gap_correction_net

    n, bands, h, w = target.shape
    target = target.astype(np.float64)
    # the gap filler's image: of the series as it is (the result's base), and the trust it gives
    prior, trust, prior_info = compute_prior(target, clear, valid, days, origin, return_info=True)
    inputs = np.concatenate([inputs.astype(np.float64), s1_change(inputs, paired, trust, days)], axis=1)
    held = gf.held_out_masks(clear, seed, share=schedule.holdout) & (trust > 0)
    train = (trust > 0) & ~held
    cloudy = valid & ~clear
    rng = np.random.default_rng([int(seed), 53])
    hides = simulated_clouds(clear, train, cloudy, rng) if total > 0 else np.zeros((0,) + clear.shape, dtype=bool)
    # ... and with the simulated clouds (and the held-out pixels) hidden: what the network learns from
    screened = prior_info["screened"]
    bases = [compute_prior(target, clear & ~held & ~hide, valid, days, origin, screened=screened)[0] for hide in hides]
    # the held-out pixels hidden in their partly clear dates: the gap filler's image with them hidden
    # (screened again without them: their values must not shape their own base); None without any
    held_base = compute_prior(target, clear & ~held, valid, days, origin)[0] if held.any() else None

    torch.manual_seed(int(seed))
    net = build_gap_correction_net(extra_channels(bands) - 2 + inputs.shape[1], bands, schedule.channels)
    # on the CPU the fit runs in float64: the short fit amplifies rounding differences, and with
    # float32 the thread count or the CPU's vector width (the order of the sums) changed which
    # correction the held-out pixels asked for; in float64 those differences stay far below what
    # decides anything (CUDA keeps float32 with bfloat16 autocast)
    dtype = torch.float64 if device.type == "cpu" else torch.float32
    net = net.to(device=device, dtype=dtype)
    if init_state is not None:
        net.load_state_dict(init_state)

    def tensor(array):
        return torch.from_numpy(np.ascontiguousarray(array)).to(device=device, dtype=dtype)

    y_all = tensor(target)
    x_all = tensor(inputs)
    t_all = tensor(np.where(train, trust, 0))
    clear_t = torch.from_numpy(clear & ~held).to(device)
    bases_t = [tensor(b) for b in bases]
    hides_t = [torch.from_numpy(hd).to(device) for hd in hides]

    def correct(base_np, visible_np, dates):
        """The network's correction of the dates ``dates`` (0 elsewhere), with ``base_np`` as the gap
        filler's image and ``visible_np`` visible. Evaluated in float32 (a copy of the network):
        its rounding moves a correction by about 1e-7, far below what any decision depends on."""
        out = np.zeros(target.shape, dtype=np.float32)
        dates = [int(t) for t in dates]
        if not dates:
            return out
        single = copy.deepcopy(net).float().eval()
        with torch.no_grad():
            for a in range(0, len(dates), _PREDICT_BATCH):
                chunk = dates[a:a + _PREDICT_BATCH]
                x = _network_input(torch, torch.from_numpy(target[chunk].astype(np.float32)).to(device),
                                   torch.from_numpy(np.ascontiguousarray(base_np[chunk], dtype=np.float32)).to(device),
                                   torch.from_numpy(visible_np[chunk]).to(device),
                                   torch.from_numpy(np.ascontiguousarray(inputs[chunk], dtype=np.float32)).to(device))
                with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=use_amp):
                    out[chunk] = single(x).float().cpu().numpy()
        return out

    optimiser = torch.optim.Adam(net.parameters(), lr=schedule.learning_rate)
    averaged, averaged_count = None, 0
    average_start = int(total * (1 - schedule.average_last))
    # (configuration, date) pairs with hidden pixels, weighted by how many
    hidden_counts = hides.reshape(len(hides), n, -1).sum(axis=2) if len(hides) else np.zeros((0, n))
    pairs = np.argwhere(hidden_counts > 0)
    crop = int(schedule.crop) if schedule.crop else max(h, w)
    ch, cw = min(crop, h), min(crop, w)
    net.train()
    done = 0
    # early stop: after a third of the steps, how much of the network's correction the held-out
    # pixels ask for; when they ask for none, the fit stops and the tile is the gap filler's (on the
    # tuning windows of benchmarks/bench_quality.py a network that had not helped by then did not
    # help at the end either; it saves two thirds of the time)
    checks = [total // 3] if held_base is not None and total >= 3 else []
    asked = []
    stopped = False
    for k in range(total):
        if pairs.size:
            count = min(int(schedule.batch_dates), len(pairs))
            weights = hidden_counts[pairs[:, 0], pairs[:, 1]].astype(np.float64)
            chosen = pairs[rng.choice(len(pairs), count, replace=False, p=weights / weights.sum())]
            r0 = int(rng.integers(0, h - ch + 1))
            c0 = int(rng.integers(0, w - cw + 1))
            rs, cs = slice(r0, r0 + ch), slice(c0, c0 + cw)
            for group in optimiser.param_groups:
                group["lr"] = _lr(schedule, k, total)
            idx = torch.from_numpy(chosen[:, 1].astype(np.int64)).to(device)
            y = y_all[idx][:, :, rs, cs]
            base = torch.stack([bases_t[c][t, :, rs, cs] for c, t in chosen])
            hide = torch.stack([hides_t[c][t, rs, cs] for c, t in chosen])
            visible = clear_t[idx][:, rs, cs] & ~hide
            extra = x_all[idx][:, :, rs, cs]
            if schedule.input_jitter > 0:
                extra = extra.clone()
                extra[:, :2] += schedule.input_jitter * torch.randn_like(extra[:, :2])
            weight = hide.to(y.dtype) * t_all[idx][:, rs, cs]
            if float(weight.sum()) > 0:
                x = _network_input(torch, y, base, visible, extra)
                with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=use_amp):
                    correction = net(x)
                err = base + correction.to(dtype) - y
                loss = (err * err * weight[:, None]).sum() / (weight.sum() * bands).clamp_min(1e-6)
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
        if k >= average_start:
            with torch.no_grad():
                if averaged is None:
                    averaged = [q.detach().clone() for q in net.parameters()]
                else:
                    for a, q in zip(averaged, net.parameters()):
                        a.add_((q.detach() - a) / (averaged_count + 1))
                averaged_count += 1
        done = k + 1
        if done in checks:
            net.eval()
            asked.append(_held_out_share(correct, held_base, clear & ~held, target, held))
            net.train()
            if max(asked) < STOP_SHARE:
                stopped = True
        if on_step is not None:
            on_step(total if stopped else done, total)
        if stopped:
            break
    if averaged is not None and not stopped:
        with torch.no_grad():
            for a, q in zip(averaged, net.parameters()):
                q.copy_(a)
    net.eval()

    info = {"held_out_pixels": int(held.sum()), "steps": done, "stopped_early": stopped,
            "stop_check_share": max(asked) if asked else float("nan")}
    # a situation that cannot be validated keeps the gap filler's answer: pixels of dates cloudy all
    # around always do (see the module docstring)
    alpha = 0.0
    info["estimated_rmse_prior"] = info["estimated_rmse"] = float("nan")
    if held_base is not None:
        r = (target - held_base).transpose(1, 0, 2, 3)[:, held]              # bands x pixels
        d = np.zeros_like(r)
        if done and not stopped:
            d = correct(held_base, clear & ~held, _dates_of(held)).transpose(1, 0, 2, 3)[:, held]
            alpha, info["held_out_gain"] = _validated_share(r, d, np.nonzero(held)[0])
        info["estimated_rmse_prior"] = float(np.sqrt(np.mean(r.astype(np.float64) ** 2)))
        info["estimated_rmse"] = float(np.sqrt(np.mean((r.astype(np.float64) - alpha * d) ** 2)))
    # per pixel, the share in proportion to how much of the date's regression reached it (part of
    # the date is clear); none where it did not
    alpha_map = (np.clip(prior_info["regressed"], 0.0, 1.0) * alpha).astype(np.float32)
    corrected = _dates_of((alpha_map > 0) & ~clear)
    pred = prior if alpha == 0 else np.clip(prior + alpha_map[:, None] * correct(prior, clear, corrected), 0, 1)
    info["alpha_partial"], info["alpha_whole"], info["alpha"] = alpha, 0.0, alpha
    info["state"] = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
    info["fit_seconds"] = time.perf_counter() - started
    return pred.astype(np.float32), info
