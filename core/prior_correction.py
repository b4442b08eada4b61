"""Internal learning on top of the gap filler: the default seq2seq fit.

The network (``models.gap_correction_net``) is fitted to the user's own series, as in the paper's
internal learning, but it starts from the classical answer and learns a correction of it:

- **prior**: for every date, the gap filler's estimate from the *other* dates
  (:func:`core.gapfill.fill_series` with ``leave_one_out``), so that the network's input never
  contains the value it is asked for;
- **simulated clouds**: at every step, clear pixels of the chosen dates are hidden behind the real
  cloud mask of another date of the series (randomly flipped); the network sees the observed bands
  where a pixel is visible and the prior elsewhere, with the per-date and static S1 channels (or
  noise), and its loss is the error on the hidden pixels (weighted by the gap filler's trust in
  them). At prediction time the real clouds are what is hidden. The network sees one date at a time
  (dates are the batch), so the temporal part stays the gap filler's and nothing leaks across dates;
- **self-validation**: a fixed share of the clear pixels of the mostly clear dates
  (:func:`core.gapfill.held_out_masks`) is kept out of the loss and of the visible context. After the
  fit, the share ``alpha`` in [0, 1] of the correction that minimises their error is applied
  (least squares, the smaller of the shares asked for by two halves of the held-out dates): where
  the network did not help, the output is the prior; the held-out errors of the output and of the
  prior are returned as the run's own estimate;
- **averaging**: the weights are averaged over the last part of the steps, so the result does not
  hang on the rounding of the last step (and varies little with the thread count);
- **warm start**: a fit may start from the averaged weights of a previous tile (``init_state``).
"""

import math
import time

import numpy as np

from . import gapfill as gf
from .errors import InputError

#: Dates per forward pass at prediction time.
_PREDICT_BATCH = 4


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
    out = np.zeros((n, 2) + inputs.shape[2:], dtype=np.float32)
    if paired is None:
        return out
    paired = np.asarray(paired, dtype=bool)
    if paired.sum() < 2:
        return out
    s1 = inputs[:, :2].astype(np.float32)
    weights = trust * paired[:, None, None]
    est, _ = gf.rbf_estimate(s1, weights, gf.day_numbers(days, n), leave_one_out=True)
    change = np.nan_to_num(s1 - est) * S1_CHANGE_SCALE
    out[paired] = change[paired]
    return out


def compute_prior(target, clear, valid, days):
    """(prior dates x bands x rows x cols in [0, 1] without NaN, trust dates x rows x cols)."""
    prior, info = gf.fill_series(target, clear, days, leave_one_out=True, valid=valid, scale=1.0, residual_radius=0,
                                 return_info=True)
    if np.isnan(prior).any():
        mean = np.array([target[:, b][clear].mean() if clear.any() else 0.5 for b in range(target.shape[1])],
                        dtype=np.float32)
        prior = np.where(np.isnan(prior), mean[None, :, None, None], prior)
    return np.clip(prior, 0, 1).astype(np.float32), info["trust"]


def _lr(schedule, step, total):
    if schedule.final_lr_fraction >= 1 or total <= 1:
        return schedule.learning_rate
    f = schedule.final_lr_fraction
    return schedule.learning_rate * (f + (1 - f) * 0.5 * (1 + math.cos(math.pi * step / (total - 1))))


def spatial_correction(torch, y, prior, weight, radius=gf.DEFAULT_RESIDUAL_RADIUS,
                       damping=gf.DEFAULT_RESIDUAL_DAMPING, passes=3):
    """The gap filler's spatial step in torch (as :func:`core.gapfill.smooth_residuals`): the
    residuals ``y - prior`` of the pixels with ``weight`` > 0 (the visible, trusted ones),
    smoothed by ``passes`` box filters and damped where few are near; added to the prior."""
    F = torch.nn.functional
    if not radius:
        return prior
    k = 2 * int(radius) + 1
    num = (y - prior) * weight[:, None]
    den = weight[:, None]
    ones = torch.ones_like(den[:1])
    for _ in range(passes):
        num = F.avg_pool2d(num, k, stride=1, padding=int(radius), count_include_pad=True)
        den = F.avg_pool2d(den, k, stride=1, padding=int(radius), count_include_pad=True)
        ones = F.avg_pool2d(ones, k, stride=1, padding=int(radius), count_include_pad=True)
    correction = torch.where(den > 1e-6, num / den.clamp_min(1e-12), torch.zeros_like(num))
    share = den / ones
    return prior + correction * (share / (share + damping) if damping > 0 else (share > 0).to(share.dtype))


def _network_input(torch, y, prior, visible, trust, extra):
    """(base image, network input) of a batch of dates: the base is the temporal prior corrected
    by the visible pixels' residuals; the input is the observed bands where visible (else the
    base), the visibility, the base and the S1/noise channels."""
    vis = visible[:, None].to(y.dtype)
    base = spatial_correction(torch, y, prior, visible.to(y.dtype) * trust)
    return base, torch.cat([vis * y + (1 - vis) * base, vis, base, extra], dim=1)


def _share(r, d):
    """The share in [0, 1] of the correction ``d`` that best explains the residual ``r`` (least squares)."""
    dd = float((d.astype(np.float64) ** 2).sum())
    return float(np.clip((r.astype(np.float64) * d).sum() / dd, 0.0, 1.0)) if dd > 0 else 0.0


def _consistent_share(r, d, dates):
    """The share of the correction kept: the smaller of the shares that the held-out pixels of the
    even-numbered and of the odd-numbered held-out dates each ask for, 0 when they are all on one
    date. A correction is kept only as far as it helps on both halves of the dates, so that it is
    not kept for what one date happened to show."""
    groups = np.unique(dates)
    if groups.size < 2:
        return 0.0  # one date cannot show that the correction holds across dates: keep the prior
    half = np.isin(dates, groups[::2])
    return min(_share(r[:, half], d[:, half]), _share(r[:, ~half], d[:, ~half]))


def fit_correction(target, clear, inputs, schedule, device="cpu", seed=0, days=None, valid=None,
                   init_state=None, steps=None, on_step=None, mixed_precision=None, paired=None):
    """Fit the correction network to one tile; returns (prediction dates x bands x rows x cols in
    [0, 1], info dict: alpha, estimated_rmse, estimated_rmse_prior, held_out_pixels, steps,
    state (averaged weights, for a warm start), fit_seconds). ``inputs``: dates x 4 x rows x cols
    (per-date S1 or noise, then the static channels); ``paired``: per date, whether a real S1 image
    is behind its channels (None: no S1 at all), for the S1 change channels."""
    from .seq2seq import require_torch

    torch = require_torch()
    from ..models.gap_correction_net import build_gap_correction_net

    started = time.perf_counter()
    device = torch.device(device)
    n, bands, h, w = target.shape
    if clear.shape != (n, h, w) or inputs.shape[0] != n or inputs.shape[2:] != (h, w):
        raise InputError(f"seq2seq: target {target.shape}, clear {clear.shape} and inputs {inputs.shape} do not match.")
    valid = np.ones(clear.shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    use_amp = (device.type == "cuda") if mixed_precision is None else (bool(mixed_precision) and device.type == "cuda")
    prior, trust = compute_prior(target, clear, valid, days)
    inputs = np.concatenate([inputs.astype(np.float32), s1_change(inputs, paired, trust, days)], axis=1)
    held = gf.held_out_masks(clear, seed, share=schedule.holdout) & (trust > 0)
    train = (trust > 0) & ~held
    cloudy = valid & ~clear
    rng = np.random.default_rng([int(seed), 53])
    total = int(steps if steps is not None else schedule.steps)

    torch.manual_seed(int(seed))
    net = build_gap_correction_net(extra_channels(bands) - 2 + inputs.shape[1], bands, schedule.channels)
    if init_state is not None:
        net.load_state_dict(init_state)
    net = net.to(device)
    y_all = torch.from_numpy(np.ascontiguousarray(target, dtype=np.float32)).to(device)
    p_all = torch.from_numpy(prior).to(device)
    x_all = torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32)).to(device)
    t_all = torch.from_numpy(np.where(train, trust, 0).astype(np.float32)).to(device)
    trust_all = torch.from_numpy(trust.astype(np.float32)).to(device)
    clear_t = torch.from_numpy(clear & ~held).to(device)
    optimiser = torch.optim.Adam(net.parameters(), lr=schedule.learning_rate)
    averaged, averaged_count = None, 0
    average_start = int(total * (1 - schedule.average_last))
    candidates = np.flatnonzero(train.reshape(n, -1).any(axis=1))
    crop = int(schedule.crop) if schedule.crop else max(h, w)
    ch, cw = min(crop, h), min(crop, w)
    net.train()
    done = 0
    for k in range(total):
        if candidates.size:
            count = min(int(schedule.batch_dates), candidates.size)
            weights = train.reshape(n, -1)[candidates].sum(axis=1).astype(np.float64)
            dates = rng.choice(candidates, count, replace=False, p=weights / weights.sum())
            r0 = int(rng.integers(0, h - ch + 1))
            c0 = int(rng.integers(0, w - cw + 1))
            rs, cs = slice(r0, r0 + ch), slice(c0, c0 + cw)
            hide = np.zeros((count, ch, cw), dtype=bool)
            for i, t in enumerate(dates):
                partner = int(rng.integers(0, n - 1))
                partner += partner >= t
                mask = cloudy[partner]
                if rng.random() < 0.5:
                    mask = mask[::-1]
                if rng.random() < 0.5:
                    mask = mask[:, ::-1]
                hide[i] = mask[rs, cs] & train[t, rs, cs]
            if hide.any():
                for group in optimiser.param_groups:
                    group["lr"] = _lr(schedule, k, total)
                idx = torch.from_numpy(dates.astype(np.int64)).to(device)
                hide_t = torch.from_numpy(hide).to(device)
                y = y_all[idx][:, :, rs, cs]
                p = p_all[idx][:, :, rs, cs]
                visible = clear_t[idx][:, rs, cs] & ~hide_t
                extra = x_all[idx][:, :, rs, cs]
                if schedule.input_jitter > 0:
                    extra = extra.clone()
                    extra[:, :2] += schedule.input_jitter * torch.randn_like(extra[:, :2])
                base, x = _network_input(torch, y, p, visible, trust_all[idx][:, rs, cs], extra)
                with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=use_amp):
                    correction = net(x)
                weight = hide_t.to(y.dtype) * t_all[idx][:, rs, cs]
                err = base + correction.float() - y
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
        if on_step is not None:
            on_step(done, total)
    if averaged is not None:
        with torch.no_grad():
            for a, q in zip(averaged, net.parameters()):
                q.copy_(a)
    net.eval()

    def predict(visible_np):
        """(base, network correction) of every date with ``visible_np`` visible."""
        bases = np.empty(target.shape, dtype=np.float32)
        out = np.empty(target.shape, dtype=np.float32)
        vis_all = torch.from_numpy(visible_np).to(device)
        with torch.no_grad():
            for a in range(0, n, _PREDICT_BATCH):
                e = min(n, a + _PREDICT_BATCH)
                base, x = _network_input(torch, y_all[a:e], p_all[a:e], vis_all[a:e], trust_all[a:e], x_all[a:e])
                with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=use_amp):
                    corr = net(x).float()
                bases[a:e] = base.cpu().numpy()
                out[a:e] = corr.cpu().numpy()
        return bases, out

    info = {"held_out_pixels": int(held.sum()), "steps": done}
    if held.any():
        base_v, corr_v = predict(clear & ~held)
        r = (target - base_v).transpose(1, 0, 2, 3)[:, held]       # bands x pixels
        d = corr_v.transpose(1, 0, 2, 3)[:, held]
        alpha = _consistent_share(r, d, np.nonzero(held)[0])
        info["estimated_rmse_prior"] = float(np.sqrt(np.mean(r.astype(np.float64) ** 2)))
        info["estimated_rmse"] = float(np.sqrt(np.mean((r.astype(np.float64) - alpha * d) ** 2)))
    else:
        alpha = float(schedule.alpha_without_validation)
        info["estimated_rmse_prior"] = info["estimated_rmse"] = float("nan")
    base, corr = predict(clear)
    pred = np.clip(base + alpha * corr, 0, 1)
    info["alpha"] = alpha
    info["state"] = {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}
    info["fit_seconds"] = time.perf_counter() - started
    return pred.astype(np.float32), info
