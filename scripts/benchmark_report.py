#!/usr/bin/env python3
"""The benchmark of S2 CloudFree as a script (no QGIS): the SEN12MS-CR-TS protocols over a series,
every available method, an HTML report folder (index.html, report.json, img/).

Same code as the Processing algorithm ``s2cloudfree:benchmark`` (core.benchmark_protocols).

Examples (with the virtual environment's Python):

    # the generated sample (true masks and cloud-free truth), central 128 x 128 px, short seq2seq
    .venv/bin/python scripts/benchmark_report.py --sample demo_output/sample --crop 128 \\
        --max-dates 6 --out demo_output/report

    # your own series
    .venv/bin/python scripts/benchmark_report.py --s2 s2_*.tif --masks clm_*.tif --s1 s1_*.tif \\
        --extent 500000 5600000 502560 5602560 --out report --device cuda

    # a screenshot of a report (headless Chromium)
    .venv/bin/python scripts/benchmark_report.py --screenshot-of report/index.html docs/img/report.png
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio")


def _import_plugin():
    """Import the plugin as the package ``s2cloudfree`` (the repository root is the plugin folder)."""
    from plugin_link import make_plugin_importable

    make_plugin_importable()
    import s2cloudfree  # noqa: F401


# ------------------------------------------------------------------------------- headless Chromium

def find_chromium():
    """The Chromium executable, or None (Debian: ``apt-get install chromium``)."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(url, *extra, timeout=120):
    """Run headless Chromium on ``url`` with a throw-away profile; CompletedProcess (text)."""
    browser = find_chromium()
    if browser is None:
        raise SystemExit("Chromium is not installed (Debian: apt-get install chromium).")
    profile = tempfile.mkdtemp(prefix="s2cf-chromium-")
    try:
        args = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url]
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(html_path, png_path, width=1280, height=2000):
    """A ``width`` x ``height`` screenshot of a local HTML file (the top of the page)."""
    png_path = os.path.abspath(png_path)
    os.makedirs(os.path.dirname(png_path), exist_ok=True)
    proc = run_chromium(Path(html_path).resolve().as_uri(), f"--window-size={width},{height}",
                        "--virtual-time-budget=5000", f"--screenshot={png_path}")
    if not os.path.isfile(png_path):
        raise SystemExit(f"Chromium wrote no screenshot:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return png_path


def dump_dom(html_path, virtual_time_ms=5000):
    """The DOM of a local HTML file after load and ``virtual_time_ms`` of virtual time."""
    proc = run_chromium(Path(html_path).resolve().as_uri(), f"--virtual-time-budget={virtual_time_ms}",
                        "--dump-dom")
    return proc.stdout


# ------------------------------------------------------------------------------- the benchmark

def _paths(patterns):
    out = []
    for pattern in patterns or []:
        found = sorted(glob.glob(pattern))
        out.extend(found if found else [pattern])
    return out


def central_extent(path, size):
    """(xmin, ymin, xmax, ymax) of the central ``size`` x ``size`` pixels of a raster."""
    from s2cloudfree.core.raster_info import describe_raster

    grid = describe_raster(path).grid
    size = min(int(size), grid.width, grid.height)
    r0, c0 = (grid.height - size) // 2, (grid.width - size) // 2
    t = grid.transform
    x0, y0 = t * (c0, r0)
    x1, y1 = t * (c0 + size, r0 + size)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_argument_group("series")
    src.add_argument("--sample", metavar="DIR", help="generate the sample series into DIR (true masks, S1, truth) "
                     "and benchmark it")
    src.add_argument("--sample-dates", type=int, default=24)
    src.add_argument("--sample-size", type=int, default=256)
    src.add_argument("--s2", nargs="+", help="S2 layers (globs allowed)")
    src.add_argument("--masks", nargs="+", help="cloud masks, one per S2 layer (default: s2cloudless)")
    src.add_argument("--s1", nargs="+", help="S1 layers (VV, VH in dB)")
    src.add_argument("--truth", nargs="+", help="cloud-free truth, one per S2 layer")
    src.add_argument("--extent", nargs=4, type=float, metavar=("XMIN", "YMIN", "XMAX", "YMAX"),
                     help="region of interest in the CRS of the first S2 layer")
    src.add_argument("--crop", type=int, metavar="N", help="the central N x N pixels of the first S2 layer")
    run = p.add_argument_group("run")
    run.add_argument("--protocols", nargs="+", default=None, help="seq2seq seq2point (default: both)")
    run.add_argument("--methods", nargs="+", default=None,
                     help="least_cloudy mosaic temporal_linear seq2seq_noise seq2seq_s1 seq2point (default: all)")
    run.add_argument("--model", default="", help="seq2point checkpoint or registry name")
    run.add_argument("--preset", default="fast", choices=("fast", "paper"))
    run.add_argument("--passes", type=int, default=0, help="seq2seq passes (0: the preset's)")
    run.add_argument("--steps", type=int, default=0, help="seq2seq steps per batch and pass (0: the preset's)")
    run.add_argument("--max-dates", type=int, default=0, help="dates of the seq2seq protocol (0: all)")
    run.add_argument("--n-inputs", type=int, default=3)
    run.add_argument("--selection", default="first", choices=("first", "nearest"))
    run.add_argument("--device", default="auto")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--tile-size", type=int, default=256)
    run.add_argument("--memory-mb", type=int, default=2048)
    p.add_argument("--out", default="benchmark_report", help="report folder (default: ./benchmark_report)")
    p.add_argument("--screenshot", metavar="PNG", help="also save a screenshot of the report (headless Chromium)")
    p.add_argument("--screenshot-of", nargs=2, metavar=("HTML", "PNG"),
                   help="only take a screenshot of an existing report")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.screenshot_of:
        print(screenshot(*args.screenshot_of))
        return 0
    _import_plugin()
    from s2cloudfree.core.benchmark_protocols import METHODS, PROTOCOLS, BenchmarkOptions, run_benchmark
    from s2cloudfree.core.errors import S2CloudFreeError
    from s2cloudfree.core.reporting import ConsoleReporter, SilentReporter

    reporter = SilentReporter() if args.quiet else ConsoleReporter()
    try:
        if args.sample:
            from s2cloudfree.core.sample import generate_sample_series

            sample = generate_sample_series(args.sample, n_dates=args.sample_dates, size=args.sample_size,
                                            seed=args.seed, reporter=reporter)
            s2, masks, s1, truth = sample.s2, sample.masks, sample.s1, sample.truth
        else:
            if not args.s2:
                raise SystemExit("Give --s2 layers or --sample DIR.")
            s2, masks, s1, truth = _paths(args.s2), _paths(args.masks), _paths(args.s1), _paths(args.truth)
        extent = tuple(args.extent) if args.extent else None
        if args.crop:
            extent = central_extent(s2[0], args.crop)
        options = BenchmarkOptions(
            protocols=tuple(args.protocols or PROTOCOLS), methods=tuple(args.methods or METHODS),
            preset=args.preset, passes=args.passes, steps=args.steps, max_dates=args.max_dates,
            n_inputs=args.n_inputs, input_selection=args.selection, device=args.device, seed=args.seed,
            tile_size=args.tile_size, memory_mb=args.memory_mb, model=args.model)
        result = run_benchmark(s2, masks, args.out, s1_paths=s1, truth_paths=truth, extent=extent,
                               options=options, reporter=reporter)
    except S2CloudFreeError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    if args.screenshot:
        screenshot(result["html"], args.screenshot)
        print(f"Screenshot: {args.screenshot}")
    if args.quiet:
        print(f"Report: {result['html']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
