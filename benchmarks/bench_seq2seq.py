#!/usr/bin/env python3
"""Sequence-to-sequence benchmark (issue 4): seconds per 256 x 256 tile x 30 dates x 13 bands.

Data: a generated series (core.sample.generate_sample_series, 30 dates, 256 x 256 px, 13 L1C bands,
with its true cloud masks and S1), made once into bench_output/seq2seq/ (delete it to regenerate).

For the `paper` preset and the default preset, each on the CPU (and on CUDA when available):
- seconds to fit and predict one 256 x 256 x 30-date tile with S1 input;
- the protocol's RMSE / SSIM on the same data (target = least cloudy date, source = most cloudy
  date blended onto it; core.evaluation_protocol), next to the least-cloudy, mosaicing and
  temporal-interpolation baselines.

The full paper schedule (20 passes x 6 batches x 100 steps = 12,000 steps of 5 dates) takes hours on
a CPU: on the CPU only its first ``--paper-steps`` steps are timed and the total is extrapolated
linearly (said so in the output), and its RMSE is given only with ``--paper-full``. On CUDA both
presets run in full (bfloat16 autocast in the forward pass).

    python benchmarks/bench_seq2seq.py [--threads 2] [--paper-steps 20] [--paper-full] [--default-steps N]
                                       [--json out.json]

``--default-steps N`` times only the first N steps of the default preset too (the cost of a step is
constant within a schedule, so the extrapolation is linear).

With ``--belgium`` it instead runs the protocol on windows of 12 consecutive dates of the real
Belgian series (../shared/data/belgium_31UDS_s1s2, Sen2Cor masks, S1 paired within 14 days) and
prints one table per window (least cloudy, mosaicing, temporal linear interpolation, seq2seq with
noise, seq2seq with S1) for the presets given with ``--presets``:

    python benchmarks/bench_seq2seq.py --belgium --windows 0,20,40,60,80,100 --presets fast,paper --s1-only --threads 1
"""

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench_output" / "seq2seq"
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402
DATES, SIZE, SEED = 30, 256, 21


def series():
    from s2cloudfree.core.sample import generate_sample_series

    folder = OUT / "series"
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))
    if len(s2) != DATES:
        started = time.perf_counter()
        generate_sample_series(str(folder), n_dates=DATES, size=SIZE, seed=SEED)
        print(f"generated {DATES} dates at {SIZE}² in {time.perf_counter() - started:.1f} s", flush=True)
        s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))
    masks = sorted(str(p) for p in folder.glob("mask_*.tif"))
    s1 = sorted(str(p) for p in folder.glob("s1_*.tif"))
    return s2, masks, s1


def run_preset(case, preset, device, threads, max_steps=None):
    """Fit + predict the whole tile with S1 input; (seconds, steps run, total steps, image or None)."""
    import numpy as np

    from s2cloudfree.core import seq2seq as s2s
    from s2cloudfree.core.errors import CancelledError

    schedule = s2s.make_schedule(preset)
    arrays = case.arrays
    inputs = s2s.with_static_channels(arrays.s1, arrays.s1_paired, 0)
    total = schedule.total_steps(len(arrays))
    done = [0]

    def on_step(k, _total):
        done[0] = k
        if device.type == "cuda":
            import torch

            torch.cuda.synchronize()
        if max_steps is not None and k >= max_steps:
            raise CancelledError("timed fraction done")

    with s2s.torch_settings(0, threads):
        if device.type == "cuda":
            import torch

            torch.cuda.synchronize()
        started = time.perf_counter()
        try:
            pred = s2s.fit_predict(case.data, case.clear, inputs, schedule, device, 0, on_step=on_step,
                                   days=case.dates if all(case.dates) else None, valid=case.valid,
                                   paired=arrays.s1_paired)
        except CancelledError:
            return time.perf_counter() - started, done[0], total, None
        seconds = time.perf_counter() - started
    image = pred[case.target]
    own = case.clear[case.target]
    image[:, own] = case.data[case.target][:, own]
    return seconds, total, total, np.clip(image, 0, 1)


def belgium(args):
    """Protocol tables on windows of 12 consecutive dates of the Belgian series."""
    from s2cloudfree.core import evaluation_protocol as ep
    from s2cloudfree.core import seq2seq as s2s

    folder = REPO.parent / "shared" / "data" / "belgium_31UDS_s1s2"
    dates = [item["date"] for item in json.loads((folder / "summary.json").read_text())["s2"]]
    s1 = sorted(str(p) for p in folder.glob("s1_*.tif"))
    results = []
    for start in [int(v) for v in args.windows.split(",")]:
        window = dates[start:start + 12]
        arrays = ep.load_series([str(folder / f"s2_{d}.tif") for d in window],
                                [str(folder / f"clm_{d}.tif") for d in window], s1)
        case = ep.make_case(arrays)
        rows = ep.run_protocol(case, ep.standard_methods(case, names=("least_cloudy", "mosaic", "temporal_linear")))
        for preset in args.presets.split(","):
            schedule = s2s.make_schedule(preset)
            names = ("seq2seq_s1",) if args.s1_only else ("seq2seq_noise", "seq2seq_s1")
            for row in ep.run_protocol(case, ep.standard_methods(case, names=names,
                                                                 schedule=schedule, threads=args.threads)):
                row["label"] = f"{row['label']} [{preset}]"
                rows.append(row)
        print("\n" + ep.format_table(rows, f"Belgium 31UDS, dates {start}..{start + 11} ({window[0]} .. {window[-1]}); "
                                       f"{case.describe()}"), flush=True)
        results.append({"window": start, "first": window[0], "last": window[-1], "target": arrays.names[case.target],
                        "source": arrays.names[case.source],
                        "rows": [{k: r[k] for k in ("method", "label", "rmse", "psnr", "ssim", "sam", "seconds")}
                                 for r in rows]})
    if len(results) > 1:
        labels = [r["label"] for r in results[0]["rows"]]
        print(f"\nMean over {len(results)} windows:")
        for label in labels:
            values = [next(r for r in res["rows"] if r["label"] == label) for res in results]
            print(f"  {label:42s} RMSE {sum(v['rmse'] for v in values) / len(values):.4f}  "
                  f"SSIM {sum(v['ssim'] for v in values) / len(values):.4f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2, default=float)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--belgium", action="store_true", help="protocol tables on the real Belgian series")
    parser.add_argument("--windows", default="0,20,40,60,80,100", help="--belgium: first date index of each window")
    parser.add_argument("--presets", default="fast", help="--belgium: comma-separated presets to run")
    parser.add_argument("--s1-only", action="store_true", help="--belgium: seq2seq with S1 only (not noise)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for torch (default 2)")
    parser.add_argument("--default-steps", type=int, default=0,
                        help="default preset on the CPU: time this many steps and extrapolate (default 0: run it all)")
    parser.add_argument("--paper-steps", type=int, default=20,
                        help="paper preset on the CPU: time this many steps and extrapolate (default 20)")
    parser.add_argument("--paper-full", action="store_true", help="run the full paper preset on the CPU too (hours)")
    parser.add_argument("--json", help="write every figure to this JSON file")
    args = parser.parse_args()
    make_plugin_importable()
    if args.belgium:
        return belgium(args)

    import torch

    from s2cloudfree.core import evaluation_protocol as ep
    from s2cloudfree.core import seq2seq as s2s
    from s2cloudfree.core.metrics import image_metrics

    s2, masks, s1 = series()
    arrays = ep.load_series(s2, masks, s1)
    case = ep.make_case(arrays)
    n, bands, h, w = arrays.data.shape
    print(f"Data: generated series, {n} dates x {bands} bands x {h} x {w} px (seed {SEED}); {case.describe()}")
    print("Machine note: wall-clock seconds on a machine shared with other work; CPU figures use "
          f"{args.threads} torch thread(s).", flush=True)

    results = {"data": {"dates": n, "bands": bands, "size": [h, w], "seed": SEED}, "runs": [], "baselines": []}
    for row in ep.run_protocol(case, ep.standard_methods(case, names=("least_cloudy", "mosaic", "temporal_linear"))):
        results["baselines"].append({k: row[k] for k in ("method", "rmse", "ssim", "psnr", "sam")})
        print(f"  baseline {row['label']:30s} RMSE {row['rmse']:.4f}  SSIM {row['ssim']:.4f}")

    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    else:
        print("CUDA: not available here (no CUDA figures).")
    for device in devices:
        for preset in (s2s.DEFAULT_PRESET, "paper"):
            schedule = s2s.make_schedule(preset)
            if device.type != "cpu":
                limit = None
            elif preset == "paper":
                limit = None if args.paper_full else args.paper_steps
            else:
                limit = args.default_steps or None
            partial = limit is not None
            seconds, steps, total, image = run_preset(case, preset, device, args.threads, limit)
            per_step = seconds / max(steps, 1)
            estimate = per_step * total
            entry = {"device": str(device), "preset": preset, "schedule": schedule.describe(), "steps": total,
                     "steps_timed": steps, "seconds_measured": seconds,
                     "seconds_per_tile": estimate, "extrapolated": partial}
            if image is not None:
                scores = image_metrics(image, case.truth, case.cloud)
                entry.update(rmse=scores["rmse"], ssim=scores["ssim"], psnr=scores["psnr"], sam=scores["sam"])
            results["runs"].append(entry)
            how = (f"EXTRAPOLATED from {steps} timed steps ({seconds:.1f} s, {per_step:.2f} s/step)"
                   if partial else "measured")
            quality = (f"RMSE {entry['rmse']:.4f}  SSIM {entry['ssim']:.4f}" if image is not None
                       else "RMSE not measured (timed fraction only; see --belgium for quality)")
            print(f"{device.type:4s} {preset:6s}: {estimate:9.1f} s per tile ({how}); {total} steps; {quality}",
                  flush=True)
        runs = {r["preset"]: r for r in results["runs"] if r["device"] == str(device)}
        ratio = runs["paper"]["seconds_per_tile"] / runs[s2s.DEFAULT_PRESET]["seconds_per_tile"]
        results.setdefault("ratio", {})[str(device)] = ratio
        print(f"{device.type}: paper / {s2s.DEFAULT_PRESET} time ratio = {ratio:.1f} x"
              + (" (from extrapolated times)" if runs["paper"]["extrapolated"] or runs[s2s.DEFAULT_PRESET]["extrapolated"]
                 else ""), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2, default=float)
    return results


if __name__ == "__main__":
    main()
