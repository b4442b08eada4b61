#!/usr/bin/env python3
"""`make demo`: the main job on the built-in generated sample, run through qgis_process.

1. generate the sample series (s2cloudfree:sample),
2. cloud mask (s2cloudless) of its cloudiest date, compared with the true mask,
3. least cloudy date and mosaic of clear observations, with masks computed by s2cloudless,
4. RGB quick-looks (PNG) of an input, the results and the truth in demo_output/.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "demo_output"
QGIS_PROCESS = REPO / "scripts" / "qgis-process"
sys.path.insert(0, str(REPO / ".dev" / "plugins"))


def ensure_import_link():
    link = REPO / ".dev" / "plugins" / "s2cloudfree"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(os.path.join("..", ".."), target_is_directory=True)


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
    ensure_import_link()
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


if __name__ == "__main__":
    main()
