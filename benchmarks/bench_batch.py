#!/usr/bin/env python3
"""Batch runner benchmark (issue 17): the mosaic and the cloud mask of a generated series, in one
process (the reference, the core function with 1 thread) and on Dask LocalClusters of 1 and 2
worker processes (1 thread each), wall time including the assembly into a COG; outputs are checked
to be identical to the reference.

Data: a generated series (core.sample, ``fast``: no per-date noise) written to
bench_output/batch/ (ignored by git; reused when it exists with the same size and dates). The
issue asks for 4096² x 30 dates (8 GB of GeoTIFFs); the default here is that.

From the measured per-worker throughput, the script prints what a continent-year would take on N
workers: ``--tiles`` Sentinel-2 tiles of 10980² px (default 1,100, about Europe) x ``--dates``
per year (default 73, the 5-day revisit), for the mosaic and for the cloud mask of every date,
assuming the speed-up per worker stays what 1 -> 2 workers gave here (a cluster with its own disks
and network will differ: the figure is on paper).

    python benchmarks/bench_batch.py [--size 4096] [--n-dates 30] [--tile-size 1024]
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench_output" / "batch"
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402

S2_TILE_PX = 10980 * 10980


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def generated_series(folder, size, n_dates, generate):
    """(S2 paths, mask paths) of the generated series in ``folder``: made once, then reused (a list
    of the files, written after they are complete, says they are there)."""
    import json

    listing = folder / "series.json"
    if listing.exists():
        made = json.loads(listing.read_text())
        if all(Path(p).exists() for p in made["s2"] + made["masks"]):
            return made["s2"], made["masks"]
    sample = generate(str(folder), n_dates=n_dates, size=size, seed=7, truth=False, s1=False, fast=True)
    listing.write_text(json.dumps({"s2": list(sample.s2), "masks": list(sample.masks)}))
    return sample.s2, sample.masks


def identical(a, b):
    import numpy as np
    import rasterio

    with rasterio.open(a) as x, rasterio.open(b) as y:
        return np.array_equal(x.read(), y.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--n-dates", type=int, default=30)
    parser.add_argument("--tile-size", type=int, default=1024)
    parser.add_argument("--tiles", type=int, default=1100, help="S2 tiles of the continent (paper estimate)")
    parser.add_argument("--dates", type=int, default=73, help="dates per year (paper estimate)")
    parser.add_argument("--workers-on-paper", type=int, default=100)
    args = parser.parse_args()
    make_plugin_importable()
    import distributed

    from s2cloudfree.batch.jobs import make_job
    from s2cloudfree.batch.runner import run
    from s2cloudfree.core.cloudmask import compute_cloud_mask
    from s2cloudfree.core.mosaic import mosaic
    from s2cloudfree.core.reporting import SilentReporter
    from s2cloudfree.core.sample import generate_sample_series

    data = OUT / f"series_{args.size}_{args.n_dates}"
    started = time.perf_counter()
    s2, masks = generated_series(data, args.size, args.n_dates, generate_sample_series)
    print(f"Batch benchmark: generated series {args.size}² px x {args.n_dates} dates x 13 bands "
          f"({time.perf_counter() - started:.0f} s to make or reuse), tiles of {args.tile_size} px.")
    runs = OUT / "runs"
    shutil.rmtree(runs, ignore_errors=True)
    runs.mkdir(parents=True)
    pixel_dates = args.size * args.size * args.n_dates
    figures = {}

    ref_mosaic, _ = timed(lambda: mosaic(s2, masks, str(runs / "mosaic_ref.tif"), threads=1,
                                         reporter=SilentReporter()))
    ref_mask, _ = timed(lambda: compute_cloud_mask(s2[0], str(runs / "mask_ref.tif"), threads=1,
                                                   reporter=SilentReporter()))
    figures["one process"] = (ref_mosaic, ref_mask)
    for workers in (1, 2):
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=":0")
        with distributed.Client(cluster) as client:
            values = {"S2_LAYERS": list(s2), "MASK_LAYERS": list(masks),
                      "OUTPUT": [str(runs / f"mosaic_{workers}.tif")]}
            t_mosaic, _ = timed(lambda: run(make_job("mosaic", values), values, args.tile_size, client=client,
                                            log=lambda m: None))
            values = {"INPUT": [s2[0]], "OUTPUT_MASK": [str(runs / f"mask_{workers}.tif")]}
            t_mask, _ = timed(lambda: run(make_job("cloudmask", values), values, args.tile_size, client=client,
                                          log=lambda m: None))
        cluster.close()
        assert identical(runs / f"mosaic_{workers}.tif", runs / "mosaic_ref.tif")
        assert identical(runs / f"mask_{workers}.tif", runs / "mask_ref.tif")
        figures[f"{workers} worker{'s' if workers > 1 else ''}"] = (t_mosaic, t_mask)

    print(f"\n{'':14s} {'mosaic s':>9s} {'Mpx-dates/s':>12s} {'cloud mask s':>13s} {'Mpx/s':>7s}")
    for name, (t_mosaic, t_mask) in figures.items():
        print(f"{name:14s} {t_mosaic:9.1f} {pixel_dates / t_mosaic / 1e6:12.1f} {t_mask:13.1f} "
              f"{args.size ** 2 / t_mask / 1e6:7.3f}")
    one, two = figures["1 worker"], figures["2 workers"]
    print(f"\nspeed-up 1 -> 2 workers: mosaic {one[0] / two[0]:.2f} x, cloud mask {one[1] / two[1]:.2f} x; "
          f"batch (1 worker) vs one process: mosaic {figures['one process'][0] / one[0]:.2f} x, "
          f"cloud mask {figures['one process'][1] / one[1]:.2f} x. Outputs identical.")
    n = args.workers_on_paper
    mosaic_rate = pixel_dates / one[0] * n * min(1.0, (one[0] / two[0]) / 2)   # pixel-dates/s on n workers
    mask_rate = args.size ** 2 / one[1] * n * min(1.0, (one[1] / two[1]) / 2)
    total_px_dates = args.tiles * S2_TILE_PX * args.dates
    print(f"On paper, {args.tiles} tiles x {args.dates} dates on {n} workers at the per-worker rate measured "
          f"here (scaling as 1 -> 2 workers did): mosaic {total_px_dates / mosaic_rate / 3600:.1f} h, "
          f"cloud masks of every date {total_px_dates / mask_rate / 3600:.0f} h.")


if __name__ == "__main__":
    main()
