#!/usr/bin/env python3
"""Seq2point benchmark (issue 6): CR-TS Net inference and training throughput.

For ``crtsnet`` (the paper's network), ``crtsnet-lite`` and ``crtsnet-lite-gapfill`` (the lite
network correcting the gap filler's estimate; its end-to-end figure includes making that estimate
from the masks), n = 3 dates with S1 (13 + 2 channels):

- network: forward passes on tiles of the size the inference would choose (CPU: 2 threads; CUDA
  when available, with the precision ``auto`` would pick), in megapixels of computed tile per second;
- full tile: the extrapolated time for one 10980 x 10980 Sentinel-2 tile = the number of tiles the
  planner makes for it (default overlap 64 px) x the measured time per tile, and the resulting
  output megapixels per second (reading and writing not included: see the end-to-end figure);
- end to end: ``core.seq2point.seq2point`` on a generated 13-band series with S1 (files in, GeoTIFF
  out), output megapixels per second;
- training: samples per second (batch 1) of ``core.train.train_seq2point`` on the same series.

CPU figures for ``crtsnet`` use small tiles / patches (its speed per pixel does not depend on the
size); everything else uses the sizes named in the output. Results go to
bench_output/seq2point/results.json. ``--quick`` shrinks everything (a smoke run).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench_output" / "seq2point"
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402
FULL_TILE = 10980
CPU_THREADS = 2
ARCHITECTURES = ("crtsnet-lite", "crtsnet-lite-gapfill", "crtsnet")


def series(size, dates=6):
    from s2cloudfree.core.sample import generate_sample_series

    folder = OUT / f"series_{size}"
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))
    if len(s2) != dates:
        generate_sample_series(str(folder), n_dates=dates, size=size, seed=4, truth=False, fast=True)
        s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))
    masks = sorted(str(p) for p in folder.glob("mask_*.tif"))
    s1 = sorted(str(p) for p in folder.glob("s1_*.tif"))
    return s2, masks, s1


def time_forward(model, config, device, tile, batch, precision, repeats):
    import torch

    from s2cloudfree.core.seq2point import _Engine
    from s2cloudfree.core.reporting import SilentReporter

    engine = _Engine(model, config, device, precision, SilentReporter())
    x = (torch.rand(batch, config["n_inputs"], config["in_channels"], tile, tile) * 2).numpy()
    engine.predict(x)  # warm-up (and the precision check for 'auto')
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(repeats):
        engine.predict(x)
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - started) / repeats
    return seconds, engine.precision


def bench_inference(arch, device, quick):
    import torch

    from s2cloudfree.core.seq2point import DEFAULT_OVERLAP, choose_tiling, memory_budget_mb, plan_tiles
    from s2cloudfree.models.crtsnet import build_model, model_config

    config = model_config(arch)
    torch.manual_seed(0)
    model = build_model(config).to(device).eval()
    budget = memory_budget_mb(device) if device.type == "cuda" else 4096.0
    precision = "auto" if device.type == "cuda" else "fp32"
    auto_tile, auto_batch = choose_tiling(config, device, budget, 0, DEFAULT_OVERLAP,
                                          precision="bf16" if device.type == "cuda" else "fp32")
    if device.type == "cpu":
        # the time per pixel does not depend on the tile size: measure a small tile, scale up
        tile = 64 if quick else 96
        if arch != "crtsnet":
            tile = 128 if quick else 256
        batch, repeats = 1, 1
    else:
        tile, batch, repeats = auto_tile, auto_batch, 3
    seconds, used = time_forward(model, config, device, tile, batch, precision, repeats)
    net_mpx = batch * tile * tile / seconds / 1e6
    plan = plan_tiles(FULL_TILE, FULL_TILE, auto_tile, DEFAULT_OVERLAP)
    computed = len(plan.rows) * len(plan.cols) * plan.tile_h * plan.tile_w
    full_seconds = computed / (net_mpx * 1e6)
    return {"architecture": arch, "device": str(device), "precision": used, "measured_tile": tile,
            "measured_batch": batch, "network_mpx_per_s": net_mpx, "auto_tile": auto_tile,
            "auto_batch": auto_batch, "full_tile_tiles": len(plan.rows) * len(plan.cols),
            "full_tile_overlap_factor": computed / FULL_TILE ** 2,
            "full_tile_seconds": full_seconds,
            "full_tile_output_mpx_per_s": FULL_TILE ** 2 / full_seconds / 1e6}


def bench_end_to_end(arch, device, size, data, checkpoints):
    from s2cloudfree.core.seq2point import seq2point

    s2, masks, s1 = data
    out = OUT / f"prediction_{arch}_{device.type}_{size}.tif"
    started = time.perf_counter()
    result = seq2point(s2[:3], str(out), checkpoints[arch], s1_paths=s1, device=str(device),
                       threads=CPU_THREADS, mask_paths=masks[:3] if arch == "crtsnet-lite-gapfill" else None)
    wall = time.perf_counter() - started
    return {"architecture": arch, "device": str(device), "scene": f"{size} x {size}",
            "tiles": result["tiles"], "tile": result["tile"], "precision": result["precision"],
            "seconds": wall, "output_mpx_per_s": size * size / wall / 1e6}


def bench_training(arch, device, data, patch, steps):
    from s2cloudfree.core.train import TrainSettings, train_seq2point

    s2, masks, s1 = data
    settings = TrainSettings(architecture=arch, steps=steps, patch_size=patch, val_fraction=0.0,
                             device=str(device), threads=CPU_THREADS, log_every=max(steps, 1),
                             checkpoint_every=10 ** 9, clear_threshold=0.9)
    with tempfile.TemporaryDirectory() as folder:
        result = train_seq2point(os.path.join(folder, "m.pt"), s2, masks, s1, settings=settings)
    return {"architecture": arch, "device": str(device), "patch": patch, "batch": 1, "steps": steps,
            "samples_per_s": result["samples_per_second"],
            "pixels_per_s": result["samples_per_second"] * patch * patch}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--no-cuda", action="store_true")
    args = parser.parse_args()
    make_plugin_importable()
    OUT.mkdir(parents=True, exist_ok=True)
    import torch

    from s2cloudfree.models.checkpoint import save_checkpoint
    from s2cloudfree.models.crtsnet import build_model, model_config

    torch.set_num_threads(CPU_THREADS)
    devices = [torch.device("cpu")]
    if torch.cuda.is_available() and not args.no_cuda:
        devices.append(torch.device("cuda"))
    else:
        print("CUDA: not available, GPU figures skipped.", flush=True)
    size_cpu = 128 if args.quick else 256
    data = series(size_cpu)
    checkpoints = {}
    for arch in ARCHITECTURES:
        torch.manual_seed(0)
        config = model_config(arch)
        checkpoints[arch] = str(OUT / f"untrained_{arch}.pt")
        save_checkpoint(checkpoints[arch], build_model(config), config,
                        training={"data": "none: random weights for timing"})

    results = {"cpu_threads": CPU_THREADS, "torch": torch.__version__,
               "load_average_at_start": os.getloadavg(), "inference": [], "end_to_end": [],
               "training": []}
    for device in devices:
        for arch in ARCHITECTURES:
            r = bench_inference(arch, device, args.quick)
            results["inference"].append(r)
            print(f"[{device}] {arch}: network {r['network_mpx_per_s']:.5f} Mpx/s ({r['precision']}, "
                  f"tile {r['measured_tile']} x {r['measured_batch']}); full 10980² tile: "
                  f"{r['full_tile_tiles']} tiles of {r['auto_tile']} px, x{r['full_tile_overlap_factor']:.2f} "
                  f"overlap -> {r['full_tile_seconds'] / 3600:.2f} h ({r['full_tile_output_mpx_per_s']:.5f} "
                  "output Mpx/s)", flush=True)
        e2e_archs = ["crtsnet-lite", "crtsnet-lite-gapfill"] + ([] if device.type == "cpu" else ["crtsnet"])
        size = size_cpu if device.type == "cpu" else 2048
        e2e_data = data if device.type == "cpu" else series(size)
        for arch in e2e_archs:
            r = bench_end_to_end(arch, device, size, e2e_data, checkpoints)
            results["end_to_end"].append(r)
            print(f"[{device}] {arch} end to end on {r['scene']}: {r['seconds']:.1f} s, "
                  f"{r['output_mpx_per_s']:.5f} output Mpx/s ({r['tiles']} tiles of {r['tile']} px)", flush=True)
        for arch in ARCHITECTURES:
            if device.type == "cpu":
                patch, steps = (((32, 2) if arch == "crtsnet" else (64, 4)) if args.quick
                                else ((48, 3) if arch == "crtsnet" else (128, 6)))
            else:
                patch, steps = 256, 20
            r = bench_training(arch, device, data if device.type == "cpu" else e2e_data, patch, steps)
            results["training"].append(r)
            print(f"[{device}] {arch} training: {r['samples_per_s']:.4f} samples/s at {patch}² "
                  f"({r['pixels_per_s']:.0f} px/s), batch 1", flush=True)
    results["load_average_at_end"] = os.getloadavg()
    with open(OUT / "results.json", "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    print(f"written {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
