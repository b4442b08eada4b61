#!/usr/bin/env python3
"""Seq2point quality on the real series (issue 13): a model trained on the user's own series
against least cloudy, mosaicing and the gap filler, on rows the training never saw.

For every site of ../shared/data with enough dates (Belgium 31UDS with S1, Romania, Antwerp, Mol
with S1; Sen2Cor-derived masks):

- **Split by rows.** The top ``1 - report_share`` of the rows is the training region (EXTENT of
  ``train_seq2point``; its own bottom 10 % are the validation rows of early stopping); the bottom
  ``report_share`` (30 % by default) is the *report* region, never seen by training or early
  stopping. The methods below run on the report region alone (files cropped by EXTENT), so no
  context from the training rows reaches them.
- **Training** with the defaults of ``s2cloudfree:train_seq2point`` (the architecture, time
  budget, early stopping, patch size fitted to the region), S1 where the site has it; time and
  steps are printed.
- **Cases.** Targets = dates whose report region is at least 99 % clear (at most ``--cases``,
  spread evenly in time). ``hidden`` cases: the target is left out of the series and seq2point
  runs with ``TARGET_DATE`` = the target's date (the n nearest other dates are its inputs, the
  default selection; the paper's setting). Every method sees the same n input dates:
  least cloudy (the input with most clear pixels), mosaicing (mean of the inputs' clear pixels,
  0.5 where none is clear, as the paper), the gap filler at the target date from those n inputs
  (``gapfill n``: what the network gets as its prior), and, as a reference with more information,
  the gap filler from *every* other date of the series (``gapfill all``).
- RMSE and SSIM on [0, 1] reflectance over the target's report region; mean per site and overall,
  the ratio to the best of least cloudy / mosaicing / gapfill n, and the share of cases where
  seq2point beats it.

Run: ``python benchmarks/bench_seq2point_quality.py [--sites belgium,romania] [--cases 12]
[--architecture crtsnet-lite-gapfill] [--max-minutes 20] [--threads 2] [--json ...]``.
The figures go to bench_output/seq2point_quality.json.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_quality import DATA, SITES  # noqa: E402  (the same dev series as the quality benchmark)
from plugin_link import make_plugin_importable  # noqa: E402

MIN_DATES = 12
REPORT_SHARE = 0.3
BASELINES = ("least_cloudy", "mosaic", "gapfill_n")


def site_files(name):
    folder = DATA / SITES[name]
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))
    masks = [p.replace("/s2_", "/clm_") for p in s2]
    s1 = sorted(str(p) for p in folder.glob("s1_*.tif"))
    return s2, masks, s1


def row_extent(grid, first_row, end_row):
    """(xmin, ymin, xmax, ymax) of rows [first_row, end_row) of ``grid``, a quarter pixel inside
    the edges so that outward snapping keeps exactly these rows."""
    t = grid.transform
    x0, x1 = t.c + 0.25 * t.a, t.c + (grid.width - 0.25) * t.a
    y_top = t.f + (first_row + 0.25) * t.e
    y_bottom = t.f + (end_row - 0.25) * t.e
    return (min(x0, x1), min(y_top, y_bottom), max(x0, x1), max(y_top, y_bottom))


def pick_targets(arrays, count):
    n = len(arrays)
    valid = arrays.valid.reshape(n, -1).mean(axis=1)
    clear = arrays.clear.reshape(n, -1).mean(axis=1)
    good = [k for k in range(n) if clear[k] >= 0.99 and valid[k] >= 0.99]
    if len(good) > count:
        good = [good[int(round(i))] for i in np.linspace(0, len(good) - 1, count)]
    return good


def nearest_inputs(arrays, target, n, usable):
    others = [k for k in range(len(arrays)) if k != target and usable[k]]
    day = arrays.dates[target].toordinal()
    order = sorted(others, key=lambda k: (abs(arrays.dates[k].toordinal() - day), k))
    return sorted(order[:n])


def baselines(arrays, inputs, target):
    from s2cloudfree.core.gapfill import fill_series
    from s2cloudfree.core.seq2point import gapfill_prior

    data, clear, valid = arrays.data[inputs], arrays.clear[inputs], arrays.valid[inputs]
    counts = clear.reshape(len(inputs), -1).sum(axis=1)
    out = {"least_cloudy": data[int(np.argmax(counts))]}
    count = clear.sum(axis=0)
    sums = np.einsum("tbhw,thw->bhw", data.astype(np.float64), clear.astype(np.float64))
    mosaic = np.full(sums.shape, 0.5, dtype=np.float32)
    mosaic[:, count > 0] = (sums[:, count > 0] / count[count > 0]).astype(np.float32)
    out["mosaic"] = mosaic
    days = [arrays.dates[k] for k in inputs]
    out["gapfill_n"] = gapfill_prior(data * 10000.0, clear, days, arrays.dates[target], valid) / 10000.0
    hidden = arrays.clear.copy()
    hidden[target] = False
    stack = arrays.data.copy()
    stack[target] = np.nan
    all_filled = fill_series(stack, hidden, arrays.dates, valid=arrays.valid & hidden)[target]
    out["gapfill_all"] = np.where(np.isnan(all_filled), 0.5, all_filled)
    return out


def score(image, truth):
    from s2cloudfree.core.metrics import image_metrics

    m = image_metrics(np.clip(np.nan_to_num(image, nan=0.5), 0, 1), truth)
    return {"rmse": float(m["rmse"]), "ssim": float(m["ssim"])}


def run_site(site, args, folder):
    from s2cloudfree.core import evaluation_protocol as ep
    from s2cloudfree.core.reporting import ConsoleReporter, SilentReporter
    from s2cloudfree.core.seq2point import seq2point
    from s2cloudfree.core.time_series import open_time_series
    from s2cloudfree.core.train import series_settings, train_seq2point

    s2, masks, s1 = site_files(site)
    if len(s2) < MIN_DATES:
        print(f"== {site}: {len(s2)} dates, fewer than {MIN_DATES}: skipped")
        return None
    grid = open_time_series(s2[:1], None, reporter=SilentReporter()).grid
    split = int(round(grid.height * (1 - args.report_share)))
    crs = grid.crs.to_wkt() if grid.crs is not None else None
    train_extent = row_extent(grid, 0, split)
    report_extent = row_extent(grid, split, grid.height)
    print(f"\n== {site}: {len(s2)} dates, {grid.width} x {grid.height} px, S1 {'yes' if s1 else 'no'}; "
          f"training rows 0-{split - 1}, report rows {split}-{grid.height - 1}", flush=True)

    model = os.path.join(folder, f"{site}.pt")
    settings = series_settings(seed=args.seed, threads=args.threads)
    if args.architecture:
        settings.architecture = args.architecture
    if args.max_minutes is not None:
        settings.max_minutes = args.max_minutes
    if args.steps:
        settings.steps = args.steps
    if args.lr:
        settings.learning_rate = args.lr
    if args.n_inputs:
        settings.n_inputs = args.n_inputs
    if args.features:
        settings.network = {"features": args.features}
    started = time.perf_counter()
    reporter = ConsoleReporter() if args.verbose else SilentReporter()
    trained = train_seq2point(model, s2, masks, s1 or None, settings=settings, extent=train_extent,
                              extent_crs=crs, reporter=reporter)
    train_seconds = time.perf_counter() - started
    config = trained["config"]
    print(f"   trained {config['architecture']}: {trained['steps_done']} steps in {train_seconds / 60:.1f} min, "
          f"best validation RMSE {trained['best_validation_rmse']} at step {trained['best_step']}"
          f"{'; ' + trained['stopped'] if trained['stopped'] else ''}", flush=True)

    arrays = ep.load_series(s2, masks, s1 or None, extent=report_extent, extent_crs=crs)
    usable = [True] * len(arrays)
    if config["use_s1"] and arrays.s1_paired is not None:
        usable = list(arrays.s1_paired)
    rows = []
    for target in pick_targets(arrays, args.cases):
        inputs = nearest_inputs(arrays, target, config["n_inputs"], usable)
        truth = arrays.data[target]
        images = baselines(arrays, inputs, target)
        keep = [k for k in range(len(arrays)) if k != target]
        out = os.path.join(folder, f"{site}_{target}.tif")
        t0 = time.perf_counter()
        seq2point([s2[k] for k in keep], out, model, s1_paths=s1 if config["use_s1"] else None,
                  mask_paths=[masks[k] for k in keep], extent=report_extent, extent_crs=crs,
                  target_date=arrays.dates[target].isoformat(), threads=args.threads, device="cpu",
                  reporter=SilentReporter())
        seconds = time.perf_counter() - t0
        import rasterio

        with rasterio.open(out) as ds:
            images["seq2point"] = ds.read().astype(np.float32) / 10000.0
        os.remove(out)
        row = {"site": site, "target": arrays.dates[target].isoformat(),
               "inputs": [arrays.dates[k].isoformat() for k in inputs],
               "input_clear": [round(float(arrays.clear[k].mean()), 3) for k in inputs],
               "seconds_seq2point": seconds}
        for name, image in images.items():
            row[name] = score(image, truth)
        best = min(BASELINES, key=lambda m: row[m]["rmse"])
        row["best_baseline"] = best
        row["ratio"] = row["seq2point"]["rmse"] / max(row[best]["rmse"], 1e-9)
        rows.append(row)
        print(f"   {row['target']} inputs {' '.join(row['inputs'])} (clear {row['input_clear']}): "
              + ", ".join(f"{m} {row[m]['rmse']:.4f}" for m in ("least_cloudy", "mosaic", "gapfill_n",
                                                                  "gapfill_all", "seq2point"))
              + f"; ratio to {best} {row['ratio']:.3f}", flush=True)
    return {"site": site, "train_minutes": train_seconds / 60, "steps": trained["steps_done"],
            "best_step": trained["best_step"], "stopped": trained["stopped"],
            "architecture": config["architecture"], "use_s1": config["use_s1"],
            "n_inputs": config["n_inputs"], "features": config["features"],
            "validation": trained["best_validation_rmse"], "rows": rows}


METHODS = ("least_cloudy", "mosaic", "gapfill_n", "gapfill_all", "seq2point")


def summarise(rows):
    out = {}
    for m in METHODS:
        out[m] = {"rmse": float(np.mean([r[m]["rmse"] for r in rows])),
                  "ssim": float(np.mean([r[m]["ssim"] for r in rows]))}
    out["ratio_mean"] = float(np.mean([r["ratio"] for r in rows]))
    best_mean = min(out[m]["rmse"] for m in BASELINES)
    out["ratio_of_means"] = out["seq2point"]["rmse"] / best_mean
    out["wins"] = float(np.mean([r["ratio"] < 1.0 for r in rows]))
    out["cases"] = len(rows)
    return out


def print_table(sites):
    print("\n| site (cases) | least cloudy | mosaicing | gapfill, n inputs | seq2point | gapfill, all dates | "
          "seq2point / best of the first three | cases won | training |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    every = []
    for s in sites:
        if not s["rows"]:
            continue
        every += s["rows"]
        m = summarise(s["rows"])
        cells = [f"{m[k]['rmse']:.4f} / {m[k]['ssim']:.3f}" for k in ("least_cloudy", "mosaic", "gapfill_n",
                                                                       "seq2point", "gapfill_all")]
        print(f"| {s['site']} ({m['cases']}) | " + " | ".join(cells) + f" | {m['ratio_of_means']:.3f} | "
              f"{100 * m['wins']:.0f} % | {s['steps']} steps, {s['train_minutes']:.1f} min |")
    if every:
        m = summarise(every)
        cells = [f"{m[k]['rmse']:.4f} / {m[k]['ssim']:.3f}" for k in ("least_cloudy", "mosaic", "gapfill_n",
                                                                       "seq2point", "gapfill_all")]
        print(f"| all ({m['cases']}) | " + " | ".join(cells) + f" | {m['ratio_of_means']:.3f} | "
              f"{100 * m['wins']:.0f} % | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", default=",".join(SITES))
    parser.add_argument("--cases", type=int, default=12, help="targets per site (default 12)")
    parser.add_argument("--report-share", type=float, default=REPORT_SHARE)
    parser.add_argument("--architecture", default=None, help="default: the training default")
    parser.add_argument("--max-minutes", type=float, default=None, help="default: the training default")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--n-inputs", type=int, default=None)
    parser.add_argument("--features", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--keep", help="folder for the models (default: a temporary folder)")
    parser.add_argument("--json", default=str(REPO / "bench_output" / "seq2point_quality.json"))
    args = parser.parse_args()
    make_plugin_importable()
    import torch

    torch.set_num_threads(args.threads)
    sites = []
    with tempfile.TemporaryDirectory(prefix="s2cf-s2p-quality-") as tmp:
        folder = args.keep or tmp
        os.makedirs(folder, exist_ok=True)
        for site in args.sites.split(","):
            result = run_site(site, args, folder)
            if result:
                sites.append(result)
    print_table(sites)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"sites": sites, "args": vars(args)}, indent=1))
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
