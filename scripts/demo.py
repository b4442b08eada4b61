#!/usr/bin/env python3
"""`make demo`: the main job on the built-in generated sample, run through qgis_process.

1. generate the sample series (s2cloudfree:sample),
2. cloud mask (s2cloudless) of its cloudiest date, compared with the true mask,
3. least cloudy date and mosaic of clear observations, with masks computed by s2cloudless,
4. RGB quick-looks (PNG) of an input, the results and the truth in demo_output/,
5. the benchmark report (the paper's sequence-to-sequence and sequence-to-point protocols, every
   method, scored against the sample's cloud-free truth with its true masks) in
   demo_output/report/index.html. A 128 x 128 px region and a short seq2seq run keep it to a
   few minutes on 2 CPU cores.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "demo_output"
QGIS_PROCESS = REPO / "scripts" / "qgis-process"
from plugin_link import make_plugin_importable  # noqa: E402 (scripts/ is on sys.path)


def qgis_process(algorithm, params):
    """Run one algorithm with qgis_process; parameters given as a list of (name, value)."""
    args = [str(QGIS_PROCESS), "--json", "run", algorithm, "--"]
    args += [f"{name}={value}" for name, value in params]
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"{algorithm} failed (exit {proc.returncode})")
    text = proc.stdout[proc.stdout.index("{"):]
    result = json.loads(text)
    print(f"  {algorithm}: {seconds:.1f} s")
    return result["results"]


def cloud_fraction(mask_path):
    import rasterio

    with rasterio.open(mask_path) as ds:
        return float((ds.read(1) == 1).mean())


def mask_agreement(detected_path, true_path):
    import rasterio

    with rasterio.open(detected_path) as a, rasterio.open(true_path) as b:
        return float(((a.read(1) == 1) == (b.read(1) == 1)).mean())


def main():
    make_plugin_importable()
    from s2cloudfree.core.quicklook import write_mask_png, write_rgb_png

    OUT.mkdir(exist_ok=True)
    sample_dir = OUT / "sample"
    print(f"S2 CloudFree demo: outputs in {OUT}")
    sample = qgis_process("s2cloudfree:sample", [("DATES", 24), ("SIZE", 256), ("SEED", 0),
                                                 ("OUTPUT_FOLDER", sample_dir)])
    s2, masks, truth = sample["S2_LAYERS"], sample["MASK_LAYERS"], sample["TRUTH_LAYERS"]
    cloudiest = max(range(len(masks)), key=lambda k: cloud_fraction(masks[k]))
    detected = qgis_process("s2cloudfree:cloudmask", [("INPUT", s2[cloudiest]),
                                                      ("OUTPUT_MASK", OUT / "cloudmask_cloudiest.tif")])
    agreement = mask_agreement(OUT / "cloudmask_cloudiest.tif", masks[cloudiest])
    print(f"Cloud mask of {Path(s2[cloudiest]).name}: {100 * detected['CLOUD_FRACTION']:.1f} % cloud; "
          f"agrees with the true mask on {100 * agreement:.1f} % of the pixels")
    # No MASK_LAYERS: the algorithms compute s2cloudless masks themselves.
    series = [("S2_LAYERS", p) for p in s2]

    least = qgis_process("s2cloudfree:leastcloudy", series + [("OUTPUT", OUT / "least_cloudy.tif")])
    qgis_process("s2cloudfree:mosaic", series + [("FALLBACK", 2), ("OUTPUT", OUT / "mosaic.tif"),
                                                 ("OUTPUT_COUNT", OUT / "mosaic_count.tif")])
    selected = int(least["SELECTED_INDEX"])
    pictures = {
        "input_cloudy.png": s2[cloudiest],
        "least_cloudy.png": OUT / "least_cloudy.tif",
        "mosaic.png": OUT / "mosaic.tif",
        "truth_of_least_cloudy_date.png": truth[selected],
    }
    for name, raster in pictures.items():
        write_rgb_png(str(raster), str(OUT / name))
    write_mask_png(masks[cloudiest], str(OUT / "input_cloudy_true_mask.png"))
    write_mask_png(str(OUT / "cloudmask_cloudiest.tif"), str(OUT / "input_cloudy_s2cloudless_mask.png"))
    print(f"Least cloudy date: {Path(s2[selected]).name} (index {selected})")
    print("Written:")
    for path in sorted(OUT.iterdir()):
        if path.is_file():
            print(f"  {path.relative_to(REPO)}")
    benchmark_report(sample)


# The demo's benchmark: the central 128 x 128 px of the sample, the sequence-to-sequence protocol on
# the 5 dates around its target, the seq2seq networks with the 'fast' preset cut to one pass
# (40 Adam steps per fit): a short run, about four fits of 20-40 s each on 2 CPU cores.
DEMO_CROP = 128
DEMO_MAX_DATES = 5
DEMO_SEQ2SEQ_PASSES = 1


def benchmark_report(sample):
    """The benchmark report on the sample (same code as s2cloudfree:benchmark and
    scripts/benchmark_report.py), with the sample's true masks, S1 and cloud-free truth."""
    from benchmark_report import central_extent
    from s2cloudfree.core.benchmark_protocols import BenchmarkOptions, run_benchmark
    from s2cloudfree.core.reporting import Reporter

    class Progress(Reporter):
        """Prints the benchmark's steps and every 10 % of progress."""

        def __init__(self):
            self.last = -1

        def info(self, message):
            if message.endswith(" ...") or message.startswith(("Device:", "Sequence-to")):
                print(f"  {message}", flush=True)

        def warning(self, message):
            print(f"  WARNING: {message}", flush=True)

        def set_progress(self, percent):
            if int(percent) // 10 > self.last:
                self.last = int(percent) // 10
                print(f"  {int(percent)} %", flush=True)

    print(f"Benchmark (the paper's protocols) on the central {DEMO_CROP} x {DEMO_CROP} px of the sample:")
    started = time.perf_counter()
    options = BenchmarkOptions(max_dates=DEMO_MAX_DATES, preset="fast", passes=DEMO_SEQ2SEQ_PASSES,
                               device="auto", seed=0)
    result = run_benchmark(sample["S2_LAYERS"], sample["MASK_LAYERS"], OUT / "report",
                           s1_paths=sample["S1_LAYERS"], truth_paths=sample["TRUTH_LAYERS"],
                           extent=central_extent(sample["S2_LAYERS"][0], DEMO_CROP), options=options,
                           reporter=Progress())
    print(f"  done in {time.perf_counter() - started:.0f} s on {result['device']}")
    from s2cloudfree.core.evaluation_protocol import format_table

    for protocol in result["report"]["protocols"]:
        print()
        print(format_table(protocol["rows"], title=protocol["title"] + " (scored against the truth)"))
    print()
    print(f"Report: {Path(result['html']).relative_to(REPO)}  (open it in a browser; numbers in "
          f"{Path(result['json']).relative_to(REPO)})")


if __name__ == "__main__":
    main()
