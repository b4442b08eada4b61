#!/usr/bin/env python3
"""Gap-filling benchmark (issue 11 §2): the mosaic benchmark's series, every date filled.

Series: the 2048² x 30-date x 13-band generated uint16 series of benchmarks/bench_mosaic.py (made
there, or here when missing, into bench_output/mosaic/series_2048).
Reference measured in the same run: the same read-only pass as the mosaic benchmark (every input
read once with rasterio, block by block). Figures: wall time of ``core.gapfill_files.gapfill`` with
2 threads and the default memory budget (rbf, screening on, error estimate on; 30 GeoTIFFs
written) and its ratio to the read-only pass (goal < 1.5 x), peak RSS of each in its own process;
and the same without the error estimate, to show what the estimate costs. With ``--memory-mb``
(comma-separated budgets) the gap filler runs once per budget (the first one also without the
estimate): the windows grow by the fill's reach (86 px) on every side, so the budget decides how
many times each pixel is read and filled.

    python benchmarks/bench_gapfill.py [--size 2048] [--memory-mb 256,1024]
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))
from plugin_link import make_plugin_importable  # noqa: E402

import bench_mosaic  # noqa: E402  (its series and its read-only reference)


def child_gapfill(size, estimate, memory_mb):
    from s2cloudfree.core.gapfill_files import gapfill
    from s2cloudfree.core.reporting import SilentReporter

    _, s2, masks = bench_mosaic.series_paths(size)
    out = bench_mosaic.OUT / f"gapfill_{size}"
    shutil.rmtree(out, ignore_errors=True)
    reporter = SilentReporter()
    result = gapfill(s2, masks, str(out), threads=2, estimate=estimate, reporter=reporter, memory_mb=memory_mb)
    windows = next((m for m in reporter.messages if "window(s)" in m), "")
    return {"estimated_rmse": result["estimated_rmse"], "filled": result["filled_pixels"],
            "windows": windows.rsplit(";", 1)[-1].strip()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--memory-mb", default="256", help="comma-separated memory budgets (MB)")
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    make_plugin_importable()
    if args.child:
        kind, size = args.child[0], int(args.child[1])
        import resource

        info = (bench_mosaic.child_read(size) if kind == "read"
                else child_gapfill(size, kind == "gapfill", float(args.child[2])))
        info["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(info))
        return
    bench_mosaic.generate(args.size)
    budgets = [float(b) for b in args.memory_mb.split(",")]
    read_s, read_info = run_child(["read", str(args.size)])
    print(f"{args.size}² x {bench_mosaic.DATES} dates x 13 bands: read-only pass (reference) {read_s:.2f} s "
          f"(peak RSS {read_info['rss_mb']:.0f} MB)", flush=True)
    ratios = []
    for i, budget in enumerate(budgets):
        gap_s, gap_info = run_child(["gapfill", str(args.size), str(budget)])
        ratios.append((budget, gap_s / read_s))
        print(f"  gapfill, budget {budget:g} MB ({gap_info['windows']}): {gap_s:.2f} s = {gap_s / read_s:.2f} x read "
              f"(peak RSS {gap_info['rss_mb']:.0f} MB, estimated RMSE {gap_info['estimated_rmse']:.4f})", flush=True)
        if i == 0:
            bare_s, bare_info = run_child(["gapfill-no-estimate", str(args.size), str(budget)])
            print(f"  gapfill without the estimate, budget {budget:g} MB: {bare_s:.2f} s = {bare_s / read_s:.2f} x read "
                  f"(peak RSS {bare_info['rss_mb']:.0f} MB)", flush=True)
    for budget, ratio in ratios:
        print(f"RESULT gapfill {ratio:.2f} x the read-only pass with {budget:g} MB (goal < 1.5 x)")


def run_child(child_args):
    import subprocess
    import time

    started = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", *child_args], capture_output=True, text=True,
                          check=True)
    return time.perf_counter() - started, json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
