#!/usr/bin/env python3
"""Mosaic benchmark (issue: foundation).

Series: 30 dates x 13 bands of a generated uint16 L1C series with masks, at 1024² and 2048²
(tiled, DEFLATE-compressed GeoTIFFs, as a user's files would be).
Reference measured in the same run: one pass that only reads every input (S2 and mask)
once with rasterio, block by block.
Figures: wall time of `core.mosaic.mosaic` against that read time (goal <= 1.5 x), peak
RSS of each run in its own process (goal <= 1 GB) and its growth from 1024² to 2048²
(goal < 10 %).
Data is generated once into bench_output/ (kept between runs; delete it to regenerate).
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench_output" / "mosaic"
sys.path.insert(0, str(REPO / "scripts"))
from plugin_link import make_plugin_importable  # noqa: E402
DATES = 30
SIZES = (1024, 2048)


def series_paths(size):
    folder = OUT / f"series_{size}"
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))
    masks = sorted(str(p) for p in folder.glob("mask_*.tif"))
    return folder, s2, masks


def generate(size):
    from s2cloudfree.core.sample import generate_large_series

    folder, s2, masks = series_paths(size)
    if len(s2) == DATES and len(masks) == DATES:
        return
    started = time.perf_counter()
    generate_large_series(str(folder), n_dates=DATES, size=size, seed=11)
    print(f"generated {DATES} dates at {size}² in {time.perf_counter() - started:.1f} s", flush=True)


def child_read(size):
    """Read every input once, block-window by block-window (the reference)."""
    import rasterio

    _, s2, masks = series_paths(size)
    total = 0
    for path in s2 + masks:
        with rasterio.open(path) as ds:
            for _, window in ds.block_windows(1):
                total += ds.read(window=window).nbytes
    return {"bytes": total}


def child_mosaic(size, threads, memory_mb):
    from s2cloudfree.core.mosaic import mosaic
    from s2cloudfree.core.reporting import SilentReporter

    _, s2, masks = series_paths(size)
    out = OUT / f"mosaic_{size}.tif"
    mosaic(s2, masks, str(out), fallback="nodata", threads=threads, memory_mb=memory_mb,
           reporter=SilentReporter())
    return {"output_mb": os.path.getsize(out) / 1e6}


def run_child(*args):
    """Run one measurement in a fresh process: wall seconds and its peak RSS (MB)."""
    cmd = [sys.executable, __file__, "--child", *map(str, args)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, info


def main():
    make_plugin_importable()
    from s2cloudfree.core.windows import DEFAULT_MEMORY_MB

    for size in SIZES:
        generate(size)
    rows = []
    for size in SIZES:
        read_s, read_info = run_child("read", size)
        mos_s, mos_info = run_child("mosaic", size, 2, DEFAULT_MEMORY_MB)
        one_s, one_info = run_child("mosaic", size, 1, DEFAULT_MEMORY_MB)
        print(f"memory budget {DEFAULT_MEMORY_MB} MB (the default)", flush=True)
        rows.append((size, read_s, read_info, mos_s, mos_info, one_s, one_info))
        print(f"{size}²: read-only pass {read_s:.2f} s (peak RSS {read_info['rss_mb']:.0f} MB, "
              f"{read_info['bytes'] / 1e9:.2f} GB decoded); mosaic 2 threads {mos_s:.2f} s "
              f"({mos_s / read_s:.2f} x read, peak RSS {mos_info['rss_mb']:.0f} MB); "
              f"mosaic 1 thread {one_s:.2f} s ({one_s / read_s:.2f} x read, "
              f"peak RSS {one_info['rss_mb']:.0f} MB)", flush=True)
    small, large = rows[0], rows[-1]
    growth = large[4]["rss_mb"] / small[4]["rss_mb"] - 1
    print(f"RESULT mosaic {DATES} dates x 13 bands x {large[0]}²: {large[3]:.2f} s = "
          f"{large[3] / large[1]:.2f} x the read-only pass ({large[1]:.2f} s; goal <= 1.5 x); "
          f"peak RSS {large[4]['rss_mb']:.0f} MB (goal <= 1024 MB); RSS growth "
          f"{small[0]}² -> {large[0]}²: {100 * growth:+.1f} % (goal < 10 %)")


def child_main(args):
    kind, size = args[0], int(args[1])
    if kind == "read":
        info = child_read(size)
    else:
        info = child_mosaic(size, int(args[2]), float(args[3]))
    info["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(info))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        make_plugin_importable()
        child_main(sys.argv[2:])
    else:
        main()
